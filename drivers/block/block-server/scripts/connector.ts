/**
 * The bindings of fidl/connector.fidl, computed in memory: the library and
 * the coding table of `zx` it depends on (the generated code imports it from
 * a sibling file). `generate.ts` writes them to src/generated; a test checks
 * that what is committed there is what this computes.
 */
import { fileURLToPath } from 'node:url';
import {
  compileFidl,
  emitTypeScript,
  formatDiagnostic,
  loadFidlFiles,
  type EmittedFile,
} from '@fdf/fidl';
import { Status, StatusError } from '@fdf/zx';

export const FIDL_FILE = fileURLToPath(new URL('../fidl/connector.fidl', import.meta.url));
export const GENERATED_DIR = fileURLToPath(new URL('../src/generated/', import.meta.url));
export const REGENERATE = 'pnpm --filter @fdf/block-server generate';

/** The files of src/generated: the library, its coding table, and zx's coding table. */
const WANTED = new Set(['fdf.blockserver.ts', 'fdf.blockserver.ir.ts', 'zx.ir.ts']);

export function generateConnector(): EmittedFile[] {
  const { ir, diagnostics } = compileFidl(loadFidlFiles([FIDL_FILE]));
  if (ir === null) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `fidl/connector.fidl does not compile; fix these first:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
  }
  return emitTypeScript(ir, { regenerateCommand: REGENERATE }).filter((f) => WANTED.has(f.path));
}
