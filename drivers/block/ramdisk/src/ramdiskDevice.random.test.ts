import { block } from '@fdf/bindings';
import { Rng, fakeTimeEnv, flushOp, resetRuntime, rw, trimOp } from '@fdf/block-lib/testing';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import type { RamdiskFaults, RamdiskTiming } from './config.js';
import { RamdiskDevice } from './ramdiskDevice.js';

afterEach(resetRuntime);

const BS = 512;
const BLOCKS = 256;
const SEEDS = [1, 2, 3, 42, 1234, 98765, 0xdecaf, 0xfeed];

function randomFaults(rng: Rng, allowDisappear: boolean): RamdiskFaults {
  const start = rng.int(0, BLOCKS - 8);
  return {
    ioErrors: rng.chance(0.7)
      ? [
          {
            blocks: { start, count: rng.int(1, 8) },
            on: rng.pick(['read', 'write', 'both'] as const),
          },
        ]
      : [],
    latencySpikes: rng.chance(0.5) ? [{ everyNthOp: rng.int(2, 7), extraMs: rng.int(1, 20) }] : [],
    ...(allowDisappear && rng.chance(0.2) ? { disappear: { afterOps: rng.int(0, 100) } } : {}),
  };
}

describe('RamdiskDevice: randomized ops and faults', () => {
  it.each(SEEDS)(
    'seed %i: every op completes exactly once; successful reads see exactly what was written',
    (seed) => {
      const rng = new Rng(seed);
      const t = fakeTimeEnv('ramdisk');
      const timing: RamdiskTiming | undefined = rng.chance(0.7)
        ? { latencyMs: rng.int(0, 5), bandwidthMiBps: rng.pick([1, 16, 256]) }
        : undefined;
      const device = new RamdiskDevice(
        {
          blockSize: BS,
          blockCount: BLOCKS,
          maxTransferSize: 32 * BS,
          ...(timing === undefined ? {} : { timing }),
        },
        { dispatcher: t.dispatcher },
      );
      // What storage must hold: applied when a write or trim completes OK, which is when the copy happens.
      const shadow = new Uint8Array(BS * BLOCKS);
      const completions = new Map<block.BlockOp, number>();
      const queued: block.BlockOp[] = [];
      let mismatches = 0;

      const complete = (status: Status, op: block.BlockOp): void => {
        completions.set(op, (completions.get(op) ?? 0) + 1);
        if (status !== Status.OK) return;
        if (op.$tag === 'rw') {
          const dev = Number(op.rw.offsetDev) * BS;
          const len = op.rw.length * BS;
          const data = (op.rw.vmo as Vmo).read(Number(op.rw.offsetVmo) * BS, len);
          if (op.rw.command.opcode === block.BlockOpcode.WRITE) shadow.set(data, dev);
          else if (Buffer.compare(data, shadow.subarray(dev, dev + len)) !== 0) mismatches++;
        } else if (op.$tag === 'trim') {
          const dev = Number(op.trim.offsetDev) * BS;
          shadow.fill(0, dev, dev + op.trim.length * BS);
        }
      };

      for (let round = 0; round < 100; round++) {
        if (rng.chance(0.15)) device.injectFaults(randomFaults(rng, round > 60));
        if (rng.chance(0.1)) device.clearFaults();
        if (rng.chance(0.03)) device.cancelPending();
        const batch = rng.int(1, 12);
        for (let i = 0; i < batch; i++) {
          const op = randomOp(rng);
          queued.push(op);
          device.queue(op, complete);
        }
        t.step(rng.int(0, 8), 1 / 8);
      }
      t.advance(5000);

      expect(device.inFlight).toBe(0);
      expect(completions.size).toBe(queued.length);
      expect([...completions.values()].every((n) => n === 1)).toBe(true);
      expect(mismatches).toBe(0);
      // Counters agree with what completed.
      const c = device.counters();
      const counted = c.ops.read + c.ops.write + c.ops.flush + c.ops.trim + c.ops.other;
      expect(counted).toBe(queued.length);
      // Storage is exactly the shadow.
      expect(Buffer.compare(device.storage.read(0, BS * BLOCKS), shadow)).toBe(0);
    },
  );
});

function randomOp(rng: Rng): block.BlockOp {
  const kind = rng.int(0, 99);
  if (kind < 5) return flushOp();
  if (kind < 12) return trimOp(rng.int(0, 16), rng.int(0, BLOCKS + 4));
  const length = rng.chance(0.05) ? rng.int(33, 40) : rng.int(rng.chance(0.02) ? 0 : 1, 32);
  // Near the end sometimes, so some ops reach past it.
  const dev = rng.chance(0.1) ? rng.int(BLOCKS - 40, BLOCKS) : rng.int(0, BLOCKS - 1);
  const vmo = Vmo.create(40 * BS);
  const opcode = rng.chance(0.02)
    ? block.BlockOpcode.CLOSE_VMO
    : rng.chance(0.5)
      ? block.BlockOpcode.READ
      : block.BlockOpcode.WRITE;
  if (opcode === block.BlockOpcode.WRITE) {
    const v = vmo.view();
    const fill = rng.int(1, 255);
    for (let i = 0; i < v.length; i += 97) v[i] = (fill + i) & 0xff;
  }
  return rw(opcode, vmo, length, dev, rng.int(0, 8));
}
