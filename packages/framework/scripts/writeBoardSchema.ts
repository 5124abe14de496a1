/**
 * Writes boards/schema/board.schema.json from the zod schema of board
 * manifests. Run with `pnpm --filter @fdf/framework run schema`; a test fails
 * when the committed file is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { boardJsonSchema } from '../src/manifest/boardSchema.js';

export const BOARD_SCHEMA_FILE = fileURLToPath(
  new URL('../../../boards/schema/board.schema.json', import.meta.url),
);

/** The file's text, formatted like the rest of the repository so `prettier --check` agrees. */
export async function boardSchemaText(): Promise<string> {
  const config = (await resolveConfig(BOARD_SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(boardJsonSchema(), null, 2), { ...config, parser: 'json' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(BOARD_SCHEMA_FILE), { recursive: true });
  writeFileSync(BOARD_SCHEMA_FILE, await boardSchemaText());
  console.log(`wrote ${BOARD_SCHEMA_FILE}`);
}
