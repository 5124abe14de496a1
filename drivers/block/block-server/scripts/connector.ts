/**
 * The bindings of fidl/connector.fidl, computed in memory. The `zx` coding
 * table it depends on is the one @fdf/bindings already ships, so the
 * generated code imports it from there instead of carrying a copy. `generate.ts` writes them to src/generated; a test checks
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

/** The files of src/generated: the library and its coding table. */
const WANTED = new Set(['fdf.blockserver.ts', 'fdf.blockserver.ir.ts']);

const LOCAL_ZX = "import { codingTable as zx } from './zx.ir.js';";
const SHARED_ZX = "import { zxCodingTable as zx } from '@fdf/bindings';";

export function generateConnector(): EmittedFile[] {
  const { ir, diagnostics } = compileFidl(loadFidlFiles([FIDL_FILE]));
  if (ir === null) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `fidl/connector.fidl does not compile; fix these first:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
  }
  return emitTypeScript(ir, { regenerateCommand: REGENERATE })
    .filter((f) => WANTED.has(f.path))
    .map((f) =>
      f.text.includes(LOCAL_ZX) ? { ...f, text: f.text.replace(LOCAL_ZX, SHARED_ZX) } : f,
    );
}
