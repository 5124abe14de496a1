/**
 * The bindings of this package, computed in memory: every .fidl file under
 * fidl/ compiled together, then emitted as TypeScript. `generate.ts` writes
 * the result to src/generated; the up-to-date test compares it with what is
 * committed there.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compileFidl,
  emitTypeScript,
  formatDiagnostic,
  loadFidlFiles,
  type EmittedFile,
} from '@fdf/fidl';
import { Status, StatusError } from '@fdf/zx';

export const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
export const FIDL_DIR = fileURLToPath(new URL('../fidl/', import.meta.url));
export const GENERATED_DIR = fileURLToPath(new URL('../src/generated/', import.meta.url));

/** The .fidl sources, in a stable order, as paths relative to the package. */
export function fidlFiles(): string[] {
  return readdirSync(FIDL_DIR)
    .filter((f) => f.endsWith('.fidl'))
    .sort()
    .map((f) => `${FIDL_DIR}${f}`);
}

export function generateBindings(): EmittedFile[] {
  const { ir, diagnostics } = compileFidl(loadFidlFiles(fidlFiles()));
  if (ir === null) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `the .fidl files of @fdf/bindings do not compile; fix these first:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
  }
  return emitTypeScript(ir, { regenerateCommand: 'pnpm --filter @fdf/bindings generate' });
}
