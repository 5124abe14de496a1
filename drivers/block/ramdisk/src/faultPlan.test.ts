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
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { RamdiskDevice } from './ramdiskDevice.js';

afterEach(resetRuntime);

const BS = 512;

describe('fault injection: I/O errors', () => {
  it('ops touching the range fail with ERR_IO; neighbours succeed; failed reads copy nothing', () => {
    const errors: StatusError[] = [];
    const image = patternVmo(32 * BS, 8);
    const device = new RamdiskDevice(
      {
        blockSize: BS,
        blockCount: 32,
        faults: { ioErrors: [{ blocks: { start: 10, count: 2 } }] },
      },
      { storage: image, onError: (e) => errors.push(e) },
    );
    const { done, complete } = recorder();
    const dst = Vmo.create(4 * BS);
    device.queue(readOp(dst, 2, 8), complete); // [8, 10): just before
    device.queue(readOp(dst, 4, 9), complete); // [9, 13): overlaps 10 and 11
    device.queue(readOp(dst, 1, 11), complete); // the last faulty block
    device.queue(readOp(dst, 4, 12), complete); // just after
    expect(done.map((d) => d.status)).toEqual([Status.OK, Status.ERR_IO, Status.ERR_IO, Status.OK]);
    expect(errors[0]?.message).toMatch(
      /READ of 4 blocks at device block 9 \(vmo block 0\): injected I\/O error on blocks \[10, 12\)/,
    );
    // The last good read left its data; the failed ones did not overwrite it with anything.
    expect(dst.read(0, 4 * BS)).toEqual(image.read(12 * BS, 4 * BS));
    expect(device.counters().errors).toEqual({ ZX_ERR_IO: 2 });
  });

  it('`on` selects reads or writes; TRIM counts as a write; FLUSH is never hit', () => {
    const device = new RamdiskDevice({
      blockSize: BS,
      blockCount: 32,
      faults: {
        ioErrors: [
          { blocks: { start: 0, count: 4 }, on: 'read' },
          { blocks: { start: 20, count: 4 }, on: 'write' },
        ],
      },
    });
    const { done, complete } = recorder();
    const vmo = patternVmo(4 * BS, 1);
    device.queue(readOp(vmo, 1, 0), complete);
    device.queue(writeOp(vmo, 1, 0), complete);
    device.queue(readOp(vmo, 1, 20), complete);
    device.queue(writeOp(vmo, 1, 20), complete);
    device.queue(trimOp(1, 21), complete);
    device.queue(trimOp(1, 1), complete);
    device.queue(flushOp(), complete);
    expect(done.map((d) => d.status)).toEqual([
      Status.ERR_IO,
      Status.OK,
      Status.OK,
      Status.ERR_IO,
      Status.ERR_IO,
      Status.OK,
      Status.OK,
    ]);
  });

  it('a faulty op still takes its modeled time', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      {
        blockSize: BS,
        blockCount: 32,
        timing: { latencyMs: 3 },
        faults: { ioErrors: [{ blocks: { start: 0, count: 1 } }] },
      },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(BS), 1, 0), complete);
    t.step(5);
    expect(done.map((d) => [d.status, d.at])).toEqual([[Status.ERR_IO, 3]]);
  });
});

describe('fault injection: latency spikes', () => {
  it('every Nth op gets the extra delay', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      {
        blockSize: BS,
        blockCount: 32,
        timing: { latencyMs: 1 },
        faults: { latencySpikes: [{ everyNthOp: 3, extraMs: 10 }] },
      },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const ops = Array.from({ length: 6 }, flushOp);
    for (const op of ops) device.queue(op, complete);
    t.step(20, 1);
    expect(done.map((d) => d.at)).toEqual([1, 1, 1, 1, 11, 11]);
    // Ops 3 and 6 were the slow ones.
    expect(done[4]?.op).toBe(ops[2]);
    expect(done[5]?.op).toBe(ops[5]);
  });

  it('ops touching the given blocks get the extra delay, even without a timing model', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      {
        blockSize: BS,
        blockCount: 32,
        faults: { latencySpikes: [{ blocks: { start: 16, count: 1 }, extraMs: 7 }] },
      },
      { dispatcher: t.dispatcher },
    );
    const { done, complete } = recorder();
    const vmo = Vmo.create(4 * BS);
    device.queue(readOp(vmo, 4, 14), complete); // touches 16: delayed
    device.queue(readOp(vmo, 4, 0), complete); // immediate
    expect(done.map((d) => d.at)).toEqual([0]);
    t.step(10, 1);
    expect(done.map((d) => [Number(d.op.$tag === 'rw' ? d.op.rw.offsetDev : -1), d.at])).toEqual([
      [0, 0],
      [14, 7],
    ]);
  });

  it('spikes need a dispatcher', () => {
    expect(
      () =>
        new RamdiskDevice({
          blockSize: BS,
          blockCount: 8,
          faults: { latencySpikes: [{ everyNthOp: 2, extraMs: 1 }] },
        }),
    ).toThrow(/latency spikes delays completions, which needs a dispatcher/);
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 8 });
    expect(() => device.injectFaults({ latencySpikes: [{ everyNthOp: 2, extraMs: 1 }] })).toThrow(
      StatusError,
    );
  });
});

