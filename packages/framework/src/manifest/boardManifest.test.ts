import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Status, StatusError } from '@fdf/zx';
import { DiagnosticsError } from '../diagnostics.js';
import {
  loadBoardManifest,
  parseBoardManifest,
  type BoardManifestOptions,
} from './boardManifest.js';
import { createDeviceTypeRegistry } from './deviceTypes.js';
import { memoryManifestFs } from './manifestFs.js';

const BOARD = '/repo/boards/block.yaml';

function driver(name: string, extra = ''): string {
  return `name: ${name}\nbind: "true;"\nmodule: src/driver.ts\n${extra}`;
}

const FILES: Record<string, string> = {
  '/repo/drivers/block/ramdisk/driver.yaml': driver('ramdisk'),
  '/repo/drivers/block/ramdisk/src/driver.ts': '',
  '/repo/drivers/block/block-core/driver.yaml': driver('block-core', 'variants: [driver, banjo]\n'),
  '/repo/drivers/block/block-core/src/driver.ts': '',
  '/repo/drivers/block/gpt/driver.yaml': driver('gpt'),
  '/repo/drivers/block/gpt/src/driver.ts': '',
  '/repo/drivers/block/broken/driver.yaml': 'name: broken\nbind: "k = 1;"\nmodule: src/driver.ts\n',
  '/repo/drivers/block/broken/src/driver.ts': '',
};
const fs = memoryManifestFs(FILES);

const deviceTypes = createDeviceTypeRegistry([
  {
    type: 'ramdisk',
    config: z.strictObject({
      blockSize: z.number().int().min(512).default(512),
      blockCount: z.number().int().min(1),
    }),
  },
  { type: 'i2c-bus', config: z.strictObject({}) },
]);

const OPTIONS: BoardManifestOptions = { fs, deviceTypes };

const GOOD = `name: block-demo
description: Six block drivers in one host.
defaults:
  variant: driver
  workload: seq-read
devices:
  - name: ramdisk-0
    type: ramdisk
    properties:
      fuchsia.BIND_PROTOCOL: fuchsia.block.BIND_PROTOCOL.RAMDISK
      fdf.block.index: 0
    config: { blockCount: 2048 }
  - name: i2c-0
    type: i2c-bus
  - name: touch-i2c
    type: i2c-bus
    parent: root/sys/platform/i2c-0
drivers:
  - { name: ramdisk, manifest: ../drivers/block/ramdisk }
  - { name: block-core, manifest: ../drivers/block/block-core/driver.yaml, variant: banjo, colocate: true }
  - { name: gpt, manifest: ../drivers/block/gpt }
composites:
  - name: touch
    parents:
      - name: i2c
        bind: "fuchsia.BIND_I2C_ADDRESS == 0x38;"
        properties: { fuchsia.BIND_PROTOCOL: fuchsia.i2c.BIND_PROTOCOL.DEVICE }
      - name: gpio-int
        bind:
          - { key: fuchsia.FUNCTION, op: '==', value: touch-interrupt }
hosts:
  - name: block
    drivers: [ramdisk, block-core]
  - name: gpt-host
    drivers: [gpt]
workloads:
  - name: seq-read
    params: { blockSize: 4096, depth: 32 }
`;

