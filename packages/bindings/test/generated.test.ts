import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateBindings } from '../scripts/bindings.js';

describe('src/generated', () => {
  const files = generateBindings();

  it('is up to date with fidl/*.fidl and the emitter (run `pnpm --filter @fdf/bindings generate`)', () => {
    for (const f of files) {
      expect(readFileSync(join(GENERATED_DIR, f.path), 'utf8'), f.path).toBe(f.text);
    }
  });

  it('holds nothing but generated files', () => {
    expect(readdirSync(GENERATED_DIR).sort()).toEqual(files.map((f) => f.path).sort());
  });
});
