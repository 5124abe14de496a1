import { block } from '@fdf/bindings';
import {
  fakeTimeEnv,
  flushOp,
  patternVmo,
  readOp,
  recorder,
  resetRuntime,
  rw,
  sha256,
  trimOp,
  writeOp,
} from '@fdf/block-lib/testing';
import { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo, type Handle } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import type { BlockImplPort } from './blockImplPort.js';
import { BlockCore } from './blockCore.js';
import { MemoryDevice } from './__tests__/memoryDevice.js';

afterEach(resetRuntime);

const BS = 512;

function core(device: MemoryDevice, splitDepth?: number) {
  const errors: StatusError[] = [];
  const c = new BlockCore(device, device.query(), {
    onError: (e) => errors.push(e),
    ...(splitDepth === undefined ? {} : { splitDepth }),
  });
  return { core: c, errors };
}

describe('BlockCore: query', () => {
  it('offers the device geometry with unbounded transfers (it splits)', () => {
    const device = new MemoryDevice(BS, 100, 8 * BS);
    const { core: c } = core(device);
    expect(c.query()).toEqual({
      info: {
        blockCount: 100n,
        blockSize: BS,
        maxTransferSize: block.MAX_TRANSFER_UNBOUNDED,
        flags: block.Flag.TRIM_SUPPORT,
      },
      opSize: 48n,
    });
    expect(c.device.info.maxTransferSize).toBe(8 * BS);
  });

  it('create() asks the device over its port', async () => {
    const device = new MemoryDevice(BS, 10);
    const c = await BlockCore.create({
      query: () => Promise.resolve(device.query()),
      queue: (op, complete, arena) => device.queue(op, complete, arena),
    });
    expect(c.query().info.blockCount).toBe(10n);
  });

  it('refuses a device whose max transfer is less than a block, and a bad split depth', () => {
    const device = new MemoryDevice(BS, 10, 100);
    expect(() => new BlockCore(device, device.query())).toThrow(
      /max_transfer_size 100, less than one block \(512 bytes\)/,
    );
    const ok = new MemoryDevice(BS, 10);
    expect(() => new BlockCore(ok, ok.query(), { splitDepth: 0 })).toThrow(
      /splitDepth 0 is not a positive integer/,
    );
  });
});

describe('BlockCore: pass-through', () => {
  it('forwards the same op object and arena, and completes with what came back', () => {
    const device = new MemoryDevice(BS, 64);
    const { core: c } = core(device);
    const { done, complete } = recorder();
    const arena = Arena.create('op');
    const ops = [writeOp(patternVmo(BS, 1), 1, 3), flushOp(), trimOp(2, 3)];
    for (const op of ops) c.queue(op, complete, arena);
    expect(device.issued.map((i) => i.op)).toEqual(ops);
    expect(device.issued.every((i) => i.op === ops[device.issued.indexOf(i)])).toBe(true);
    expect(device.issued.every((i) => i.arena === arena)).toBe(true);
    expect(done.map((d) => [d.status, d.op])).toEqual(ops.map((op) => [Status.OK, op]));
    arena.release();
  });

  it('an op within max_transfer_size is not split', () => {
    const device = new MemoryDevice(BS, 64, 8 * BS);
    const { core: c } = core(device);
    const op = readOp(Vmo.create(8 * BS), 8, 0);
    c.queue(op, () => undefined);
    expect(device.issued.map((i) => i.op)).toEqual([op]);
    expect(c.stats().split).toEqual({ ops: 0, subOps: 0 });
  });

  it('passes the device error through', () => {
    const device = new MemoryDevice(BS, 64);
    device.badBlocks = { start: 10, count: 1 };
    const { core: c } = core(device);
    const { done, complete } = recorder();
    c.queue(readOp(Vmo.create(BS), 1, 10), complete);
    expect(done[0]?.status).toBe(Status.ERR_IO);
  });

  it('refuses ops outside the device before anything reaches it', () => {
    const device = new MemoryDevice(BS, 64, 4 * BS);
    const { core: c, errors } = core(device);
    const { done, complete } = recorder();
    c.queue(writeOp(Vmo.create(40 * BS), 40, 30), complete); // would split, and reach past 64
    c.queue(readOp(Vmo.create(BS), 0, 0), complete);
    c.queue(trimOp(2, 63), complete);
    c.queue(readOp(Vmo.create(BS), 1, (2n ** 60n) as unknown as number), complete);
    expect(device.issued).toHaveLength(0);
    expect(done.map((d) => d.status)).toEqual([
      Status.ERR_OUT_OF_RANGE,
      Status.ERR_INVALID_ARGS,
      Status.ERR_OUT_OF_RANGE,
      Status.ERR_OUT_OF_RANGE,
    ]);
    expect(errors[0]?.message).toMatch(
      /block-core: WRITE of 40 blocks at device block 30 reaches past the end of the device \(64 blocks\); keep offset_dev \+ length <= 64/,
    );
  });
});

