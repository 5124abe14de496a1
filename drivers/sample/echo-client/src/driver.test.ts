import { block, blockBanjo, sample } from '@fdf/bindings';
import { fakeBanjo, fakeService, startDriverForTest, type DriverHarness } from '@fdf/testing';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { patternBlock } from './dmaWorkload.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const BLOCK = 256;

/** The echo device's documented memory pattern (see echo-device's README). */
function fill(into: Uint8Array, b: number): void {
  into[0] = b & 0xff;
  into[1] = (b >> 8) & 0xff;
  for (let i = 2; i < into.length; i++) into[i] = (b * 131 + i * 7) & 0xff;
}

/** A parent that echoes (optionally corrupting) and "DMA"s the pattern into op VMOs. */
function fakeParent(options: { corrupt?: boolean } = {}) {
  const echo: sample.EchoServer = {
    echo: ({ data, mode }, completer) => {
      if (mode === sample.EchoMode.REVERSED) data.reverse();
      if (options.corrupt === true) data[0] = (data[0] ?? 0) ^ 0xff;
      completer.reply({ data });
    },
    echoString: ({ value }, completer) => completer.reply({ value }),
    send: () => {},
    watchCount: (completer) => completer.reply({ received: 0n }),
  };
  const dma = (op: block.BlockOp): number => {
    if (op.$tag !== 'rw' || !(op.rw.vmo instanceof Vmo)) return Status.ERR_NOT_SUPPORTED;
    const view = op.rw.vmo.view();
    for (let k = 0; k < op.rw.length; k++) {
      fill(view.subarray(k * BLOCK, (k + 1) * BLOCK), Number(op.rw.offsetDev) + k);
    }
    return Status.OK;
  };
  const info = { blockCount: 64n, blockSize: BLOCK, maxTransferSize: 0, flags: 0 };
  const dev: block.BlockServer = {
    query: (completer) => completer.reply({ info, opSize: 0n }),
    queue: ({ op }, completer) => completer.reply({ status: dma(op), op }),
  };
  const banjoEcho: sample.BanjoEchoBanjoOps = {
    echo: (_ctx, { data, mode }) => ({
      data: mode === sample.EchoMode.REVERSED ? data.reverse() : data,
    }),
    echoString: (_ctx, { value }, complete) => complete({ value }),
  };
  const banjoDev: blockBanjo.BlockBanjoOps = {
    query: () => ({ info, opSize: 0n }),
    queue: (_ctx, { op }, complete) => complete({ status: dma(op), op }),
  };
  return {
    fidl: [fakeService(sample.Echo, echo), fakeService(block.Block, dev)],
    banjo: [
      fakeBanjo(sample.BanjoEcho, banjoEcho, null),
      fakeBanjo(blockBanjo.Block, banjoDev, null),
    ],
  };
}

let harness: DriverHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('echo-client', () => {
  it('offers the echo and dma workloads and adds no nodes', async () => {
    harness = await startDriverForTest({ driver: PACKAGE, incoming: fakeParent().fidl });
    expect(harness.driver.workloadNames()).toEqual(['echo', 'dma']);
    expect(harness.children).toEqual([]);
  });

  it('gives the same results over the Driver, Channel and Banjo transports', async () => {
    const results: string[][] = [];
    for (const setup of [
      { transport: 'driver' as const, variant: 'driver' as const },
      { transport: 'channel' as const, variant: 'driver' as const },
      { transport: 'driver' as const, variant: 'banjo' as const },
    ]) {
      const parent = fakeParent();
      const h = await startDriverForTest({
        driver: PACKAGE,
        variant: setup.variant,
        transport: setup.transport,
        incoming: setup.variant === 'banjo' ? parent.banjo : parent.fidl,
      });
      const echo = await h.runWorkload('echo', { count: 20, size: 33 });
      const dma = await h.runWorkload('dma', { count: 5, blocks: 4 });
      results.push([echo.summary, echo.checksum ?? '', dma.summary, dma.checksum ?? '']);
      expect(h.counters()).toEqual({ 'dma.completed': 5, 'echo.completed': 20 });
      await h.stop();
    }
    expect(results[0]).toEqual([
      '20 echoes of 33 B verified',
      expect.stringMatching(/^[0-9a-f]{8}$/),
      "5 reads of 4 x 256 B landed in the client's VMO",
      expect.stringMatching(/^[0-9a-f]{8}$/),
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('keeps its results when requests overlap (depth)', async () => {
    harness = await startDriverForTest({
      driver: PACKAGE,
      incoming: fakeParent().fidl,
      transport: 'channel',
    });
    const one = await harness.runWorkload('echo', { count: 40, depth: 1 });
    const many = await harness.runWorkload('echo', { count: 40, depth: 8 });
    expect(many.checksum).toBe(one.checksum);
  });

  it('reports a wrong echo as ERR_IO naming the request and the byte', async () => {
    harness = await startDriverForTest({
      driver: PACKAGE,
      incoming: fakeParent({ corrupt: true }).fidl,
    });
    const failure = await harness.runWorkload('echo', { count: 3 }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StatusError);
    expect((failure as StatusError).status).toBe(Status.ERR_IO);
    expect((failure as StatusError).message).toMatch(
      /echo 0 \(64 B, verbatim\): the reply differs from what was sent at byte 0/,
    );
  });

  it('checks workload parameters from the board', async () => {
    harness = await startDriverForTest({ driver: PACKAGE, incoming: fakeParent().fidl });
    await expect(harness.runWorkload('echo', { size: 5000 })).rejects.toThrow(
      /workload 'echo': parameter size is 5000; give an integer from 1 to 4096/,
    );
    await expect(harness.runWorkload('dma', { blocks: 65 })).rejects.toThrow(
      /dma: 65 blocks per read, but the device shows 64/,
    );
    await expect(harness.runWorkload('nope')).rejects.toThrow(
      /offers no workload 'nope'; it offers: echo, dma/,
    );
  });

  it('recognises the device pattern, and nothing else', () => {
    const b = new Uint8Array(BLOCK);
    fill(b, 300);
    expect(patternBlock(b)).toBe(300);
    b[9] = (b[9] ?? 0) ^ 1;
    expect(patternBlock(b)).toBe(-1);
    expect(patternBlock(new Uint8Array(BLOCK))).toBe(-1);
  });
});
