/**
 * Per-device statistics of block-core: ops, bytes and latency per opcode,
 * errors by status, and how much splitting happened. Counted in place on
 * every completion; `snapshot()` copies them out for tools. With a sink (the
 * driver's DriverCounters) the counts, not the latencies, are mirrored there
 * as they change: `block.read`, `block.read_bytes`, `block.errors.zx_err_io`,
 * `block.split`, `block.sub_ops`.
 */
import { block } from '@fdf/bindings';
import { statusName, type Status } from '@fdf/zx';

/** Where counts are mirrored; the framework's DriverCounters fits. */
export interface CounterSink {
  add(name: string, delta?: number): void;
}

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
  readonly name: string;
  readonly bytesName: string;
  ops = 0;
  errors = 0;
  bytes = 0;
  totalMs = 0;
  minMs = Infinity;
  maxMs = 0;

  constructor(kind: string) {
    this.name = `block.${kind}`;
    this.bytesName = `block.${kind}_bytes`;
  }

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
  readonly #read = new OpStats('read');
  readonly #write = new OpStats('write');
  readonly #flush = new OpStats('flush');
  readonly #trim = new OpStats('trim');
  readonly #other = new OpStats('other');
  readonly #errors = new Map<Status, number>();
  readonly #sink: CounterSink | null;
  #splitOps = 0;
  #subOps = 0;

  constructor(sink: CounterSink | null = null) {
    this.#sink = sink;
  }

  add(opcode: number, status: Status, bytes: number, ms: number): void {
    const s = this.#of(opcode);
    s.add(status, bytes, ms);
    const sink = this.#sink;
    if (sink !== null) {
      sink.add(s.name);
      if (status === 0 && bytes > 0) sink.add(s.bytesName, bytes);
    }
    if (status !== 0) {
      this.#errors.set(status, (this.#errors.get(status) ?? 0) + 1);
      sink?.add(`block.errors.${statusName(status).toLowerCase()}`);
    }
  }

  /** An op was cut into sub-ops. */
  split(): void {
    this.#splitOps++;
    this.#sink?.add('block.split');
  }

  /** A sub-op was issued. */
  subOp(): void {
    this.#subOps++;
    this.#sink?.add('block.sub_ops');
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
      split: { ops: this.#splitOps, subOps: this.#subOps },
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
