import { block, blockBanjo, sample } from '@fdf/bindings';
import { Arena } from '@fdf/runtime';
import {
  fakeBanjo,
  fakeService,
  startDriverForTest,
  type DriverHarness,
  type HarnessTransport,
} from '@fdf/testing';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_START } from './blockServer.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** A parent that echoes and records the device offsets of the ops it gets. */
function fakeDevice() {
  const offsets: bigint[] = [];
  const echo: sample.EchoServer = {
    echo: ({ data }, completer) => completer.reply({ data }),
    echoString: ({ value }, completer) => completer.reply({ value: value.toUpperCase() }),
    send: () => {},
    watchCount: (completer) => completer.reply({ received: 7n }),
  };
  const dev: block.BlockServer = {
    query: (completer) =>
      completer.reply({
        info: { blockCount: 100n, blockSize: 512, maxTransferSize: 0, flags: 0 },
        opSize: 0n,
      }),
    queue: ({ op }, completer) => {
      if (op.$tag === 'rw') offsets.push(op.rw.offsetDev);
      completer.reply({ status: Status.OK, op });
    },
  };
  return { offsets, services: [fakeService(sample.Echo, echo), fakeService(block.Block, dev)] };
}

function rw(vmo: Vmo, offsetDev: bigint, length = 1): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: block.BlockOpcode.READ, flags: 0 },
    extra: 0,
    vmo,
    length,
    offsetDev,
    offsetVmo: 0n,
  });
}

let harness: DriverHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('echo-filter', () => {
  it.each<HarnessTransport>(['driver', 'channel'])(
    'forwards Echo and a window of Block, parent over the %s transport',
    async (transport) => {
      const device = fakeDevice();
      harness = await startDriverForTest({ driver: PACKAGE, incoming: device.services, transport });
      expect(harness.children.map((c) => [c.name, c.offers])).toEqual([
        ['filtered', ['fdf.sample.Echo/default', 'fdf.block.Block/default']],
      ]);
      expect(harness.report().incoming.map((c) => c.transport)).toEqual([transport, transport]);

      const echo = harness.connect(sample.Echo, { child: 'filtered' });
      expect(await echo.echoString({ value: 'abc' })).toEqual({ value: 'ABC' });
      expect(await echo.watchCount()).toEqual({ received: 7n });

      const dev = harness.connect(block.Block, { child: 'filtered' });
      expect((await dev.query()).info.blockCount).toBe(100n - BigInt(WINDOW_START));
      const reply = await dev.queue({ op: rw(Vmo.create(512), 3n) });
      expect(reply.status).toBe(Status.OK);
      expect(device.offsets).toEqual([3n + BigInt(WINDOW_START)]);
      // Past the window's end: refused here, never reaches the parent.
      expect((await dev.queue({ op: rw(Vmo.create(512), 84n) })).status).toBe(
        Status.ERR_OUT_OF_RANGE,
      );
      expect(device.offsets).toHaveLength(1);
      expect(harness.counters()).toEqual({ 'block.forwarded': 2, 'echo.forwarded': 1 });
    },
  );

  it('forwards the request arena: over the Driver transport nothing is copied', async () => {
    harness = await startDriverForTest({ driver: PACKAGE, incoming: fakeDevice().services });
    const echo = harness.connect(sample.Echo);
    const arena = Arena.create('test');
    const data = arena.allocate(64).fill(5);
    const reply = await echo.echo({ data, mode: sample.EchoMode.VERBATIM }, arena);
    expect(reply.data).toBe(data);
    expect(echo.stats.bytesCopied).toBe(0);
    arena.release();
  });

  it('fails a pending call with ERR_PEER_CLOSED when its parent goes away', async () => {
    // The parent holds the call, then goes away.
    let arrived!: (goAway: () => void) => void;
    const parked = new Promise<() => void>((resolve) => (arrived = resolve));
    const echo: sample.EchoServer = {
      echo: (_request, completer) =>
        arrived(() => completer.closeWithEpitaph(Status.ERR_PEER_CLOSED)),
      echoString: () => {},
      send: () => {},
      watchCount: () => {},
    };
    const dev = fakeDevice().services[1]!;
    harness = await startDriverForTest({
      driver: PACKAGE,
      incoming: [fakeService(sample.Echo, echo), dev],
    });
    const client = harness.connect(sample.Echo);
    const call = client.echo({ data: new Uint8Array([1]), mode: sample.EchoMode.VERBATIM });
    const failed = call.then(
      () => null,
      (err: unknown) => err,
    );
    (await parked)();
    const err = await failed;
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toBe(Status.ERR_PEER_CLOSED);
  });

  it('forwards Banjo tables in its banjo variant, and refuses a Banjo parent in another host', async () => {
    const calls: string[] = [];
    const services = [
      fakeBanjo(
        sample.BanjoEcho,
        {
          echo: (_ctx, { data }) => {
            calls.push('echo');
            return { data };
          },
          echoString: (_ctx, { value }, complete) => complete({ value }),
        } satisfies sample.BanjoEchoBanjoOps,
        null,
      ),
      fakeBanjo(
        blockBanjo.Block,
        {
          query: () => ({
            info: { blockCount: 40n, blockSize: 512, maxTransferSize: 0, flags: 0 },
            opSize: 0n,
          }),
          queue: (_ctx, { op }, complete) => complete({ status: Status.OK, op }),
        } satisfies blockBanjo.BlockBanjoOps,
        null,
      ),
    ];
    harness = await startDriverForTest({ driver: PACKAGE, variant: 'banjo', incoming: services });
    const echo = harness.connectBanjo(sample.BanjoEcho, { child: 'filtered' });
    expect([
      ...echo.echo({ data: new Uint8Array([3]), mode: sample.EchoMode.VERBATIM }).data,
    ]).toEqual([3]);
    expect(calls).toEqual(['echo']);
    expect(harness.connectBanjo(blockBanjo.Block).query().info.blockCount).toBe(24n);

    await expect(
      startDriverForTest({
        driver: PACKAGE,
        variant: 'banjo',
        incoming: services,
        transport: 'channel',
      }),
    ).rejects.toThrow(/Banjo calls are direct function calls, so place both drivers in one host/);
  });
});