describe('BlockCore: splitting', () => {
  it('an op of 10x max transfer becomes 10 sub-ops in order; data correct; one completion', () => {
    const device = new MemoryDevice(BS, 200, 4 * BS);
    const { core: c } = core(device);
    const { done, complete } = recorder();
    const src = patternVmo(44 * BS, 17);
    const write = writeOp(src, 40, 100, 4);
    c.queue(write, complete);
    expect(done).toEqual([{ status: Status.OK, op: write, at: expect.any(Number) }]);
    const subs = device.issued.map((i) => i.op);
    expect(subs).toHaveLength(10);
    expect(
      subs.map((s) => (s.$tag === 'rw' ? [s.rw.length, s.rw.offsetDev, s.rw.offsetVmo] : null)),
    ).toEqual(Array.from({ length: 10 }, (_, i) => [4, BigInt(100 + 4 * i), BigInt(4 + 4 * i)]));
    // The original is untouched.
    expect(write.$tag === 'rw' && [write.rw.length, write.rw.offsetDev]).toEqual([40, 100n]);
    expect(sha256(device.bytes.subarray(100 * BS, 140 * BS))).toBe(
      sha256(src.read(4 * BS, 40 * BS)),
    );
    const dst = Vmo.create(40 * BS);
    c.queue(readOp(dst, 40, 100), complete);
    expect(done[1]?.status).toBe(Status.OK);
    expect(sha256(dst.view())).toBe(sha256(src.read(4 * BS, 40 * BS)));
    expect(c.stats().split).toEqual({ ops: 2, subOps: 20 });
  });

  it('a length that is not a multiple: the last sub-op is shorter', () => {
    const device = new MemoryDevice(BS, 64, 4 * BS);
    const { core: c } = core(device);
    c.queue(readOp(Vmo.create(10 * BS), 10, 0), () => undefined);
    expect(device.issued.map((i) => (i.op.$tag === 'rw' ? i.op.rw.length : 0))).toEqual([4, 4, 2]);
  });

  it('barriers stay at the ends; other flags and extra go on every sub-op', () => {
    const device = new MemoryDevice(BS, 64, 4 * BS);
    const { core: c } = core(device);
    const F = block.BlockIoFlag;
    const op = rw(
      block.BlockOpcode.WRITE,
      Vmo.create(12 * BS),
      12,
      0,
      0,
      F.BARRIER_BEFORE | F.BARRIER_AFTER | F.FORCE_ACCESS,
    );
    if (op.$tag === 'rw') op.rw.extra = 77;
    c.queue(op, () => undefined);
    expect(
      device.issued.map((i) => (i.op.$tag === 'rw' ? [i.op.rw.command.flags, i.op.rw.extra] : 0)),
    ).toEqual([
      [F.BARRIER_BEFORE | F.FORCE_ACCESS, 77],
      [F.FORCE_ACCESS, 77],
      [F.BARRIER_AFTER | F.FORCE_ACCESS, 77],
    ]);
  });

  it('keeps at most splitDepth sub-ops in flight, issued in order', () => {
    const device = new MemoryDevice(BS, 64, BS);
    device.mode = { kind: 'manual' };
    const { core: c } = core(device, 3);
    const { done, complete } = recorder();
    c.queue(readOp(Vmo.create(8 * BS), 8, 0), complete);
    expect(device.waiting).toHaveLength(3);
    // Completing out of order frees slots; the next sub-ops are issued in order.
    device.completeAt(1);
    device.completeAt(0);
    expect(device.waiting).toHaveLength(3);
    device.completeAll();
    expect(device.issued.map((i) => (i.op.$tag === 'rw' ? Number(i.op.rw.offsetDev) : -1))).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    expect(done.map((d) => d.status)).toEqual([Status.OK]);
  });

  it('a fault in the middle sub-op (sequential): ERR_IO once, nothing issued after it', () => {
    const device = new MemoryDevice(BS, 100, 4 * BS);
    device.badBlocks = { start: 20, count: 1 }; // sub-op 5 of 10
    const { core: c } = core(device, 1);
    const { done, complete } = recorder();
    const op = readOp(Vmo.create(40 * BS), 40, 0);
    c.queue(op, complete);
    expect(done).toEqual([{ status: Status.ERR_IO, op, at: expect.any(Number) }]);
    expect(device.issued).toHaveLength(6);
    expect(device.completed.map((x) => x.status)).toEqual([
      Status.OK,
      Status.OK,
      Status.OK,
      Status.OK,
      Status.OK,
      Status.ERR_IO,
    ]);
  });

  it('a fault in the middle sub-op (parallel): completes once with ERR_IO only after all issued sub-ops finished', () => {
    const device = new MemoryDevice(BS, 100, 4 * BS);
    device.badBlocks = { start: 16, count: 1 }; // sub-op index 4
    device.mode = { kind: 'manual' };
    const { core: c } = core(device, 4);
    const { done, complete } = recorder();
    const op = writeOp(patternVmo(40 * BS, 3), 40, 0);
    c.queue(op, complete);
    device.completeAt(0); // sub-op 0 done: sub-op 4 is issued
    expect(
      device.waiting.map((w) => (w.op.$tag === 'rw' ? Number(w.op.rw.offsetDev) : -1)),
    ).toEqual([4, 8, 12, 16]);
    device.completeAt(3); // sub-op 4 fails
    expect(device.completed.at(-1)?.status).toBe(Status.ERR_IO);
    // Nothing new is issued, and the original waits for the three still in flight.
    expect(device.waiting).toHaveLength(3);
    device.completeAt(0);
    device.completeAt(0);
    expect(done).toHaveLength(0);
    device.completeAt(0);
    expect(done).toEqual([{ status: Status.ERR_IO, op, at: expect.any(Number) }]);
    expect(device.issued).toHaveLength(5);
    expect(c.inFlight).toBe(0);
  });

  it('the first error to arrive wins when several sub-ops fail', () => {
    const device = new MemoryDevice(BS, 100, 4 * BS);
    device.mode = { kind: 'manual' };
    const { core: c } = core(device, 2);
    const { done, complete } = recorder();
    c.queue(readOp(Vmo.create(40 * BS), 40, 0), complete);
    device.completeAt(1, Status.ERR_IO);
    device.completeAt(0, Status.ERR_TIMED_OUT);
    expect(device.waiting).toHaveLength(0);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_IO]);
  });

  it('completions inside queue: a 10 000 sub-op split does not grow the stack', () => {
    const device = new MemoryDevice(BS, 20_000, BS);
    const { core: c } = core(device, 1);
    const { done, complete } = recorder();
    let returned = false;
    c.queue(readOp(Vmo.create(10_000 * BS), 10_000, 0), (status, op) => {
      complete(status, op);
      expect(returned).toBe(false);
    });
    returned = true;
    expect(done.map((d) => d.status)).toEqual([Status.OK]);
    expect(device.issued).toHaveLength(10_000);
  });

  it('FLUSH and TRIM are never split', () => {
    const device = new MemoryDevice(BS, 64, BS);
    const { core: c } = core(device);
    c.queue(trimOp(10, 0), () => undefined);
    c.queue(flushOp(), () => undefined);
    expect(device.issued).toHaveLength(2);
  });
});

