/**
 * What block-core remembers about an op it passed down: who to tell, when
 * it started, what to count. Records are pooled and each carries its own
 * completion function, bound once, so passing an op through allocates
 * nothing in block-core.
 */
import type { block } from '@fdf/bindings';
import type { Status } from '@fdf/zx';
import type { BlockCompletion } from './blockImplPort.js';

export class OpRecord {
  complete: BlockCompletion | null = null;
  startMs = 0;
  opcode = 0;
  bytes = 0;
  next: OpRecord | null = null;
  /** Handed down with the op; runs the owner's completion for this record. */
  readonly done: BlockCompletion;

  constructor(onDone: (r: OpRecord, status: Status, op: block.BlockOp) => void) {
    this.done = (status, op) => onDone(this, status, op);
  }
}

export class OpRecordPool {
  readonly #onDone: (r: OpRecord, status: Status, op: block.BlockOp) => void;
  #free: OpRecord | null = null;

  constructor(onDone: (r: OpRecord, status: Status, op: block.BlockOp) => void) {
    this.#onDone = onDone;
  }

  acquire(complete: BlockCompletion, startMs: number, opcode: number, bytes: number): OpRecord {
    const r = this.#free ?? new OpRecord(this.#onDone);
    this.#free = r.next;
    r.next = null;
    r.complete = complete;
    r.startMs = startMs;
    r.opcode = opcode;
    r.bytes = bytes;
    return r;
  }

  release(r: OpRecord): void {
    r.complete = null;
    r.next = this.#free;
    this.#free = r;
  }
}
