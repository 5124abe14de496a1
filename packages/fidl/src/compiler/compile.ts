/**
 * One compilation, start to finish: parse every file, group files into
 * libraries, register declarations, compile them on demand, run the
 * whole-program checks, compute shapes, and build the IR when nothing failed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IrRoot } from '../ir/types.js';
import { compoundText, type RawFile } from './ast.js';
import { checkAttributes } from './attributes.js';
import { pruneToHead } from './availability.js';
import { checkIncludeCycles } from './checkCycles.js';
import { checkResourceness, checkTransports } from './checkResources.js';
import {
  compileAlias,
  compileBits,
  compileConst,
  compileEnum,
  compileResource,
  compileStruct,
  compileTable,
  compileUnion,
  type CompileCtx,
} from './compileLayouts.js';
import { compileProtocol, compileService } from './compileProtocols.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import type { Env } from './env.js';
import { IrBuilder } from './ir.js';
import { groupLibraries, orderLibraries } from './libraries.js';
import type { Decl, ImportEntry, Library } from './model.js';
import { parseFidl } from './parser.js';
import { registerLibrary } from './register.js';
import { TypeResolver } from './resolveTypes.js';
import { ShapeCalculator } from './shapes.js';

export interface FidlSource {
  path: string;
  text: string;
}

export interface CompileOptions {
  /** Stop after parsing: report syntax errors only, produce no IR. */
  parseOnly?: boolean;
}

export interface CompileResult {
  /** null when any error was reported (or with parseOnly). */
  ir: IrRoot | null;
  /** Every diagnostic of the run, in file order then position. */
  diagnostics: Diagnostic[];
}

/** The zx library shipped with the compiler, used when a file says `using zx;` and no zx source was given. */
export const BUNDLED_ZX_PATH = fileURLToPath(new URL('../../fidl/zx.fidl', import.meta.url));
/** How the bundled zx library is named in IR locations and diagnostics. */
export const BUNDLED_ZX_NAME = '@fdf/fidl/fidl/zx.fidl';

let bundledZxText: string | undefined;

function usesZx(files: RawFile[]): boolean {
  return files.some((f) => f.usings.some((u) => compoundText(u.library) === 'zx'));
}

function compileDecl(decl: Decl, ctx: CompileCtx): void {
  switch (decl.kind) {
    case 'const':
      return compileConst(decl, ctx);
    case 'alias':
      return compileAlias(decl, ctx);
    case 'resource':
      return compileResource(decl, ctx);
    case 'struct':
      return compileStruct(decl, ctx);
    case 'table':
      return compileTable(decl, ctx);
    case 'union':
      return compileUnion(decl, ctx);
    case 'enum':
      return compileEnum(decl, ctx);
    case 'bits':
      return compileBits(decl, ctx);
    case 'protocol':
      return compileProtocol(decl, ctx);
    case 'service':
      return compileService(decl, ctx);
  }
}

function reportUnusedImports(libs: Library[], sink: DiagnosticSink): void {
  for (const lib of libs) {
    for (const table of lib.imports.values()) {
      for (const entry of new Set<ImportEntry>(table.values())) {
        if (!entry.used) {
          sink.warning(
            'FIDL-UNUSED-IMPORT',
            entry.using.span,
            `library '${entry.library.name}' is imported but nothing in this file uses it; remove the using line`,
          );
        }
      }
    }
  }
}

export function compileSources(
  sources: readonly FidlSource[],
  opts: CompileOptions = {},
): CompileResult {
  const sink = new DiagnosticSink();
  // The same file given twice (an overlapping glob) is compiled once.
  const unique = sources.filter(
    (s, i) => sources.findIndex((o) => o.path === s.path && o.text === s.text) === i,
  );
  const files = unique.map((s) => parseFidl(s.path, s.text, sink));
  const fileOrder = unique.map((s) => s.path);
  const done = (ir: IrRoot | null): CompileResult => ({ ir, diagnostics: sink.sorted(fileOrder) });
  if (opts.parseOnly) return done(null);

  let zxPath: string | undefined;
  if (usesZx(files) && !files.some((f) => f.library && compoundText(f.library) === 'zx')) {
    try {
      bundledZxText ??= readFileSync(BUNDLED_ZX_PATH, 'utf8');
      const text = bundledZxText;
      // A logical name keeps the IR and diagnostics independent of the checkout's location.
      zxPath = BUNDLED_ZX_NAME;
      files.push(parseFidl(zxPath, text, sink));
      fileOrder.push(zxPath);
    } catch {
      // Without the bundled file, `using zx;` reports an unknown library.
    }
  }

  for (const f of files) pruneToHead(f);
  const libs = groupLibraries(files, sink, zxPath);
  const { ordered } = orderLibraries(libs);
  for (const lib of ordered) registerLibrary(lib, sink);

  const env: Env = {
    sink,
    libraries: new Map(libs.map((l) => [l.name, l])),
    ensureCompiled(decl: Decl): void {
      if (decl.state !== 'new') return;
      decl.state = 'compiling';
      compileDecl(decl, ctx);
      decl.state = 'done';
    },
  };
  const ctx: CompileCtx = { env, types: new TypeResolver(env) };

  for (const lib of ordered) {
    checkAttributes(lib.attributes, sink);
    for (const decl of lib.declOrder) env.ensureCompiled(decl);
  }
  checkIncludeCycles(ordered, sink);
  checkResourceness(ordered, sink);
  checkTransports(ordered, sink);
  reportUnusedImports(ordered, sink);
  if (sink.errorCount > 0) return done(null);

  const shapes = new ShapeCalculator(ordered, sink);
  for (const lib of ordered) {
    for (const decl of lib.declOrder) {
      if (decl.kind === 'struct') shapes.structLayout(decl);
    }
  }
  if (sink.errorCount > 0) return done(null);
  return done(new IrBuilder(shapes).build(ordered));
}