describe('BlockCore: stats', () => {
  it('counts ops, bytes, latency per opcode, errors by status, splits (fake time)', () => {
    const t = fakeTimeEnv();
    const device = new MemoryDevice(BS, 64, 4 * BS);
    device.mode = {
      kind: 'delayed',
      dispatcher: t.dispatcher,
      delayMs: (op) => (op.$tag === 'rw' ? op.rw.length : 1),
    };
    device.badBlocks = { start: 60, count: 1 };
    const { core: c } = core(device, 1);
    const vmo = Vmo.create(16 * BS);
    const noop = (): void => undefined;
    c.queue(readOp(vmo, 2, 0), noop); // 2 ms
    c.queue(readOp(vmo, 12, 0), noop); // 3 sequential sub-ops of 4 ms: 12 ms
    c.queue(writeOp(vmo, 1, 60), noop); // ERR_IO after 1 ms
    c.queue(writeOp(vmo, 4, 0), noop); // 4 ms
    c.queue(flushOp(), noop); // 1 ms
    c.queue(readOp(vmo, 1, 64), noop); // refused at once
    expect(c.inFlight).toBe(5);
    for (let i = 0; i < 20; i++) t.advance(1);
    const s = c.stats();
    expect(s.inFlight).toBe(0);
    expect(s.read).toEqual({
      ops: 3,
      errors: 1,
      bytes: 14 * BS,
      latency: { totalMs: 14, minMs: 0, maxMs: 12, meanMs: 14 / 3 },
    });
    expect(s.write).toEqual({
      ops: 2,
      errors: 1,
      bytes: 4 * BS,
      latency: { totalMs: 5, minMs: 1, maxMs: 4, meanMs: 2.5 },
    });
    expect(s.flush.ops).toBe(1);
    expect(s.trim.ops).toBe(0);
    expect(s.errors).toEqual({ ZX_ERR_IO: 1, ZX_ERR_OUT_OF_RANGE: 1 });
    expect(s.split).toEqual({ ops: 1, subOps: 3 });
  });
});

