import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../diagnostics.js';
import type { PropertyValue } from '../node/nodeProperty.js';
import { evaluate } from './evaluate.js';
import { formatBindRules } from './program.js';
import { compileBindYaml } from './yamlConditions.js';

function failures(text: string): string[] {
  try {
    compileBindYaml(text, 'rules.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticsError);
    return (err as DiagnosticsError).lines;
  }
  return [];
}

describe('compileBindYaml', () => {
  const TEXT = `- { key: fuchsia.BIND_PROTOCOL, op: '==', value: fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL }
- key: fdf.block.partition_type
  op: accept
  values: [data, blobfs]
- { key: fdf.block.readonly, op: '!=', value: true }
- { key: fdf.block.zone, op: reject, values: [7] }
`;

  it('compiles to the same kind of program as the text form, located at list items', () => {
    const program = compileBindYaml(TEXT, 'rules.yaml');
    expect(
      program.body.map((s) => (s.kind === 'condition' ? [s.op, s.loc.line, s.loc.col] : [])),
    ).toEqual([
      ['==', 1, 3],
      ['accept', 2, 3],
      ['!=', 5, 3],
      ['reject', 6, 3],
    ]);
    expect(formatBindRules(program)).toBe(
      [
        'fuchsia.BIND_PROTOCOL == fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL;',
        'accept fdf.block.partition_type { "data", "blobfs" }',
        'fdf.block.readonly != true;',
        'reject fdf.block.zone { 7 }',
        '',
      ].join('\n'),
    );
  });

  it('evaluates like the text form, reasons pointing into the YAML file', () => {
    const program = compileBindYaml(TEXT, 'rules.yaml');
    const ok: Record<string, PropertyValue> = {
      'fuchsia.BIND_PROTOCOL': 'fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL',
      'fdf.block.partition_type': 'blobfs',
    };
    expect(evaluate(program, new Map(Object.entries(ok))).matched).toBe(true);
    const r = evaluate(program, new Map(Object.entries({ ...ok, 'fdf.block.zone': 7 })));
    expect(r).toMatchObject({
      matched: false,
      reason:
        'rules.yaml:6:3: reject fdf.block.zone { 7 } is not met: the node has fdf.block.zone = 7 (0x7)',
    });
  });

  it('reports every invalid condition with its line, column and path', () => {
    expect(
      failures(`- { key: fuchsia.A, op: '=', value: 1 }
- { key: fuchsia.B, op: accept, value: 1 }
- { key: fuchsia.C, op: '==', value: 1, vale: 2 }
- { key: fdf.partition-type, op: '==', value: a }
- { key: fuchsia.D, op: '==', value: -1 }
- { op: '==', value: 1 }
`),
    ).toEqual([
      "rules.yaml:1:25: [0].op: the string '=' is not allowed here; did you mean '=='? use one of: ==, !=, accept, reject",
      "rules.yaml:2:40: [1].value: op 'accept' takes a list; write `values: [...]` instead of value",
      "rules.yaml:3:41: [2].vale: unknown key 'vale'; did you mean 'value'? allowed keys: key, op, value, values",
      "rules.yaml:4:10: [3].key: key 'fdf.partition-type' has '-' in segment 'partition-type', which bind identifiers do not allow (use '_')",
      'rules.yaml:5:38: [4].value: -1 is too small; the minimum is 0',
      "rules.yaml:6:3: [5].key: missing required key 'key'; add `key:` with a string",
    ]);
  });

  it('reports YAML syntax errors, an empty list and contradictions', () => {
    expect(failures('- { key: a, op: ==\n')[0]).toMatch(/^rules\.yaml:\d+:\d+: YAML syntax: /);
    expect(failures('[]\n')).toEqual(['rules.yaml:1:1: lists 0 items; at least 1 allowed']);
    expect(
      failures(
        "- { key: fuchsia.A, op: '==', value: 1 }\n- { key: fuchsia.A, op: accept, values: [2, 3] }\n",
      ),
    ).toEqual([
      'rules.yaml:2:3: [1]: this condition can never hold together with the one at 1:3 (no value of fuchsia.A satisfies both); no node can match both: remove or correct one of them',
    ]);
  });
});
