/**
 * Compiles .fidl files to IR for the wire tests, failing with the compiler's
 * diagnostics when they do not compile.
 */
import { Status, StatusError } from '@fdf/zx';
import { compileFidl, formatDiagnostic, loadFidlFiles } from '../../src/compiler/index.js';
import type { IrRoot } from '../../src/ir/types.js';

export function loadIr(paths: string[]): IrRoot {
  const sources = loadFidlFiles(paths);
  const { ir, diagnostics } = compileFidl(sources);
  if (ir === null) {
    const text = new Map(sources.map((s) => [s.path, s.text]));
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${paths.join(', ')} did not compile:\n${diagnostics
        .map((d) => formatDiagnostic(d, text.get(d.file)))
        .join('\n')}`,
    );
  }
  return ir;
}
