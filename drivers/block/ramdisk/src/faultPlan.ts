/**
 * The faults a ramdisk injects, and the op counter they are measured from.
 * A plan is installed whole (at creation or by injectFaults) and counts ops
 * from then on, so "disappear after 10 ops" means 10 more ops.
 */
import type { IoErrorFault, LatencySpike, ResolvedFaults } from './config.js';

export class FaultPlan {
  readonly #faults: ResolvedFaults;
  #ops = 0;

  constructor(faults: ResolvedFaults) {
    this.#faults = faults;
  }

  get faults(): ResolvedFaults {
    return this.#faults;
  }

  /** Counts one op reaching the device; returns its number (1-based) under this plan. */
  countOp(): number {
    return ++this.#ops;
  }

  /** True when op number `n` comes after the device disappeared. */
  gone(n: number): boolean {
    const d = this.#faults.disappear;
    return d !== null && n > d.afterOps;
  }

  /** The I/O error fault that op blocks [start, start + count) hit, or null. */
  ioError(write: boolean, start: number, count: number): Required<IoErrorFault> | null {
    for (const f of this.#faults.ioErrors) {
      if (f.on !== 'both' && (f.on === 'write') !== write) continue;
      if (overlaps(f.blocks.start, f.blocks.count, start, count)) return f;
    }
    return null;
  }

  /** Extra delay for op number `n` touching [start, start + count) (count 0: touches no blocks). */
  extraMs(n: number, start: number, count: number): number {
    let extra = 0;
    for (const s of this.#faults.latencySpikes) if (hits(s, n, start, count)) extra += s.extraMs;
    return extra;
  }
}

function hits(s: LatencySpike, n: number, start: number, count: number): boolean {
  if (s.everyNthOp !== undefined) return n % s.everyNthOp === 0;
  return s.blocks !== undefined && overlaps(s.blocks.start, s.blocks.count, start, count);
}

function overlaps(aStart: number, aCount: number, bStart: number, bCount: number): boolean {
  return bCount > 0 && bStart < aStart + aCount && aStart < bStart + bCount;
}
