import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { evaluate } from '../bind/evaluate.js';
import { DiagnosticsError } from '../diagnostics.js';
import { loadDriverManifest, parseDriverManifest } from './driverManifest.js';
import { memoryManifestFs } from './manifestFs.js';

const FILE = '/drivers/block/gpt/driver.yaml';
const fs = memoryManifestFs({
  '/drivers/block/gpt/src/driver.ts': 'export default class {}',
  '/drivers/block/gpt/gpt.bind':
    'using fuchsia.block;\nfuchsia.BIND_PROTOCOL == fuchsia.block.BIND_PROTOCOL.BLOCK;\n',
  '/drivers/block/gpt/gpt.bind.yaml': "- { key: fuchsia.BIND_PROTOCOL, op: '==', value: 7 }\n",
  '/drivers/block/gpt/broken.bind': 'fuchsia.BIND_PROTOCOL = 3;\n',
});

const GPT = `name: gpt
description: Parses a GPT and publishes one child per partition.
bind: |
  using fuchsia.block;
  fuchsia.BIND_PROTOCOL == fuchsia.block.BIND_PROTOCOL.BLOCK;
module: ./src/driver.ts
colocate: true
dispatcher: { allowSyncCalls: true }
onCrash: restart
restartLimits: { maxRestarts: 5, windowMs: 1000 }
variants: [driver, banjo]
`;

function errors(text: string): string[] {
  try {
    parseDriverManifest(text, FILE, { fs });
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect((err as DiagnosticsError).status).toBe(Status.ERR_INVALID_ARGS);
    return (err as DiagnosticsError).lines;
  }
  throw new StatusError(Status.ERR_INTERNAL, 'expected the manifest to be rejected');
}

