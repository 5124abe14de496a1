/**
 * Compiles .fidl files to IR for the wire tests, failing with the compiler's
 * diagnostics when they do not compile.
 */
import { Status, StatusError } from '@fdf/zx';
import type { IrRoot } from '../../src/ir/types.js';

interface CompilerApi {
  loadFidlFiles(paths: string[]): unknown;
  compileFidl(sources: unknown): { ir: IrRoot | null; diagnostics: unknown[] };
}

export async function loadIr(paths: string[]): Promise<IrRoot> {
  // Imported by URL while the compiler's public door is being written.
  const url = new URL('../../src/compiler/index.js', import.meta.url).href;
  const compiler = (await import(url)) as CompilerApi;
  const sources = await compiler.loadFidlFiles(paths);
  const { ir, diagnostics } = compiler.compileFidl(sources);
  if (ir === null) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${paths.join(', ')} did not compile:\n${diagnostics.map((d) => JSON.stringify(d)).join('\n')}`,
    );
  }
  return ir;
}
