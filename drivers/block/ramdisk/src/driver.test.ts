import { fileURLToPath } from 'node:url';
import { block, blockBanjo } from '@fdf/bindings';
import {
  flushOp,
  patternVmo,
  readOp,
  resetRuntime,
  testHost,
  writeOp,
  type TestHost,
} from '@fdf/block-lib/testing';
import { createDriverClient } from '@fdf/fidl';
import {
  evaluateBindRules,
  loadDriverManifest,
  propertyMap,
  propertiesFromRecord,
} from '@fdf/framework';
import { Channel, env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_IMPL_BIND_PROTOCOL, RamdiskDriver } from './driver.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.stopAll();
  t = undefined;
  resetRuntime();
});

const device = {
  name: 'ramdisk-0',
  type: 'ramdisk',
  config: { blockSize: 512, blockCount: 64, maxTransferSize: 8192 },
};

async function started(variant: 'driver' | 'banjo' = 'driver', config: object = device.config) {
  t = testHost();
  await t.start({
    instance: 1,
    name: 'ramdisk',
    driver: RamdiskDriver,
    variant,
    device: { ...device, config },
  });
  const hosted = t.host.hosted(1);
  if (hosted?.driver === undefined) throw new Error('not started');
  return { t, hosted, driver: hosted.driver as RamdiskDriver };
}

/** A BlockImpl client as block-core in the same host would get it. */
function connect(hosted: NonNullable<ReturnType<TestHost['host']['hosted']>>) {
  const [clientEnd, serverEnd] = Channel.create();
  hosted.outgoing.serveDriver('fdf.block.BlockImpl/default', serverEnd);
  const d = env.createDispatcherWithOwner({ name: 'block-core' }, { name: 'block-core' });
  return createDriverClient(block.BlockImpl, clientEnd, { dispatcher: d });
}

describe('driver.yaml', () => {
  it('parses, and its bind rules take a RAMDISK device node and nothing else', () => {
    const manifest = loadDriverManifest(PACKAGE);
    expect(manifest).toMatchObject({
      name: 'ramdisk',
      export: 'RamdiskDriver',
      variants: ['driver', 'banjo'],
      onCrash: 'restart',
    });
    const props = (p: Record<string, string>) => propertyMap(propertiesFromRecord(p), 'test');
    expect(
      evaluateBindRules(
        manifest.bind,
        props({ 'fuchsia.BIND_PROTOCOL': 'fuchsia.block.BIND_PROTOCOL.RAMDISK' }),
      ).matched,
    ).toBe(true);
    expect(
      evaluateBindRules(manifest.bind, props({ 'fuchsia.BIND_PROTOCOL': BLOCK_IMPL_BIND_PROTOCOL }))
        .matched,
    ).toBe(false);
  });
});

describe('RamdiskDriver', () => {
  it('adds a block node offering BlockImpl, and serves it over the Driver transport', async () => {
    const { t, hosted } = await started();
    expect(t.children).toEqual([
      {
        name: 'block',
        path: 'root/sys/platform/ramdisk-0/block',
        properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: BLOCK_IMPL_BIND_PROTOCOL }],
        offers: ['fdf.block.BlockImpl/default'],
      },
    ]);
    expect(t.logs.map((l) => l.message)).toEqual([
      'serving 64 blocks of 512 B, no timing model (driver variant)',
    ]);
    const client = connect(hosted);
    expect((await client.query()).info).toEqual({
      blockCount: 64n,
      blockSize: 512,
      maxTransferSize: 8192,
      flags: block.Flag.TRIM_SUPPORT,
    });
    const src = patternVmo(4096, 3);
    expect((await client.queue({ op: writeOp(src, 8, 2) })).status).toBe(Status.OK);
    const dst = Vmo.create(4096);
    expect((await client.queue({ op: readOp(dst, 8, 2) })).status).toBe(Status.OK);
    expect(dst.view()).toEqual(src.view());
    expect(hosted.counters.snapshot()).toEqual({
      'ramdisk.read': 1,
      'ramdisk.read_bytes': 4096,
      'ramdisk.write': 1,
      'ramdisk.write_bytes': 4096,
    });
  });

  it('serves the Banjo table in its banjo variant', async () => {
    const { t, hosted } = await started('banjo');
    expect(t.children[0]?.offers).toEqual(['fdf.block.banjo.BlockImpl/default']);
    const client = blockBanjo.BlockImpl.client(
      hosted.outgoing.banjo('fdf.block.banjo.BlockImpl/default') as blockBanjo.BlockImplBanjo,
    );
    expect(client.query().info.blockCount).toBe(64n);
    let status: number | undefined;
    client.queue({ op: flushOp() }, (r) => (status = r.status));
    expect(status).toBe(Status.OK);
  });

  it('refuses to start on a bad config, naming the board device', async () => {
    await expect(started('driver', { blockSize: 512 })).rejects.toThrow(
      /device 'ramdisk-0' config.blockCount is missing/,
    );
    t = undefined;
  });

  it('the inject-faults workload installs faults; a removal takes the block node away', async () => {
    const { t, hosted } = await started();
    const client = connect(hosted);
    const report = await t.host.runWorkload(1, 'inject-faults', {
      ioErrors: [{ blocks: { start: 0, count: 1 } }],
      disappear: { afterOps: 1 },
    });
    expect(report.summary).toBe(
      'faults installed: 1 I/O error ranges, 0 latency spikes, removal after 1 ops',
    );
    expect((await client.queue({ op: readOp(Vmo.create(512), 1, 0) })).status).toBe(Status.ERR_IO);
    expect((await client.queue({ op: flushOp() })).status).toBe(Status.ERR_IO_NOT_PRESENT);
    await Promise.resolve();
    expect(t.children).toEqual([]);
    expect(t.logs.map((l) => l.level)).toContain('warn');
    expect(t.logs.some((l) => /device disappeared/.test(l.message))).toBe(true);
    await expect(t.host.runWorkload(1, 'inject-faults', { bogus: 1 })).rejects.toThrow(
      /ramdisk faults.bogus is not a known setting/,
    );
  });

  it('stopping completes the ops still waiting for their modeled time with ZX_ERR_CANCELED', async () => {
    const { t, hosted, driver } = await started('driver', {
      blockSize: 512,
      blockCount: 64,
      timing: { latencyMs: 60_000 },
    });
    const client = connect(hosted);
    const reply = client.queue({ op: flushOp() });
    reply.catch(() => undefined);
    // The request crosses the channel on the runtime's queues: run them until it arrived.
    for (let i = 0; i < 10 && driver.ramdisk?.inFlight !== 1; i++) {
      env.runUntilIdle();
      await Promise.resolve();
    }
    expect(driver.ramdisk?.inFlight).toBe(1);
    await t.host.stopDriver(1);
    expect(driver.ramdisk?.inFlight).toBe(0);
    expect(driver.ramdisk?.counters().errors).toEqual({ ZX_ERR_CANCELED: 1 });
  });
});
