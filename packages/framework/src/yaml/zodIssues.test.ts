import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DiagnosticsError, formatDiagnostic } from '../diagnostics.js';
import { YamlSource } from './yamlSource.js';
import { allowedKeysAt, validateYaml } from './zodIssues.js';

const SCHEMA = z.strictObject({
  name: z.string(),
  size: z.number().int().min(1).optional(),
  mode: z.enum(['fast', 'slow']).optional(),
  source: z.union([z.string(), z.strictObject({ file: z.string() })]).optional(),
  items: z.array(z.strictObject({ id: z.string() })).optional(),
});

function problems(text: string): string[] {
  try {
    validateYaml(YamlSource.parse(text, 'f.yaml'), SCHEMA, 'f.yaml');
  } catch (err) {
    return (err as DiagnosticsError).diagnostics.map(formatDiagnostic);
  }
  return [];
}

describe('zod issues as located diagnostics', () => {
  it('words type, enum, range and missing-key problems for people', () => {
    expect(problems('size: 1.5\nmode: fsat\n')).toEqual([
      "f.yaml:1:1: name: missing required key 'name'; add `name:` with a string",
      'f.yaml:1:7: size: expected an integer, found the number 1.5',
      "f.yaml:2:7: mode: the string 'fsat' is not allowed here; did you mean 'fast'? use one of: fast, slow",
    ]);
  });

  it('follows the union alternative that fits the input', () => {
    expect(problems('name: a\nsource: { fil: x }\n')).toEqual([
      "f.yaml:2:9: source.file: missing required key 'file'; add `file:` with a string",
      "f.yaml:2:11: source.fil: unknown key 'fil'; did you mean 'file'? allowed keys: file",
    ]);
    expect(problems('name: a\nsource: 3\n')).toEqual([
      'f.yaml:2:9: source: expected a string or a mapping (key: value lines), found the number 3',
    ]);
  });

  it('finds allowed keys through arrays, optionals and unions', () => {
    expect(allowedKeysAt(SCHEMA, ['items', 0])).toEqual(['id']);
    expect(allowedKeysAt(SCHEMA, ['source'])).toEqual(['file']);
    expect(allowedKeysAt(SCHEMA, [])).toEqual(['name', 'size', 'mode', 'source', 'items']);
  });
});
