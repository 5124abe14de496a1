import type { IrLibrary } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { printLiteral } from './literal.js';
import { libraryAlias } from './names.js';
import type { Printer } from './printer.js';

/**
 * The part of the IR the codec and the transports read at run time. Doc
 * comments are dropped (the generated types carry them) and file paths keep
 * only their base name (the committed output must not depend on where the
 * sources were checked out); everything the wire format needs (types,
 * shapes, offsets, ordinals, strictness) stays.
 */
export function compactLibrary(lib: IrLibrary): IrLibrary {
  return compact(lib) as IrLibrary;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function compact(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    if (key === 'files') return value.map((f) => (typeof f === 'string' ? baseName(f) : f));
    if (key === 'attributes')
      return value.filter((a: { name?: string }) => a.name !== 'doc').map((a) => compact(a));
    return value.map((v) => compact(v));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'doc') continue;
    if (k === 'location' && v !== null && typeof v === 'object' && 'file' in v) {
      const loc = v as { file: string; line: number; column: number };
      out[k] = { file: baseName(loc.file), line: loc.line, column: loc.column };
      continue;
    }
    out[k] = compact(v, k);
  }
  return out;
}

const FLAT_KEYS: ReadonlySet<string> = new Set(['shape', 'location']);

/** The coding-table file: `libraryIr` for this library and `codingTable`, this library with its dependencies. */
export function emitCodingTable(
  lib: IrLibrary,
  p: Printer,
  ctx: EmitContext,
  irFile: (library: string) => string,
): void {
  p.line(`import type { IrLibrary, IrRoot } from '${ctx.options.fidlModule}';`);
  p.line(`import { codingTableOf } from '${ctx.options.fidlModule}';`);
  const deps = lib.dependencies.filter((d) => ctx.libraries.has(d));
  for (const d of deps)
    p.line(`import { codingTable as ${libraryAlias(d)} } from './${irFile(d)}';`);
  p.line();
  p.doc(`The IR of library ${lib.name}, without doc comments.`);
  p.line(
    `export const libraryIr: IrLibrary = ${printLiteral(compactLibrary(lib), '', '  ', FLAT_KEYS)};`,
  );
  p.line();
  p.doc('This library and every library it depends on: what the codec is built from.');
  p.line(
    `export const codingTable: IrRoot = codingTableOf(libraryIr, [${deps.map(libraryAlias).join(', ')}]);`,
  );
}
