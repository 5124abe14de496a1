/**
 * `pnpm --filter @fdf/bindings generate`: rewrites src/generated from fidl/.
 * Files that no longer correspond to a library are removed, so renaming a
 * library leaves nothing stale behind.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, generateBindings } from './bindings.js';

const files = generateBindings();
mkdirSync(GENERATED_DIR, { recursive: true });
const keep = new Set(files.map((f) => f.path));
for (const name of readdirSync(GENERATED_DIR)) {
  if (!keep.has(name)) rmSync(join(GENERATED_DIR, name));
}
for (const f of files) writeFileSync(join(GENERATED_DIR, f.path), f.text);
console.log(`wrote ${files.length} files to ${GENERATED_DIR}`);
