import { Status, StatusError } from '@fdf/zx';
import type { IrRoot } from '../ir/types.js';
import { EmitContext } from './context.js';
import { emitLibrary, type EmittedFile } from './emitLibrary.js';
import { DEFAULT_EMIT_OPTIONS, type EmitOptions } from './options.js';

/**
 * FIDL IR to TypeScript: two files per library, `<library>.ts` (types,
 * protocol bindings, codecs) and `<library>.ir.ts` (the coding table), sorted
 * by path. A pure function of its input: the same IR gives the same text.
 */
export function emitTypeScript(ir: IrRoot, opts: EmitOptions = {}): EmittedFile[] {
  const options: Required<EmitOptions> = { ...DEFAULT_EMIT_OPTIONS, ...opts };
  if (ir.libraries.length === 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'emitTypeScript: the IR has no library; compile at least one .fidl file first',
    );
  }
  const last = ir.libraries[ir.libraries.length - 1];
  const chosen = options.libraries === 'last' && last !== undefined ? [last] : ir.libraries;
  const files = chosen.flatMap((lib) => emitLibrary(lib, new EmitContext(ir, lib, options)));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
