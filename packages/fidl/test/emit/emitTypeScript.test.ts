import { StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { emitTypeScript } from '../../src/emit/index.js';
import type { IrRoot } from '../../src/ir/types.js';
import { testIr } from './fixtures/testLibrary.js';
import { typecheck } from './fixtures/typecheck.js';

function fileOf(files: { path: string; text: string }[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in ${files.map((x) => x.path).join(', ')}`);
  return f.text;
}

/** The lines from the one starting with `start` up to the first line equal to `end`. */
function excerpt(text: string, start: string, end: string): string {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(start));
  const to = lines.findIndex((l, i) => i > from && l === end);
  return lines.slice(from, to + 1).join('\n');
}

describe('emitTypeScript', () => {
  const files = emitTypeScript(testIr);

  it('writes a types file and a coding-table file per library, sorted by path', () => {
    expect(files.map((f) => f.path)).toEqual([
      'test.dep.ir.ts',
      'test.dep.ts',
      'test.emit.ir.ts',
      'test.emit.ts',
    ]);
  });

  it('is deterministic', () => {
    expect(emitTypeScript(testIr)).toEqual(files);
  });

  it('emits only the compiled library with libraries: last', () => {
    expect(emitTypeScript(testIr, { libraries: 'last' }).map((f) => f.path)).toEqual([
      'test.emit.ir.ts',
      'test.emit.ts',
    ]);
  });

  it('output typechecks under the strict flags, together with code that uses it', () => {
    const usage = `
import { Color, ColorEnum, Flags, FlagsBits, Shape, Echo, Legacy, encodePoint, type EchoServer, type LegacyBanjoOps, type Point } from './test.emit.js';
const c: Color = Color.GREEN;
const known: boolean = ColorEnum.isKnown(3);
const f: Flags = FlagsBits.union(Flags.READ, Flags.WRITE);
const s: Shape = Shape.pointCount(3n);
if (s.$tag === 'pointCount') { const n: bigint = s.pointCount; void n; }
const server: EchoServer = {
  echoString(request, completer) { completer.reply({ response: request.value }); },
  send() {},
  fail(completer) { completer.replyError(7); },
  empty(completer) { completer.reply(); },
};
const ops: LegacyBanjoOps<{ n: number }> = {
  query: (ctx) => ({ x: ctx.n, offsetDev: 0n, label: '', data: new Uint8Array(0), extents: [], next: null, vmo: null, color: Color.RED, default: false }),
  queue: (_ctx, request, complete) => complete({ status: request.point.x }),
  ping: () => undefined,
};
const p: Point = Legacy.client(Legacy.bind(ops, { n: 1 })).query();
void [c, known, f, server, p, Echo.name, encodePoint];
`;
    expect(typecheck(files, { 'usage.ts': usage })).toEqual([]);
  });

  it('maps FIDL types to the IR value conventions (snapshot)', () => {
    const text = fileOf(files, 'test.emit.ts');
    expect(excerpt(text, 'export interface Point', '}')).toMatchSnapshot();
    expect(excerpt(text, 'export type Shape =', '} as const;')).toMatchSnapshot();
    expect(excerpt(text, 'export interface EchoClient', '}')).toMatchSnapshot();
  });

  it('strips docs and directories from the embedded coding table', () => {
    const table = fileOf(files, 'test.emit.ir.ts');
    expect(table).toContain("files: ['test.emit.fidl']");
    expect(table).not.toContain('/somewhere/');
    expect(table).not.toContain('Like grass');
    expect(fileOf(files, 'test.emit.ts')).toContain('/** Like grass. */');
  });

  it('refuses a FIDL name that clashes with a generated one, naming both', () => {
    const lib = testIr.libraries[1]!;
    const clash: IrRoot = {
      ...testIr,
      libraries: [
        testIr.libraries[0]!,
        { ...lib, structs: [...lib.structs, { ...lib.structs[1]!, name: 'test.emit/EchoClient' }] },
      ],
    };
    expect(() => emitTypeScript(clash)).toThrow(StatusError);
    expect(() => emitTypeScript(clash)).toThrow(
      /EchoClient.*protocol test.emit\/Echo|client of test.emit\/Echo.*struct/,
    );
  });
});
