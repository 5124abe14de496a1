import { block } from '@fdf/bindings';
import { Rng, fakeTimeEnv, flushOp, resetRuntime, rw, trimOp } from '@fdf/block-lib/testing';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockCore } from './blockCore.js';
import { MemoryDevice, type CompletionMode } from './__tests__/memoryDevice.js';

afterEach(resetRuntime);

const BS = 512;
const BLOCKS = 128;
const MAX_BLOCKS = 4;
const SEEDS = [1, 7, 99, 2024, 31337, 0xbeef, 0xc0ffee, 123456789];

const CASES = SEEDS.flatMap((seed) =>
  (['immediate', 'manual', 'delayed'] as const).map((mode) => [mode, seed] as const),
);

describe('BlockCore: randomized ops, faults and completion orders', () => {
  it.each(CASES)(
    '%s, seed %i: every op completes exactly once with the expected status',
    (mode, seed) => {
      const rng = new Rng(seed);
      const t = fakeTimeEnv();
      const device = new MemoryDevice(BS, BLOCKS, MAX_BLOCKS * BS);
      const bad = rng.chance(0.8) ? { start: rng.int(0, BLOCKS - 4), count: rng.int(1, 4) } : null;
      device.badBlocks = bad;
      const modes: Record<typeof mode, CompletionMode> = {
        immediate: { kind: 'immediate' },
        manual: { kind: 'manual' },
        delayed: { kind: 'delayed', dispatcher: t.dispatcher, delayMs: () => rng.int(0, 6) },
      };
      device.mode = modes[mode];
      const core = new BlockCore(device, device.query(), { splitDepth: rng.int(1, 6) });

      const expected = new Map<block.BlockOp, Status>();
      const got = new Map<block.BlockOp, Status[]>();
      const complete = (status: Status, op: block.BlockOp): void => {
        got.set(op, [...(got.get(op) ?? []), status]);
      };

      for (let i = 0; i < 400; i++) {
        const { op, status } = randomOp(rng, bad);
        expected.set(op, status);
        core.queue(op, complete);
        // Let some work finish between ops, in a random order.
        if (device.mode.kind === 'manual') {
          while (device.waiting.length > 0 && rng.chance(0.6)) {
            device.completeAt(rng.int(0, device.waiting.length - 1));
          }
        } else if (device.mode.kind === 'delayed' && rng.chance(0.3)) {
          t.advance(rng.int(0, 3));
        }
      }
      while (device.waiting.length > 0) device.completeAt(rng.int(0, device.waiting.length - 1));
      // Delayed sub-ops of a split are issued one completion after another: let time run out.
      for (let ms = 0; ms < 1000 && core.inFlight > 0; ms++) t.advance(1);

      expect(core.inFlight).toBe(0);
      expect(got.size).toBe(expected.size);
      for (const [op, status] of expected) expect(got.get(op)).toEqual([status]);
      const s = core.stats();
      const ops = s.read.ops + s.write.ops + s.flush.ops + s.trim.ops + s.other.ops;
      expect(ops).toBe(expected.size);
      // Every sub-op the device saw fitted its max transfer size.
      expect(device.issued.every((x) => x.op.$tag !== 'rw' || x.op.rw.length <= MAX_BLOCKS)).toBe(
        true,
      );
    },
  );
});

function randomOp(
  rng: Rng,
  bad: { start: number; count: number } | null,
): { op: block.BlockOp; status: Status } {
  const kind = rng.int(0, 99);
  if (kind < 5) return { op: flushOp(), status: Status.OK };
  const length = rng.chance(0.03) ? 0 : rng.int(1, 5 * MAX_BLOCKS);
  const dev = rng.chance(0.1) ? rng.int(BLOCKS - 20, BLOCKS) : rng.int(0, BLOCKS - 1);
  const status =
    length === 0
      ? Status.ERR_INVALID_ARGS
      : dev + length > BLOCKS
        ? Status.ERR_OUT_OF_RANGE
        : bad !== null && dev < bad.start + bad.count && bad.start < dev + length
          ? Status.ERR_IO
          : Status.OK;
  if (kind < 12) return { op: trimOp(length, dev), status };
  const opcode = rng.chance(0.5) ? block.BlockOpcode.READ : block.BlockOpcode.WRITE;
  return { op: rw(opcode, Vmo.create(5 * MAX_BLOCKS * BS), length, dev), status };
}
