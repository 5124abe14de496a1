/**
 * The FIDL compiler front-end: FIDL source text in, JSON IR and diagnostics
 * out. This file is the package's only door to the compiler.
 */
import { readFileSync } from 'node:fs';
import { Status, StatusError } from '@fdf/zx';
import type { IrRoot } from '../ir/types.js';
import { compileSources, type CompileOptions, type FidlSource } from './compile.js';
import type { Diagnostic } from './diagnostics.js';

export type { CompileOptions, CompileResult, FidlSource } from './compile.js';
export { BUNDLED_ZX_PATH } from './compile.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export { methodOrdinal, methodSelector } from './ordinals.js';

/**
 * Compiles every file of every library at once (dependencies included).
 * Problems in the sources come back as diagnostics; `ir` is null when any of
 * them is an error. Throws StatusError(ERR_INVALID_ARGS) only for malformed
 * arguments.
 */
export function compileFidl(
  sources: FidlSource[],
  opts: CompileOptions = {},
): { ir: IrRoot | null; diagnostics: Diagnostic[] } {
  if (!Array.isArray(sources)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'compileFidl takes an array of { path, text } sources',
    );
  }
  for (const s of sources) {
    if (typeof s?.path !== 'string' || typeof s.text !== 'string') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'every FIDL source needs a string path and a string text; read files with loadFidlFiles()',
      );
    }
  }
  return compileSources(sources, opts);
}

/** Reads .fidl files from disk. Throws StatusError(ERR_NOT_FOUND / ERR_IO) naming the file. */
export function loadFidlFiles(paths: string[]): FidlSource[] {
  return paths.map((path) => {
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') {
        throw new StatusError(
          Status.ERR_NOT_FOUND,
          `FIDL file '${path}' does not exist; check the path`,
        );
      }
      throw new StatusError(
        Status.ERR_IO,
        `cannot read FIDL file '${path}': ${(err as Error).message}`,
      );
    }
  });
}
