/**
 * `pnpm --filter @fdf/block-server generate`: rewrites src/generated from
 * fidl/connector.fidl.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, generateConnector } from './connector.js';

const files = generateConnector();
mkdirSync(GENERATED_DIR, { recursive: true });
for (const f of files) writeFileSync(join(GENERATED_DIR, f.path), f.text);
console.log(`wrote ${files.length} files to ${GENERATED_DIR}`);
