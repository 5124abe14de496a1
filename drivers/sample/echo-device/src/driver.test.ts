import { block, blockBanjo, sample } from '@fdf/bindings';
import { startDriverForTest, type DriverHarness } from '@fdf/testing';
import { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fillBlock } from './blockPattern.js';
import { EchoDeviceDriver } from './driver.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const device = { type: 'sample-echo', config: { blockCount: 64, blockSize: 256 } };
const routeFiltered = { 'fdf.sample.device': 'echo', 'fdf.sample.route': 'filtered' };

let harness: DriverHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

function readOp(vmo: Vmo, offsetDev: number, length: number): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: block.BlockOpcode.READ, flags: 0 },
    extra: 0,
    vmo,
    length,
    offsetDev: BigInt(offsetDev),
    offsetVmo: 0n,
  });
}

describe('echo-device', () => {
  it('adds an echo node that offers Echo and Block, with the route of its device', async () => {
    harness = await startDriverForTest({
      driver: PACKAGE,
      node: { name: 'echo-0', properties: routeFiltered },
      device,
    });
    expect(harness.driver).toBeInstanceOf(EchoDeviceDriver);
    expect(harness.children).toEqual([
      {
        name: 'echo',
        path: 'root/harness/echo-0/echo',
        properties: [
          { key: 'fuchsia.BIND_PROTOCOL', value: 'fdf.sample.BIND_PROTOCOL.ECHO' },
          { key: 'fdf.sample.route', value: 'filtered' },
          { key: 'fdf.sample.stage', value: 'device' },
        ],
        offers: ['fdf.sample.Echo/default', 'fdf.block.Block/default'],
      },
    ]);
    expect(harness.logs.map((l) => l.message)).toEqual([
      'serving 64 blocks of 256 B (driver variant)',
    ]);
  });

  it('echoes verbatim and reversed, in the arena it was given, and counts', async () => {
    harness = await startDriverForTest({ driver: EchoDeviceDriver, device });
    const echo = harness.connect(sample.Echo, { child: 'echo' });
    const arena = Arena.create('test');
    const data = arena.allocate(4);
    data.set([1, 2, 3, 4]);
    const verbatim = await echo.echo({ data, mode: sample.EchoMode.VERBATIM }, arena);
    expect([...verbatim.data]).toEqual([1, 2, 3, 4]);
    const reversed = await echo.echo({ data, mode: sample.EchoMode.REVERSED }, arena);
    expect([...reversed.data]).toEqual([4, 3, 2, 1]);
    // Driver transport: the reply is the request's own buffer, nothing copied.
    expect(reversed.data).toBe(data);
    expect(echo.stats.bytesCopied).toBe(0);
    arena.release();
    expect(await echo.echoString({ value: 'hi' })).toEqual({ value: 'hi' });
    expect(harness.counters()).toEqual({ 'echo.bytes': 10, 'echo.requests': 3 });
  });

  it('answers WatchCount as a hanging get', async () => {
    harness = await startDriverForTest({ driver: EchoDeviceDriver, device });
    const echo = harness.connect(sample.Echo);
    expect(await echo.watchCount()).toEqual({ received: 0n });
    const next = echo.watchCount();
    echo.send({ data: new Uint8Array([9]) });
    expect(await next).toEqual({ received: 1n });
  });

  it('reads its pattern into the VMO of an op, over the Channel transport too', async () => {
    harness = await startDriverForTest({ driver: EchoDeviceDriver, device });
    const dev = harness.connect(block.Block, { transport: 'channel' });
    expect((await dev.query()).info).toMatchObject({ blockCount: 64n, blockSize: 256 });
    const vmo = Vmo.create(2 * 256);
    const { status, op } = await dev.queue({ op: readOp(vmo.duplicate(), 5, 2) });
    expect(status).toBe(Status.OK);
    if (op.$tag === 'rw') op.rw.vmo.close();
    const expected = new Uint8Array(256);
    fillBlock(expected, 6);
    // The device wrote into the memory this test holds: the VMO was shared, not copied.
    expect(vmo.view(256, 256)).toEqual(expected);
    expect(harness.counters()['block.read_bytes']).toBe(512);
  });

  it('refuses ops outside the device with a status, and keeps serving', async () => {
    harness = await startDriverForTest({ driver: EchoDeviceDriver, device });
    const dev = harness.connect(block.Block);
    const vmo = Vmo.create(256);
    expect((await dev.queue({ op: readOp(vmo, 64, 1) })).status).toBe(Status.ERR_OUT_OF_RANGE);
    // The VMO holds one page (16 blocks of 256 B); 20 blocks do not fit.
    expect((await dev.queue({ op: readOp(vmo, 0, 20) })).status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(
      (await dev.queue({ op: block.BlockOp.flush({ command: { opcode: 3, flags: 0 } }) })).status,
    ).toBe(Status.OK);
  });

  it('serves Banjo tables in its banjo variant', async () => {
    harness = await startDriverForTest({ driver: PACKAGE, variant: 'banjo', device });
    expect(harness.children[0]?.offers).toEqual([
      'fdf.sample.BanjoEcho/default',
      'fdf.block.banjo.Block/default',
    ]);
    const echo = harness.connectBanjo(sample.BanjoEcho, { child: 'echo' });
    expect([
      ...echo.echo({ data: new Uint8Array([1, 2]), mode: sample.EchoMode.REVERSED }).data,
    ]).toEqual([2, 1]);
    const dev = harness.connectBanjo(blockBanjo.Block);
    expect(dev.query().info.blockCount).toBe(64n);
  });

  it('fails to start on a bad device config, saying which key and what to give', async () => {
    await expect(
      startDriverForTest({
        driver: EchoDeviceDriver,
        device: { type: 'sample-echo', config: { blockSize: 3 } },
      }),
    ).rejects.toThrow(
      /echo device config: blockSize is 3; give an integer from 16 to 4096 in the board's devices\[\]\.config/,
    );
    await expect(
      startDriverForTest({
        driver: EchoDeviceDriver,
        device: { type: 'sample-echo', config: { size: 1 } },
      }),
    ).rejects.toBeInstanceOf(StatusError);
  });

  it('stops in order: prepareStop, dispatchers shut down, stop', async () => {
    const h = await startDriverForTest({ driver: EchoDeviceDriver, device });
    expect(h.dispatchers().map((d) => [d.name, d.state])).toEqual([
      ['default@root/harness/dut', 'running'],
    ]);
    expect(await h.stop()).toEqual(['prepareStop', 'dispatchers-shut-down', 'stop']);
  });
});
