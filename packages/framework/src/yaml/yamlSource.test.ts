import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { formatYamlPath, YamlSource } from './yamlSource.js';

const TEXT = `name: gpt
hosts:
  - name: block
    drivers: [ramdisk, gpt]
properties:
  fuchsia.BIND_PROTOCOL: 3
bind: |
  using fuchsia.block;
    indented == 1;
`;

describe('YamlSource', () => {
  const source = YamlSource.parse(TEXT, 'b.yaml');

  it('locates values, keys and missing paths', () => {
    expect(source.position(['hosts', 0, 'drivers', 1])).toEqual({ line: 4, col: 24 });
    expect(source.position(['hosts', 0, 'name'], 'key')).toEqual({ line: 3, col: 5 });
    // A missing key resolves to the nearest existing ancestor.
    expect(source.position(['hosts', 0, 'nothing', 3])).toEqual({ line: 3, col: 5 });
    expect(source.at(['properties', 'fuchsia.BIND_PROTOCOL'], 'bad', 'fix it')).toEqual({
      file: 'b.yaml',
      line: 6,
      col: 26,
      path: 'properties["fuchsia.BIND_PROTOCOL"]',
      message: 'bad',
      fix: 'fix it',
    });
  });

  it('maps a literal block back to its lines and indentation', () => {
    expect(source.blockScalarOrigin(['bind'])).toEqual({ line: 8, indent: 2 });
    expect(source.blockScalarOrigin(['name'])).toBeUndefined();
  });

  it('formats paths like the diagnostics print them', () => {
    expect(formatYamlPath(['hosts', 1, 'drivers', 0])).toBe('hosts[1].drivers[0]');
    expect(formatYamlPath([0, 'op'])).toBe('[0].op');
    expect(formatYamlPath(['devices', 0, 'properties', 'fuchsia.A'])).toBe(
      'devices[0].properties["fuchsia.A"]',
    );
  });

  it('turns syntax errors into located diagnostics', () => {
    const broken = YamlSource.parse('a: 1\na: 2\n', 'dup.yaml');
    expect(broken.syntaxErrors).toHaveLength(1);
    expect(broken.syntaxErrors[0]).toMatchObject({ file: 'dup.yaml', line: 2, col: 1 });
    expect(broken.syntaxErrors[0]?.message).toContain('YAML syntax: Map keys must be unique');
  });

  it('refuses alias bombs with ERR_INVALID_ARGS', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = YamlSource.parse(lines.join('\n'), 'bomb.yaml');
    try {
      bomb.data();
      expect.unreachable();
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_INVALID_ARGS)).toBe(true);
      expect((err as Error).message).toContain('bomb.yaml: Excessive alias count');
    }
  });
});
