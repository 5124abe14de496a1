/**
 * The README's examples are part of the documentation contract: they must
 * compile and load as shown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileBindRules } from './bind/compiler.js';
import { compileBindYaml } from './bind/yamlConditions.js';
import { parseBoardManifest } from './manifest/boardManifest.js';
import { createDeviceTypeRegistry } from './manifest/deviceTypes.js';
import { parseDriverManifest } from './manifest/driverManifest.js';
import { memoryManifestFs } from './manifest/manifestFs.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Fenced blocks of `lang` in the README, in order. */
function blocks(lang: string): string[] {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return [...README.matchAll(re)].map((m) => m[1] ?? '');
}

describe('README examples', () => {
  it('bind language examples compile', () => {
    const examples = blocks('').filter((b) => /^(using|composite) /.test(b));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const [i, text] of examples.entries())
      expect(() => compileBindRules(text, `readme-${i}.bind`)).not.toThrow();
  });

  it('the YAML condition list compiles', () => {
    const list = blocks('yaml').find((b) => b.startsWith('- { key'));
    expect(list).toBeDefined();
    expect(compileBindYaml(list ?? '', 'readme.yaml').body).toHaveLength(4);
  });

  it('the driver manifest parses', () => {
    const manifest = blocks('yaml').find((b) => b.startsWith('name: gpt'));
    const fs = memoryManifestFs({ '/d/gpt/src/driver.ts': '' });
    expect(parseDriverManifest(manifest ?? '', '/d/gpt/driver.yaml', { fs }).export).toBe(
      'GptDriver',
    );
  });

  it('the board manifest loads', () => {
    const board = blocks('yaml').find((b) => b.includes('name: block-demo'));
    const driver = (name: string, variants = '[driver]') =>
      `name: ${name}\nbind: "true;"\nmodule: src/driver.ts\nvariants: ${variants}\n`;
    const fs = memoryManifestFs({
      '/repo/drivers/block/ramdisk/driver.yaml': driver('ramdisk'),
      '/repo/drivers/block/ramdisk/src/driver.ts': '',
      '/repo/drivers/block/block-core/driver.yaml': driver('block-core', '[driver, banjo]'),
      '/repo/drivers/block/block-core/src/driver.ts': '',
      '/repo/drivers/block/gpt/driver.yaml': driver('gpt'),
      '/repo/drivers/block/gpt/src/driver.ts': '',
    });
    const deviceTypes = createDeviceTypeRegistry([
      {
        type: 'ramdisk',
        config: z.strictObject({ blockSize: z.number(), blockCount: z.number() }),
      },
    ]);
    const loaded = parseBoardManifest(board ?? '', '/repo/boards/block-demo.yaml', {
      fs,
      deviceTypes,
    });
    expect(loaded.drivers.map((d) => d.host)).toEqual(['block', 'block', 'gpt-host']);
  });
});
