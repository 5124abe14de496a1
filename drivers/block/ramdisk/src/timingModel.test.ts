import {
  fakeTimeEnv,
  flushOp,
  patternVmo,
  readOp,
  recorder,
  resetRuntime,
  trimOp,
  writeOp,
} from '@fdf/block-lib/testing';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { RamdiskDevice } from './ramdiskDevice.js';

afterEach(resetRuntime);

const BS = 512;
// 4 MiB/s: 4096 bytes take 4096 * 1000 / 4194304 = 0.9765625 ms, exact in binary.
const TIMING = { latencyMs: 2, bandwidthMiBps: 4 };
const TRANSFER_8 = (8 * BS * 1000) / (4 * 1024 * 1024);

describe('timing model (fake time)', () => {
  it('a lone op completes exactly at latency + bytes / bandwidth, not a moment before', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const src = patternVmo(8 * BS, 1);
    device.queue(writeOp(src, 8, 0), complete);
    expect(done).toHaveLength(0);
    expect(device.inFlight).toBe(1);
    t.advance(2 + TRANSFER_8 - 1 / 1024);
    expect(done).toHaveLength(0);
    // Nothing is copied before completion.
    expect(device.storage.read(0, BS).every((b) => b === 0)).toBe(true);
    t.advance(1 / 1024);
    expect(done).toEqual([{ status: Status.OK, op: expect.anything(), at: 2 + TRANSFER_8 }]);
    expect(device.storage.read(0, 8 * BS)).toEqual(src.read(0, 8 * BS));
    expect(device.inFlight).toBe(0);
  });

  it('latency only, without a bandwidth: every op takes latencyMs', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: { latencyMs: 5 } },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(64 * BS), 64, 0), complete);
    device.queue(flushOp(), complete);
    t.step(10);
    expect(done.map((d) => d.at)).toEqual([5, 5]);
  });

  it('concurrent ops overlap their latency and share the bandwidth', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const vmo = Vmo.create(8 * BS);
    device.queue(readOp(vmo, 8, 0), complete);
    device.queue(readOp(vmo, 8, 8), complete);
    device.queue(readOp(vmo, 8, 16), complete);
    t.step(10);
    expect(done.map((d) => d.at)).toEqual([2 + TRANSFER_8, 2 + 2 * TRANSFER_8, 2 + 3 * TRANSFER_8]);
  });

  it('FLUSH waits for transfers already on the bus; TRIM does not', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const vmo = patternVmo(8 * BS, 4);
    device.queue(writeOp(vmo, 8, 0), complete);
    device.queue(writeOp(vmo, 8, 8), complete);
    device.queue(flushOp(), complete);
    device.queue(trimOp(4, 40), complete);
    t.step(10);
    expect(done.map((d) => [d.op.$tag, d.at])).toEqual([
      ['trim', 2],
      ['rw', 2 + TRANSFER_8],
      ['rw', 2 + 2 * TRANSFER_8],
      ['flush', 2 + 2 * TRANSFER_8],
    ]);
  });

  it('with no model, completion is immediate (no dispatcher needed)', () => {
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 8 });
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(BS), 1, 0), complete);
    expect(done).toHaveLength(1);
  });

  it('a timing model without a dispatcher is refused at creation', () => {
    expect(() => new RamdiskDevice({ blockSize: BS, blockCount: 8, timing: TIMING })).toThrow(
      /a timing model delays completions, which needs a dispatcher; pass \{ dispatcher \}/,
    );
  });

  it('refused ops complete at once even with a timing model', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 8, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(BS), 1, 8), complete);
    expect(done.map((d) => [d.status, d.at])).toEqual([[Status.ERR_OUT_OF_RANGE, 0]]);
  });

  it('cancelPending completes ops in flight with ERR_CANCELED and their timers never fire', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const vmo = patternVmo(8 * BS, 9);
    device.queue(writeOp(vmo, 8, 0), complete);
    device.queue(flushOp(), complete);
    device.cancelPending();
    expect(done.map((d) => d.status)).toEqual([Status.ERR_CANCELED, Status.ERR_CANCELED]);
    t.advance(100);
    expect(done).toHaveLength(2);
    expect(device.storage.read(0, 8 * BS).every((b) => b === 0)).toBe(true);
    expect(device.counters().errors).toEqual({ ZX_ERR_CANCELED: 2 });
  });

  it('an op queued after the dispatcher shut down completes with ERR_CANCELED', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: TIMING },
      { dispatcher: t.dispatcher },
    );
    t.dispatcher.shutdownAsync();
    const { done, complete } = recorder();
    device.queue(flushOp(), complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_CANCELED]);
    expect(device.inFlight).toBe(0);
  });

  it('a record reused from the pool completes its new op, not the old one', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, timing: { latencyMs: 1 } },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const first = flushOp();
    device.queue(first, complete);
    t.advance(1);
    const second = flushOp();
    device.queue(second, complete);
    t.advance(1);
    expect(done.map((d) => d.op)).toEqual([first, second]);
    expect(done[1]?.op).toBe(second);
  });
});
