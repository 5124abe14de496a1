/**
 * The shadow VMO: memory owned by zxcrypt where writes are encrypted before
 * they go down, so the client's plaintext never reaches the device and the
 * client's buffer is never changed. Each write takes a run of blocks of it
 * for the time it is in flight. When the shadow is full, writes wait in
 * arrival order and start as completions free space.
 */
import { Status, Vmo } from '@fdf/zx';

interface Waiter {
  readonly blocks: number;
  readonly grant: (start: number) => void;
  readonly cancel: (status: Status) => void;
}

interface Run {
  start: number;
  count: number;
}

export class ShadowPool {
  readonly vmo: Vmo;
  readonly blockSize: number;
  /** Capacity in blocks: the largest write zxcrypt takes. */
  readonly blocks: number;
  /** Free runs, sorted by start, never adjacent (merged on release). */
  #free: Run[];
  #waiting: Waiter[] = [];
  #granting = false;

  constructor(blockSize: number, bytes: number) {
    this.blockSize = blockSize;
    this.blocks = Math.floor(bytes / blockSize);
    this.vmo = Vmo.create(this.blocks * blockSize);
    this.#free = [{ start: 0, count: this.blocks }];
  }

  /** Writes waiting for space. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Calls `grant(start)` with `blocks` blocks of the shadow, now (returns
   * true) or once enough space is released (returns false). `blocks` must not
   * exceed the capacity.
   */
  acquire(
    blocks: number,
    grant: (start: number) => void,
    cancel: (status: Status) => void,
  ): boolean {
    // Behind earlier waiters even if this one would fit: writes start in order.
    const start = this.#waiting.length === 0 ? this.#take(blocks) : undefined;
    if (start !== undefined) {
      grant(start);
      return true;
    }
    this.#waiting.push({ blocks, grant, cancel });
    return false;
  }

  release(start: number, count: number): void {
    this.#give(start, count);
    // A grant can complete inline (a Banjo parent) and release again; the
    // outer loop keeps granting, so the stack does not grow per waiter.
    if (this.#granting) return;
    this.#granting = true;
    try {
      for (;;) {
        const next = this.#waiting[0];
        if (next === undefined) break;
        const at = this.#take(next.blocks);
        if (at === undefined) break;
        this.#waiting.shift();
        next.grant(at);
      }
    } finally {
      this.#granting = false;
    }
  }

  /** Fails every waiting write with `status` (the driver is stopping). */
  cancelWaiting(status: Status = Status.ERR_CANCELED): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w.cancel(status);
  }

  /** First fit. */
  #take(blocks: number): number | undefined {
    const i = this.#free.findIndex((r) => r.count >= blocks);
    const run = this.#free[i];
    if (run === undefined) return undefined;
    const start = run.start;
    run.start += blocks;
    run.count -= blocks;
    if (run.count === 0) this.#free.splice(i, 1);
    return start;
  }

  #give(start: number, count: number): void {
    const free = this.#free;
    let i = free.findIndex((r) => r.start > start);
    if (i < 0) i = free.length;
    free.splice(i, 0, { start, count });
    // Merge with the next run, then with the previous one.
    const next = free[i + 1];
    if (next !== undefined && start + count === next.start) {
      count += next.count;
      free.splice(i + 1, 1);
      const self = free[i];
      if (self !== undefined) self.count = count;
    }
    const prev = free[i - 1];
    const self = free[i];
    if (prev !== undefined && self !== undefined && prev.start + prev.count === self.start) {
      prev.count += self.count;
      free.splice(i, 1);
    }
  }
}
