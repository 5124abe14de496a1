import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOARD_SCHEMA_FILE, boardSchemaText } from '../../scripts/writeBoardSchema.js';
import { boardJsonSchema, boardSchema, BOARD_SCHEMA_ID } from './boardSchema.js';

describe('board JSON Schema', () => {
  it('is published up to date at boards/schema/board.schema.json', async () => {
    const committed = readFileSync(BOARD_SCHEMA_FILE, 'utf8');
    // On failure: run `pnpm --filter @fdf/framework run schema` and commit the file.
    expect(committed).toBe(await boardSchemaText());
  });

  it('describes the board as written: required keys, closed objects, enums and defaults', () => {
    const schema = boardJsonSchema() as {
      $id: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<
        string,
        { items?: { required?: string[]; properties?: Record<string, unknown> } }
      >;
    };
    expect(schema.$id).toBe(BOARD_SCHEMA_ID);
    expect(schema.required.sort()).toEqual(['drivers', 'hosts', 'name']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.hosts?.items?.required).toEqual(['name', 'drivers']);
    expect(schema.properties.drivers?.items?.properties?.variant).toMatchObject({
      enum: ['driver', 'banjo'],
    });
    expect(schema.properties.devices?.items?.required).toEqual(['name', 'type']);
  });

  it('accepts a board that the zod schema accepts', () => {
    const board = {
      name: 'mini',
      drivers: [{ name: 'gpt', manifest: '../drivers/block/gpt' }],
      hosts: [{ name: 'block', drivers: ['gpt'] }],
    };
    expect(boardSchema.safeParse(board).success).toBe(true);
  });
});