describe('BlockCore: a port that throws', () => {
  it('still completes the op once, with the thrown status', () => {
    const device = new MemoryDevice(BS, 8);
    const c = new BlockCore(
      {
        query: () => device.query(),
        queue: () => {
          throw new StatusError(Status.ERR_PEER_CLOSED, 'gone');
        },
      },
      device.query(),
    );
    const { done, complete } = recorder();
    c.queue(flushOp(), complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_PEER_CLOSED]);
    expect(c.inFlight).toBe(0);
  });
});

describe('BlockCore: lending the VMO to sub-ops (the port says how)', () => {
  /** The device behind a port that lends duplicates and records what it lent and got back. */
  function lendingPort(device: MemoryDevice, failAt = Infinity) {
    const lent: Vmo[] = [];
    const returned: Handle[] = [];
    const port: BlockImplPort = {
      query: () => device.query(),
      queue: (op, complete, arena) => device.queue(op, complete, arena),
      lending: {
        lendVmo: (vmo) => {
          if (lent.length === failAt) throw new StatusError(Status.ERR_NO_MEMORY, 'no handle');
          const dup = vmo.duplicate();
          lent.push(dup);
          return dup;
        },
        returnVmo: (back, own) => {
          returned.push(back);
          if (back !== own && !back.closed) back.close();
        },
      },
    };
    return { port, lent, returned };
  }

  it('each sub-op carries a handle lent for it, given back once; the original keeps its own', () => {
    const device = new MemoryDevice(BS, 64, 8 * BS);
    const { port, lent, returned } = lendingPort(device);
    const c = new BlockCore(port, device.query(), { splitDepth: 2 });
    const src = patternVmo(32 * BS, 9);
    const op = writeOp(src, 32, 4);
    const { done, complete } = recorder();
    c.queue(op, complete);
    expect(done).toHaveLength(1);
    expect(done[0]?.status).toBe(Status.OK);
    expect(done[0]?.op).toBe(op);
    expect(device.issued.map((i) => (i.op.$tag === 'rw' ? i.op.rw.vmo : null))).toEqual(lent);
    expect(returned).toEqual(lent);
    expect(lent.every((h) => h.closed)).toBe(true);
    expect(src.closed).toBe(false);
    expect(sha256(device.bytes.subarray(4 * BS, 36 * BS))).toBe(sha256(src.view()));
  });

  it('a sub-op that cannot be lent a handle stops the split: parts issued finish, then one error', () => {
    const device = new MemoryDevice(BS, 64, 8 * BS);
    device.mode = { kind: 'manual' };
    const { port, lent, returned } = lendingPort(device, 2);
    const c = new BlockCore(port, device.query(), { splitDepth: 4 });
    const { done, complete } = recorder();
    c.queue(readOp(Vmo.create(32 * BS), 32, 0), complete);
    expect(device.waiting).toHaveLength(2);
    expect(done).toHaveLength(0);
    device.completeAll();
    expect(done.map((d) => d.status)).toEqual([Status.ERR_NO_MEMORY]);
    expect(returned).toEqual(lent);
    expect(lent.every((h) => h.closed)).toBe(true);
    expect(c.inFlight).toBe(0);
    expect(c.stats().split).toEqual({ ops: 1, subOps: 2 });
  });

  it('refuses to split an op whose handle is not a VMO', () => {
    const device = new MemoryDevice(BS, 64, 8 * BS);
    const { core: c, errors } = core(device);
    const op = writeOp(Vmo.create(32 * BS), 32, 0);
    if (op.$tag === 'rw') op.rw.vmo = { closed: false } as unknown as Handle;
    const { done, complete } = recorder();
    c.queue(op, complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_WRONG_TYPE]);
    expect(device.issued).toHaveLength(0);
    expect(errors[0]?.message).toMatch(/not a VMO/);
  });
});
