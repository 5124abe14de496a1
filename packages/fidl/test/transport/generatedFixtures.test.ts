import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, emitEcho } from './fixtures/regenerate.js';

describe('generated test bindings', () => {
  it('are up to date with echo.fidl and the emitter (run fixtures/regenerate.ts if not)', () => {
    for (const f of emitEcho()) {
      expect(readFileSync(new URL(f.path, GENERATED_DIR), 'utf8'), f.path).toBe(f.text);
    }
  });
});
