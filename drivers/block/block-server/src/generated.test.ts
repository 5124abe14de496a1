import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, REGENERATE, generateConnector } from '../scripts/connector.js';

describe('src/generated', () => {
  it(`is up to date with fidl/connector.fidl (run \`${REGENERATE}\`)`, () => {
    const files = generateConnector();
    expect(readdirSync(GENERATED_DIR).sort()).toEqual(files.map((f) => f.path).sort());
    for (const f of files) expect(readFileSync(join(GENERATED_DIR, f.path), 'utf8')).toBe(f.text);
  });
});
