/**
 * An op waiting for its modeled completion time, and the list of them. The
 * records are pooled and each carries its own `fire` function, bound once,
 * so a timed op costs the runtime's Task and nothing else.
 */
import type { block } from '@fdf/bindings';
import type { Task } from '@fdf/runtime';
import type { Status } from '@fdf/zx';
import type { IoErrorFault } from './config.js';

export type BlockCompletion = (status: Status, op: block.BlockOp) => void;

export class TimedOp {
  op: block.BlockOp | null = null;
  complete: BlockCompletion | null = null;
  /** The injected I/O error this op hit at queue time, if any. */
  ioFault: Required<IoErrorFault> | null = null;
  task: Task | null = null;
  prev: TimedOp | null = null;
  next: TimedOp | null = null;
  /** Handed to postDelayed; runs the owner's completion for this record. */
  readonly fire: () => void;

  constructor(onFire: (t: TimedOp) => void) {
    this.fire = () => onFire(this);
  }
}

/** The ops in flight (a doubly linked list through the records) plus a free list. */
export class TimedOps {
  readonly #onFire: (t: TimedOp) => void;
  #head: TimedOp | null = null;
  #free: TimedOp | null = null;
  #size = 0;

  constructor(onFire: (t: TimedOp) => void) {
    this.#onFire = onFire;
  }

  get size(): number {
    return this.#size;
  }

  acquire(op: block.BlockOp, complete: BlockCompletion): TimedOp {
    const t = this.#free ?? new TimedOp(this.#onFire);
    this.#free = t === this.#free ? t.next : this.#free;
    t.op = op;
    t.complete = complete;
    t.ioFault = null;
    t.task = null;
    t.prev = null;
    t.next = this.#head;
    if (this.#head !== null) this.#head.prev = t;
    this.#head = t;
    this.#size++;
    return t;
  }

  /** Unlinks `t` and puts it back in the pool; the caller has read what it needs. */
  release(t: TimedOp): void {
    if (t.prev !== null) t.prev.next = t.next;
    else this.#head = t.next;
    if (t.next !== null) t.next.prev = t.prev;
    this.#size--;
    t.op = null;
    t.complete = null;
    t.ioFault = null;
    t.task = null;
    t.prev = null;
    t.next = this.#free;
    this.#free = t;
  }

  /** The records in flight now, oldest last (a copy: the caller may release while iterating). */
  list(): TimedOp[] {
    const out: TimedOp[] = [];
    for (let t = this.#head; t !== null; t = t.next) out.push(t);
    return out;
  }
}
