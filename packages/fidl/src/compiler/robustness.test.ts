import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/compiler/helpers.js';
import { compileFidl } from './index.js';

// Whatever the input, the compiler answers with diagnostics, never a throw,
// and every diagnostic points inside the file it names.

const sources = fixture(
  'everything/types.fidl',
  'everything/protocols.fidl',
  'everything/dep.fidl',
).map((path) => ({
  path,
  text: readFileSync(path, 'utf8'),
}));

const TOKENS = [
  ';',
  '{',
  '}',
  '(',
  ')',
  '<',
  '>',
  ':',
  ',',
  '.',
  '=',
  '|',
  '@',
  '->',
  '///',
  'struct',
  'table',
  'union',
  'enum',
  'bits',
  'strict',
  'resource',
  'protocol',
  'compose',
  'reserved',
  'optional',
  'box',
  'vector',
  'array',
  'type',
  '1',
  '0x',
  '"',
  'zx.Handle',
  '\n',
];

function checkPositions(
  diags: ReturnType<typeof compileFidl>['diagnostics'],
  texts: Map<string, string>,
): void {
  for (const d of diags) {
    const text = texts.get(d.file);
    expect(text, `diagnostic in unknown file ${d.file}`).toBeDefined();
    const lines = (text ?? '').split('\n');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.length);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(10);
  }
}

describe('robustness', () => {
  it('survives random edits of a valid library', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            del: fc.integer({ min: 0, max: 6 }),
            insert: fc.constantFrom(...TOKENS, ''),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (which, edits) => {
          const edited = sources.map((s) => ({ ...s }));
          const target = edited[which] as { path: string; text: string };
          for (const e of edits) {
            const at = e.at % (target.text.length + 1);
            target.text = target.text.slice(0, at) + e.insert + target.text.slice(at + e.del);
          }
          const r = compileFidl(edited);
          checkPositions(r.diagnostics, new Map(edited.map((s) => [s.path, s.text])));
          if (r.ir === null) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it('survives token soup', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS, 'x', 'Y', 'uint8', 'library', 'a.b'), {
          maxLength: 60,
        }),
        (toks) => {
          const text = 'library x;\n' + toks.join(' ');
          const r = compileFidl([{ path: 's.fidl', text }]);
          checkPositions(r.diagnostics, new Map([['s.fidl', text]]));
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