describe('parseDriverManifest', () => {
  it('parses every field and resolves the module path', () => {
    const m = parseDriverManifest(GPT, FILE, { fs });
    expect(m).toMatchObject({
      file: FILE,
      name: 'gpt',
      description: 'Parses a GPT and publishes one child per partition.',
      bindOrigin: 'inline',
      module: '/drivers/block/gpt/src/driver.ts',
      export: 'default',
      colocate: true,
      fallback: false,
      dispatcher: { allowSyncCalls: true },
      onCrash: 'restart',
      restartLimits: { maxRestarts: 5, windowMs: 1000 },
      variants: ['driver', 'banjo'],
    });
    expect(m.bind.kind).toBe('program');
  });

  it('fills defaults for a minimal manifest', () => {
    const m = parseDriverManifest('name: gpt\nbind: "true;"\nmodule: src/driver.ts\n', FILE, {
      fs,
    });
    expect(m).toMatchObject({
      colocate: false,
      fallback: false,
      dispatcher: { allowSyncCalls: false },
      onCrash: 'none',
      variants: ['driver'],
      export: 'default',
    });
    expect(m.restartLimits).toBeUndefined();
    expect(
      parseDriverManifest(
        'name: gpt\nbind: "true;"\nmodule: src/driver.ts\nonCrash: restart\n',
        FILE,
        { fs },
      ).restartLimits,
    ).toEqual({
      maxRestarts: 3,
      windowMs: 60000,
    });
  });

  it('locates inline bind rule errors at their line in the manifest', () => {
    const lines = errors(`name: gpt
bind: |
  using fuchsia.block;
  fuchsia.BIND_PROTOCOL = fuchsia.blok.BIND_PROTOCOL.BLOCK;
module: ./src/driver.ts
`);
    expect(lines).toEqual([
      `${FILE}:4:25: '=' is not an operator; compare with '==' (or '!=')`,
      `${FILE}:4:27: 'fuchsia.blok.BIND_PROTOCOL.BLOCK' refers to library 'fuchsia.blok', which is not imported; did you mean 'fuchsia.block'? otherwise add \`using fuchsia.blok;\` at the top of the file`,
    ]);
  });

  it('evaluates inline rules with reasons that point into the manifest', () => {
    const m = parseDriverManifest(GPT, FILE, { fs });
    if (m.bind.kind !== 'program') throw new StatusError(Status.ERR_INTERNAL, 'expected a program');
    const r = evaluate(m.bind, new Map());
    expect(r).toMatchObject({ matched: false, at: { file: FILE, line: 5, col: 3 } });
  });

  it('locates errors in one-line inline rules', () => {
    expect(
      errors('name: gpt\nbind: "fuchsia.A == 1; fuchsia.A == 2;"\nmodule: src/driver.ts\n'),
    ).toEqual([
      `${FILE}:2:24: this condition can never hold together with the one at 2:8 (fuchsia.A cannot be both 1 and 2); no node can match both: remove or correct one of them`,
    ]);
  });

  it('reads bind rules from a .bind or .yaml file, reporting errors in that file', () => {
    const fromBind = parseDriverManifest(
      'name: gpt\nbind: { file: gpt.bind }\nmodule: src/driver.ts\n',
      FILE,
      { fs },
    );
    expect(fromBind.bindOrigin).toEqual({ file: '/drivers/block/gpt/gpt.bind' });
    const fromYaml = parseDriverManifest(
      'name: gpt\nbind: { file: gpt.bind.yaml }\nmodule: src/driver.ts\n',
      FILE,
      { fs },
    );
    expect(fromYaml.bind.kind).toBe('program');
    expect(errors('name: gpt\nbind: { file: broken.bind }\nmodule: src/driver.ts\n')).toEqual([
      "/drivers/block/gpt/broken.bind:1:23: '=' is not an operator; compare with '==' (or '!=')",
    ]);
    expect(errors('name: gpt\nbind: { file: missing.bind }\nmodule: src/driver.ts\n')).toEqual([
      `${FILE}:2:15: bind.file: cannot read bind rules file 'missing.bind' (ENOENT, resolved to /drivers/block/gpt/missing.bind); check the path; it is relative to this manifest`,
    ]);
    expect(errors('name: gpt\nbind: { file: gpt.txt }\nmodule: src/driver.ts\n')[0]).toContain(
      "bind rules file 'gpt.txt' has an unknown extension",
    );
  });

  it('accepts YAML conditions inline', () => {
    const m = parseDriverManifest(
      'name: gpt\nbind:\n  - { key: fuchsia.BIND_PROTOCOL, op: accept, values: [1, 2] }\nmodule: src/driver.ts\n',
      FILE,
      { fs },
    );
    expect(m.bindOrigin).toBe('conditions');
    expect(m.bind).toMatchObject({
      kind: 'program',
      body: [{ op: 'accept', loc: { file: FILE, line: 3, col: 5 } }],
    });
  });

  it('reports every schema problem at once with the path, position and fix', () => {
    const lines = errors(`name: GPT
bind: ""
module: ./src/missing.ts
colocat: true
dispatcher: { allowSyncCalls: "yes" }
onCrash: reboot
variants: [driver, bnajo]
`);
    expect(lines).toEqual([
      `${FILE}:1:7: name: driver name 'GPT' is invalid; use lowercase words joined by '-', like block-core`,
      `${FILE}:2:7: bind: must not be empty`,
      `${FILE}:4:1: colocat: unknown key 'colocat'; did you mean 'colocate'? allowed keys: name, description, bind, module, export, colocate, fallback, dispatcher, onCrash, restartLimits, variants`,
      `${FILE}:5:31: dispatcher.allowSyncCalls: expected true or false, found the string 'yes'`,
      `${FILE}:6:10: onCrash: the string 'reboot' is not allowed here; use one of: restart, none`,
      `${FILE}:7:20: variants[1]: the string 'bnajo' is not allowed here; did you mean 'banjo'? use one of: driver, banjo`,
    ]);
  });

  it('reports a missing required key, cross-field rules and a missing module', () => {
    expect(errors('name: gpt\nmodule: src/driver.ts\n')).toEqual([
      `${FILE}:1:1: bind: missing required key 'bind'; add \`bind:\` with a string or a mapping (key: value lines) or a list`,
    ]);
    expect(
      errors(
        'name: gpt\nbind: "true;"\nmodule: src/driver.ts\nrestartLimits: { maxRestarts: 1, windowMs: 1 }\nvariants: [driver, driver]\n',
      ),
    ).toEqual([
      `${FILE}:4:16: restartLimits: restartLimits only apply when onCrash is 'restart'; remove restartLimits or set \`onCrash: restart\``,
      `${FILE}:5:20: variants[1]: variant 'driver' is listed twice; list each variant once`,
    ]);
    expect(errors('name: gpt\nbind: "true;"\nmodule: src/nope.ts\n')).toEqual([
      `${FILE}:3:9: module: module 'src/nope.ts' does not exist (resolved to /drivers/block/gpt/src/nope.ts); check the path; it is relative to this manifest`,
    ]);
  });

  it('reports YAML syntax errors as located diagnostics', () => {
    const lines = errors('name: gpt\nbind: [\n');
    expect(lines[0]).toMatch(/^\/drivers\/block\/gpt\/driver\.yaml:\d+:\d+: YAML syntax: /);
  });
});

describe('loadDriverManifest', () => {
  it('loads from a package directory or a file path', () => {
    const files = memoryManifestFs({
      '/d/gpt/driver.yaml': 'name: gpt\nbind: "true;"\nmodule: src/driver.ts\n',
      '/d/gpt/src/driver.ts': '',
    });
    expect(loadDriverManifest('/d/gpt', { fs: files }).file).toBe('/d/gpt/driver.yaml');
    expect(loadDriverManifest('/d/gpt/driver.yaml', { fs: files }).name).toBe('gpt');
  });

  it('says what to give when the manifest cannot be read', () => {
    try {
      loadDriverManifest('/d/none', { fs });
      expect.unreachable();
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_NOT_FOUND)).toBe(true);
      expect((err as Error).message).toContain('cannot read driver manifest /d/none (ENOENT)');
    }
  });
});