function errors(text: string, options: BoardManifestOptions = OPTIONS): string[] {
  try {
    parseBoardManifest(text, BOARD, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect((err as DiagnosticsError).status).toBe(Status.ERR_INVALID_ARGS);
    return (err as DiagnosticsError).lines;
  }
  throw new StatusError(Status.ERR_INTERNAL, 'expected the board to be rejected');
}

/** GOOD with `from` replaced by `to` (each must occur). */
function edit(from: string, to: string): string {
  expect(GOOD).toContain(from);
  return GOOD.replace(from, to);
}

describe('parseBoardManifest', () => {
  it('resolves devices, drivers with their hosts and variants, composites and workloads', () => {
    const board = parseBoardManifest(GOOD, BOARD, OPTIONS);
    expect(board.name).toBe('block-demo');
    expect(board.defaults).toEqual({
      variant: 'driver',
      deviceParent: 'root/sys/platform',
      workload: 'seq-read',
    });
    expect(board.devices.map((d) => d.path)).toEqual([
      'root/sys/platform/ramdisk-0',
      'root/sys/platform/i2c-0',
      'root/sys/platform/i2c-0/touch-i2c',
    ]);
    expect(board.devices[0]).toMatchObject({
      type: 'ramdisk',
      properties: [
        { key: 'fuchsia.BIND_PROTOCOL', value: 'fuchsia.block.BIND_PROTOCOL.RAMDISK' },
        { key: 'fdf.block.index', value: 0 },
      ],
      // Defaulted by the device type's schema.
      config: { blockSize: 512, blockCount: 2048 },
    });
    expect(board.drivers.map((d) => [d.name, d.host, d.variant, d.colocate])).toEqual([
      ['ramdisk', 'block', 'driver', false],
      ['block-core', 'block', 'banjo', true],
      ['gpt', 'gpt-host', 'driver', false],
    ]);
    expect(board.drivers[0]?.manifestPath).toBe('/repo/drivers/block/ramdisk/driver.yaml');
    expect(board.drivers[0]?.manifest?.name).toBe('ramdisk');
    expect(
      board.composites[0]?.parents.map((p) => [p.name, p.bind.body.length, p.properties.length]),
    ).toEqual([
      ['i2c', 1, 1],
      ['gpio-int', 1, 0],
    ]);
    expect(board.composites[0]?.parents[1]?.bind.body[0]).toMatchObject({
      loc: { file: BOARD, line: 30, col: 13 },
    });
    expect(board.workloads).toEqual([{ name: 'seq-read', params: { blockSize: 4096, depth: 32 } }]);
  });

  it('names an unknown driver in a host with a suggestion and the drivers available', () => {
    expect(errors(edit('drivers: [gpt]', 'drivers: [gtp]'))).toEqual([
      `${BOARD}:21:13: drivers[2].name: driver 'gpt' is not placed in any host; add it to the drivers of one host (hosts: block, gpt-host)`,
      `${BOARD}:35:15: hosts[1].drivers[0]: unknown driver 'gtp'; did you mean 'gpt'? drivers available: ramdisk, block-core, gpt`,
    ]);
  });

  it('refuses a driver placed in two hosts and duplicate host names', () => {
    expect(
      errors(
        edit(
          '  - name: gpt-host\n    drivers: [gpt]',
          '  - name: block\n    drivers: [gpt, ramdisk]',
        ),
      ),
    ).toEqual([
      `${BOARD}:34:11: hosts[1].name: host name 'block' is already used by hosts[0]; give each host a distinct name`,
      `${BOARD}:35:20: hosts[1].drivers[1]: driver 'ramdisk' is already placed in host 'block' (hosts[0].drivers[0]); a driver runs in exactly one host: remove one of the two entries`,
    ]);
  });

  it('checks variants against what each driver offers', () => {
    expect(
      errors(
        edit(
          '{ name: gpt, manifest: ../drivers/block/gpt }',
          '{ name: gpt, manifest: ../drivers/block/gpt, variant: banjo }',
        ),
      ),
    ).toEqual([
      `${BOARD}:21:59: drivers[2].variant: driver 'gpt' does not offer variant 'banjo'; it offers: driver; set \`variant: driver\` for this driver`,
    ]);
    expect(errors(edit('  variant: driver\n', '  variant: banjo\n'))[0]).toBe(
      `${BOARD}:19:5: drivers[0]: driver 'ramdisk' does not offer variant 'banjo' (the default from defaults.variant); it offers: driver; set \`variant: driver\` for this driver`,
    );
  });

  it('reports missing, broken and misnamed driver manifests', () => {
    const lines = errors(
      edit(
        '{ name: ramdisk, manifest: ../drivers/block/ramdisk }',
        '{ name: ramdisk, manifest: ../drivers/block/ramdsk }',
      ).replace(
        '{ name: gpt, manifest: ../drivers/block/gpt }',
        '{ name: gpt, manifest: ../drivers/block/broken }',
      ),
    );
    expect(lines).toEqual([
      `${BOARD}:19:32: drivers[0].manifest: driver manifest '../drivers/block/ramdsk' does not exist (resolved to /repo/drivers/block/ramdsk); check the path; it is relative to this board file`,
      `${BOARD}:21:28: drivers[2].manifest: driver manifest /repo/drivers/block/broken/driver.yaml has 1 error(s), listed with its file name; fix the driver manifest`,
      "/repo/drivers/block/broken/driver.yaml:2:10: '=' is not an operator; compare with '==' (or '!=')",
    ]);
    expect(
      errors(
        edit(
          '{ name: gpt, manifest: ../drivers/block/gpt }',
          '{ name: gpt, manifest: ../drivers/block/ramdisk }',
        ),
      ),
    ).toEqual([
      `${BOARD}:21:13: drivers[2].name: the manifest /repo/drivers/block/ramdisk/driver.yaml names its driver 'ramdisk', not 'gpt'; use name: ramdisk (and the same name in hosts)`,
    ]);
  });

  it('checks device types, configs, parents and node clashes', () => {
    const lines = errors(
      edit('config: { blockCount: 2048 }', 'config: { blockCount: 0, blokSize: 512 }')
        .replace('  - name: i2c-0\n    type: i2c-bus\n', '  - name: i2c-0\n    type: i2c-buss\n')
        .replace('parent: root/sys/platform/i2c-0', 'parent: root/sys/platfrom'),
    );
    expect(lines).toEqual([
      `${BOARD}:12:27: devices[0].config.blockCount: 0 is too small; the minimum is 1`,
      `${BOARD}:12:30: devices[0].config.blokSize: unknown key 'blokSize'; did you mean 'blockSize'? allowed keys: blockSize, blockCount`,
      `${BOARD}:14:11: devices[1].type: unknown device type 'i2c-buss'; did you mean 'i2c-bus'? device types available: i2c-bus, ramdisk`,
      `${BOARD}:17:13: devices[2].parent: parent 'root/sys/platfrom' is not a node this board creates; did you mean 'root/sys/platform'? parents available: root, root/sys, root/sys/platform, root/sys/platform/ramdisk-0, root/sys/platform/i2c-0`,
    ]);
    expect(
      errors(
        edit('  - name: touch-i2c\n', '  - name: i2c-0\n').replace(
          '    parent: root/sys/platform/i2c-0\n',
          '',
        ),
      ),
    ).toEqual([
      `${BOARD}:15:11: devices[2].name: node 'root/sys/platform/i2c-0' is already created by devices[1]; give the device another name or parent`,
    ]);
  });

  it('asks for parent devices to be listed first', () => {
    const text = edit(
      '  - name: i2c-0\n    type: i2c-bus\n  - name: touch-i2c\n    type: i2c-bus\n    parent: root/sys/platform/i2c-0\n',
      '  - name: touch-i2c\n    type: i2c-bus\n    parent: root/sys/platform/i2c-0\n  - name: i2c-0\n    type: i2c-bus\n',
    );
    expect(errors(text)).toEqual([
      `${BOARD}:15:13: devices[1].parent: parent 'root/sys/platform/i2c-0' is the device declared later at devices[2]; list a parent device before the devices under it`,
    ]);
  });

  it('checks composites: bind rules located in the board, role names unique', () => {
    const lines = errors(
      edit(
        'bind: "fuchsia.BIND_I2C_ADDRESS == 0x38;"',
        'bind: "fuchsia.BIND_I2C_ADDRESS == 0x38"',
      ).replace('- name: gpio-int', '- name: i2c'),
    );
    expect(lines).toEqual([
      `${BOARD}:26:48: missing ';' after the condition on fuchsia.BIND_I2C_ADDRESS; end each condition, using and true/false with ';'`,
      `${BOARD}:28:15: composites[0].parents[1].name: parent role 'i2c' is already used by parents[0]; give each parent a distinct role name`,
    ]);
  });

  it('checks workload names and the default workload', () => {
    expect(errors(edit('  workload: seq-read', '  workload: seq-reed'))).toEqual([
      `${BOARD}:5:13: defaults.workload: unknown workload 'seq-reed'; did you mean 'seq-read'? workloads declared: seq-read`,
    ]);
  });

  it('reports schema errors with paths and positions before cross-field checks', () => {
    const lines = errors(`name: Block Demo
drivers:
  - { name: gpt, manifest: x, varient: banjo }
hosts: []
devices:
  - name: r
    type: ramdisk
    properties: { "bad key": 1, fuchsia.A: -2 }
`);
    expect(lines).toEqual([
      `${BOARD}:1:7: name: board name 'Block Demo' is invalid; use lowercase words joined by '-'`,
      `${BOARD}:3:31: drivers[0].varient: unknown key 'varient'; did you mean 'variant'? allowed keys: name, manifest, variant, colocate`,
      `${BOARD}:4:8: hosts: lists 0 items; at least 1 allowed`,
      `${BOARD}:8:19: devices[0].properties["bad key"]: key 'bad key' has segment 'bad key', which is not an identifier (a letter, then letters, digits or '_', not ending in '_')`,
      `${BOARD}:8:44: devices[0].properties["fuchsia.A"]: -2 is too small; the minimum is 0`,
    ]);
  });

  it('can skip loading driver manifests', () => {
    const board = parseBoardManifest(GOOD, BOARD, {
      fs: memoryManifestFs({}),
      deviceTypes,
      loadDrivers: false,
    });
    expect(board.drivers.every((d) => d.manifest === undefined)).toBe(true);
    expect(board.drivers[1]?.colocate).toBe(true);
  });

  it('loads from a file', () => {
    const withBoard = memoryManifestFs({ ...FILES, [BOARD]: GOOD });
    expect(loadBoardManifest(BOARD, { ...OPTIONS, fs: withBoard }).name).toBe('block-demo');
    try {
      loadBoardManifest('/nope.yaml', OPTIONS);
      expect.unreachable();
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_NOT_FOUND)).toBe(true);
    }
  });
});

describe('robustness', () => {
  it('reports, never crashes, on damaged boards', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const lines = GOOD.split('\n');
    for (let i = 0; i < 120; i++) {
      const damaged = [...lines];
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(random() * damaged.length);
        const op = Math.floor(random() * 4);
        const line = damaged[at] ?? '';
        if (op === 0) damaged.splice(at, 1);
        else if (op === 1) damaged.splice(at, 0, line);
        else if (op === 2) damaged[at] = line.slice(0, Math.floor(random() * line.length));
        else damaged[at] = line.replace(/[a-z]/, 'Z');
      }
      try {
        parseBoardManifest(damaged.join('\n'), BOARD, OPTIONS);
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        expect(err.message.length).toBeGreaterThan(0);
      }
    }
  });
});
