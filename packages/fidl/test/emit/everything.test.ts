import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFidl } from '../../src/compiler/index.js';
import { emitTypeScript } from '../../src/emit/index.js';
import { typecheck } from './fixtures/typecheck.js';

// The compiler's fixture that uses every construct it supports (imports,
// aliases, inline layouts, handles, endpoints, composed protocols, services).
const dir = new URL('../compiler/everything/', import.meta.url);

describe('emitTypeScript on the compiler fixture library', () => {
  it('emits every library and the result typechecks', () => {
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.fidl'))
      .sort()
      .map((f) => ({ path: f, text: readFileSync(new URL(f, dir), 'utf8') }));
    const { ir, diagnostics } = compileFidl(sources);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = emitTypeScript(ir!);
    expect(files.map((f) => f.path)).toContain('test.everything.ts');
    expect(typecheck(files)).toEqual([]);
  });
});
