import { fileURLToPath } from 'node:url';
import { block, blockBanjo } from '@fdf/bindings';
import {
  patternVmo,
  readOp,
  resetRuntime,
  testHost,
  writeOp,
  type TestHost,
} from '@fdf/block-lib/testing';
import { createDriverClient } from '@fdf/fidl';
import {
  OutgoingDirectory,
  evaluateBindRules,
  loadDriverManifest,
  propertiesFromRecord,
  propertyMap,
  type IncomingRoute,
} from '@fdf/framework';
import { Arena, Channel, env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_BIND_PROTOCOL, BlockCoreDriver } from './driver.js';
import { MemoryDevice } from './__tests__/memoryDevice.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const DEVICE_INSTANCE = 100;

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.stopAll();
  t = undefined;
  resetRuntime();
});

/** A fake ramdisk in the host: a MemoryDevice served as BlockImpl (FIDL and Banjo). */
function fakeRamdisk(host: TestHost, device: MemoryDevice): IncomingRoute[] {
  const d = env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
  const outgoing = new OutgoingDirectory('ramdisk', d);
  const fidl = outgoing.addService(block.BlockImpl, {
    query: (completer) => completer.reply(device.query()),
    queue: (request, completer, arena) =>
      device.queue(request.op, (status, op) => completer.reply({ status, op }), arena),
  });
  const banjo = outgoing.addBanjo(
    blockBanjo.BlockImpl,
    {
      query: (dev: MemoryDevice) => dev.query(),
      queue: (dev: MemoryDevice, request, complete) =>
        dev.queue(request.op, (status, op) => complete({ status, op }), null),
    },
    device,
  );
  host.host.registerProvider(DEVICE_INSTANCE, outgoing);
  const provider = { instance: DEVICE_INSTANCE, driver: 'ramdisk', host: 'block' };
  const node = 'root/sys/platform/ramdisk-0/block';
  return [
    { offer: fidl, parent: 'default', node, provider },
    { offer: banjo, parent: 'default', node, provider },
  ];
}

async function started(device: MemoryDevice, variant: 'driver' | 'banjo' = 'driver') {
  t = testHost();
  const incoming = fakeRamdisk(t, device);
  await t.start({
    instance: 1,
    name: 'block-core',
    driver: BlockCoreDriver,
    variant,
    incoming,
    nodePath: 'root/sys/platform/ramdisk-0/block',
  });
  const hosted = t.host.hosted(1);
  if (hosted?.driver === undefined) throw new Error('not started');
  return { t, hosted, driver: hosted.driver as BlockCoreDriver };
}

describe('driver.yaml', () => {
  it('parses, colocates, and binds to BLOCK_IMPL nodes only', () => {
    const manifest = loadDriverManifest(PACKAGE);
    expect(manifest).toMatchObject({
      name: 'block-core',
      export: 'BlockCoreDriver',
      colocate: true,
      variants: ['driver', 'banjo'],
    });
    const props = (value: string) =>
      propertyMap(propertiesFromRecord({ 'fuchsia.BIND_PROTOCOL': value }), 'test');
    expect(
      evaluateBindRules(manifest.bind, props('fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL')).matched,
    ).toBe(true);
    expect(evaluateBindRules(manifest.bind, props(BLOCK_BIND_PROTOCOL)).matched).toBe(false);
  });
});

describe('BlockCoreDriver', () => {
  it('connects to BlockImpl, adds a block node offering Block, splits over the Driver transport', async () => {
    const device = new MemoryDevice(512, 256, 4096);
    const { t, hosted, driver } = await started(device);
    expect(t.children).toEqual([
      {
        name: 'block',
        path: 'root/sys/platform/ramdisk-0/block/block',
        properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: BLOCK_BIND_PROTOCOL }],
        offers: ['fdf.block.Block/default'],
      },
    ]);
    expect(t.logs.map((l) => l.message)).toEqual([
      '256 blocks of 512 B, ops above 4096 B are split (driver variant)',
    ]);
    const [clientEnd, serverEnd] = Channel.create();
    hosted.outgoing.serveDriver('fdf.block.Block/default', serverEnd);
    const gpt = env.createDispatcherWithOwner({ name: 'gpt' }, { name: 'gpt' });
    const client = createDriverClient(block.Block, clientEnd, { dispatcher: gpt });
    expect((await client.query()).info.maxTransferSize).toBe(block.MAX_TRANSFER_UNBOUNDED);
    const arena = Arena.create('op');
    const src = patternVmo(40 * 512, 9);
    expect((await client.queue({ op: writeOp(src, 40, 8) }, arena)).status).toBe(Status.OK);
    const dst = Vmo.create(40 * 512);
    expect((await client.queue({ op: readOp(dst, 40, 8) }, arena)).status).toBe(Status.OK);
    expect(dst.read(0, 40 * 512)).toEqual(src.read(0, 40 * 512));
    expect(device.issued).toHaveLength(10);
    expect(device.issued.every((i) => i.arena === arena)).toBe(true);
    arena.release();
    expect((await client.queue({ op: readOp(dst, 1, 256) })).status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(hosted.counters.snapshot()).toEqual({
      'block.errors.zx_err_out_of_range': 1,
      'block.read': 2,
      'block.read_bytes': 40 * 512,
      'block.split': 2,
      'block.sub_ops': 10,
      'block.write': 1,
      'block.write_bytes': 40 * 512,
    });
    expect(driver.core?.stats().read.ops).toBe(2);
    expect(t.logs.at(-1)?.message).toMatch(/READ of 1 blocks at device block 256 reaches past/);
  });

  it('in the banjo variant, calls the Banjo table and offers a Banjo Block table', async () => {
    const device = new MemoryDevice(512, 64, 1024);
    const { t, hosted } = await started(device, 'banjo');
    expect(t.children[0]?.offers).toEqual(['fdf.block.banjo.Block/default']);
    const client = blockBanjo.Block.client(
      hosted.outgoing.banjo('fdf.block.banjo.Block/default') as blockBanjo.BlockBanjo,
    );
    const statuses: number[] = [];
    client.queue({ op: writeOp(patternVmo(8 * 512, 1), 8, 0) }, (r) => statuses.push(r.status));
    // The whole split ran inside queue: the Banjo device completes at once.
    expect(statuses).toEqual([Status.OK]);
    expect(device.issued).toHaveLength(4);
  });
});