describe('fault injection: disappearing', () => {
  it('after N ops every op fails with ERR_IO_NOT_PRESENT and removal is reported once', () => {
    let removals = 0;
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 8, faults: { disappear: { afterOps: 3 } } },
      { onRemoved: () => removals++ },
    );
    const { done, complete } = recorder();
    for (let i = 0; i < 6; i++) device.queue(flushOp(), complete);
    expect(done.map((d) => d.status)).toEqual([
      Status.OK,
      Status.OK,
      Status.OK,
      Status.ERR_IO_NOT_PRESENT,
      Status.ERR_IO_NOT_PRESENT,
      Status.ERR_IO_NOT_PRESENT,
    ]);
    expect(removals).toBe(1);
    expect(device.removed).toBe(true);
    // Clearing the faults does not bring the device back.
    device.clearFaults();
    device.queue(flushOp(), complete);
    expect(done.at(-1)?.status).toBe(Status.ERR_IO_NOT_PRESENT);
  });

  it('ops in flight when the device goes away fail with ERR_IO_NOT_PRESENT at their time', () => {
    const t = fakeTimeEnv('ramdisk');
    let removals = 0;
    const device = new RamdiskDevice(
      {
        blockSize: BS,
        blockCount: 8,
        timing: { latencyMs: 4 },
        faults: { disappear: { afterOps: 2 } },
      },
      { dispatcher: t.dispatcher, onRemoved: () => removals++ },
    );
    const { done, complete } = recorder();
    const src = patternVmo(BS, 3);
    device.queue(writeOp(src, 1, 0), complete);
    device.queue(writeOp(src, 1, 1), complete);
    t.step(1, 1);
    device.queue(flushOp(), complete); // op 3: the trigger
    expect(removals).toBe(1);
    expect(done.map((d) => [d.status, d.at])).toEqual([[Status.ERR_IO_NOT_PRESENT, 1]]);
    t.step(5, 1);
    expect(done.map((d) => [d.status, d.at])).toEqual([
      [Status.ERR_IO_NOT_PRESENT, 1],
      [Status.ERR_IO_NOT_PRESENT, 4],
      [Status.ERR_IO_NOT_PRESENT, 4],
    ]);
    expect(device.storage.read(0, 2 * BS).every((b) => b === 0)).toBe(true);
  });

  it('remove() makes the device disappear on demand', () => {
    let removals = 0;
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 8 },
      { onRemoved: () => removals++ },
    );
    device.remove();
    device.remove();
    const { done, complete } = recorder();
    device.queue(flushOp(), complete);
    expect(done[0]?.status).toBe(Status.ERR_IO_NOT_PRESENT);
    expect(removals).toBe(1);
  });
});

describe('fault injection at run time', () => {
  it('injectFaults counts ops from the moment it is called; clearFaults stops the faults', () => {
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 8 });
    const { done, complete } = recorder();
    for (let i = 0; i < 5; i++) device.queue(flushOp(), complete);
    device.injectFaults({ ioErrors: [{ blocks: { start: 0, count: 1 } }] });
    const vmo = Vmo.create(BS);
    device.queue(readOp(vmo, 1, 0), complete);
    device.clearFaults();
    device.queue(readOp(vmo, 1, 0), complete);
    device.injectFaults({ disappear: { afterOps: 1 } });
    device.queue(readOp(vmo, 1, 0), complete);
    device.queue(readOp(vmo, 1, 0), complete);
    expect(done.slice(5).map((d) => d.status)).toEqual([
      Status.ERR_IO,
      Status.OK,
      Status.OK,
      Status.ERR_IO_NOT_PRESENT,
    ]);
  });

  it('injectFaults checks its input like the config does', () => {
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 8 });
    expect(() => device.injectFaults({ ioErrors: [{ blocks: { start: 6, count: 4 } }] })).toThrow(
      /ramdisk faults.ioErrors\[0\].blocks: blocks \[6, 10\) reach past the device's 8 blocks/,
    );
  });
});
