/**
 * Per-device statistics of block-core: ops, bytes and latency per opcode,
 * errors by status, and how much splitting happened. Counted in place on
 * every completion; `snapshot()` copies them out for tools.
 */
import { block } from '@fdf/bindings';
import { statusName, type Status } from '@fdf/zx';

export interface OpStatsSnapshot {
  /** Completed ops (each original op once, however many sub-ops it took). */
  readonly ops: number;
  /** Ops that completed with an error. */
  readonly errors: number;
  /** Bytes moved by successful ops. */
  readonly bytes: number;
  /** From queue to completion, in ms on the runtime clock. */
  readonly latency: {
    readonly totalMs: number;
    readonly minMs: number;
    readonly maxMs: number;
    readonly meanMs: number;
  };
}

export interface BlockStatsSnapshot {
  readonly read: OpStatsSnapshot;
  readonly write: OpStatsSnapshot;
  readonly flush: OpStatsSnapshot;
  readonly trim: OpStatsSnapshot;
  /** Any other opcode (passed through to the device). */
  readonly other: OpStatsSnapshot;
  /** Failed ops by status name. */
  readonly errors: Record<string, number>;
  /** Ops larger than max_transfer_size, and the sub-ops they were cut into. */
  readonly split: { readonly ops: number; readonly subOps: number };
  readonly inFlight: number;
}

class OpStats {
  ops = 0;
  errors = 0;
  bytes = 0;
  totalMs = 0;
  minMs = Infinity;
  maxMs = 0;

  add(status: Status, bytes: number, ms: number): void {
    this.ops++;
    if (status === 0) this.bytes += bytes;
    else this.errors++;
    this.totalMs += ms;
    if (ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  snapshot(): OpStatsSnapshot {
    return {
      ops: this.ops,
      errors: this.errors,
      bytes: this.bytes,
      latency: {
        totalMs: this.totalMs,
        minMs: this.ops === 0 ? 0 : this.minMs,
        maxMs: this.maxMs,
        meanMs: this.ops === 0 ? 0 : this.totalMs / this.ops,
      },
    };
  }
}

export class BlockStats {
  readonly #read = new OpStats();
  readonly #write = new OpStats();
  readonly #flush = new OpStats();
  readonly #trim = new OpStats();
  readonly #other = new OpStats();
  readonly #errors = new Map<Status, number>();
  splitOps = 0;
  subOps = 0;

  add(opcode: number, status: Status, bytes: number, ms: number): void {
    this.#of(opcode).add(status, bytes, ms);
    if (status !== 0) this.#errors.set(status, (this.#errors.get(status) ?? 0) + 1);
  }

  snapshot(inFlight: number): BlockStatsSnapshot {
    const errors: Record<string, number> = {};
    for (const [status, n] of this.#errors) errors[statusName(status)] = n;
    return {
      read: this.#read.snapshot(),
      write: this.#write.snapshot(),
      flush: this.#flush.snapshot(),
      trim: this.#trim.snapshot(),
      other: this.#other.snapshot(),
      errors,
      split: { ops: this.splitOps, subOps: this.subOps },
      inFlight,
    };
  }

  #of(opcode: number): OpStats {
    switch (opcode) {
      case block.BlockOpcode.READ:
        return this.#read;
      case block.BlockOpcode.WRITE:
        return this.#write;
      case block.BlockOpcode.FLUSH:
        return this.#flush;
      case block.BlockOpcode.TRIM:
        return this.#trim;
      default:
        return this.#other;
    }
  }
}
