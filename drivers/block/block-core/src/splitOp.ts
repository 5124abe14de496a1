/**
 * One READ or WRITE larger than the device's max_transfer_size, cut into
 * sub-ops of at most `maxBlocks` blocks. Sub-ops are issued in order, up to
 * `depth` at a time. The first failure stops further issuing, but the
 * original completes only once every issued sub-op has completed: until
 * then the device may still be copying into the caller's VMO.
 *
 * Completions may arrive inside `issue` (Banjo, an instant device); the
 * pump loop absorbs them instead of recursing, so a split of 10 000 sub-ops
 * does not grow the stack.
 *
 * VMOs: every sub-op carries the handle `lending` gives for this hop (the
 * caller's VMO itself by reference, a duplicate across hosts, where a handle
 * written into a message moves with it), and the handle each sub-op comes
 * back with is given back to `lending`, which closes what is not the
 * caller's. The caller's own handle is never sent, so the original op
 * returns with it. A sub-op that cannot be lent a handle is not issued: the
 * split stops with that status, as on a failed sub-op.
 */
import { block } from '@fdf/bindings';
import type { VmoLending } from '@fdf/block-lib';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import type { BlockCompletion } from './blockImplPort.js';

const BARRIERS = block.BlockIoFlag.BARRIER_BEFORE | block.BlockIoFlag.BARRIER_AFTER;

export class SplitOp {
  readonly #rw: block.BlockReadWrite;
  readonly #vmo: Vmo;
  readonly #lending: VmoLending;
  readonly #maxBlocks: number;
  readonly #depth: number;
  readonly #issue: (sub: block.BlockOp, complete: BlockCompletion) => void;
  readonly #done: (status: Status, subOps: number) => void;
  readonly #count: number;
  readonly #onSub: BlockCompletion;
  #next = 0;
  #inFlight = 0;
  #status: Status = Status.OK;
  #pumping = false;
  #finished = false;

  constructor(
    rw: block.BlockReadWrite,
    vmo: Vmo,
    lending: VmoLending,
    maxBlocks: number,
    depth: number,
    issue: (sub: block.BlockOp, complete: BlockCompletion) => void,
    done: (status: Status, subOps: number) => void,
  ) {
    this.#rw = rw;
    this.#vmo = vmo;
    this.#lending = lending;
    this.#maxBlocks = maxBlocks;
    this.#depth = depth;
    this.#issue = issue;
    this.#done = done;
    this.#count = Math.ceil(rw.length / maxBlocks);
    this.#onSub = (status, op) => {
      if (op.$tag === 'rw') this.#lending.returnVmo(op.rw.vmo, this.#vmo);
      this.#inFlight--;
      if (status !== Status.OK && this.#status === Status.OK) this.#status = status;
      if (!this.#pumping) this.#pump();
    };
  }

  /** How many sub-ops the op is cut into. */
  get count(): number {
    return this.#count;
  }

  start(): void {
    this.#pump();
  }

  #pump(): void {
    this.#pumping = true;
    while (this.#inFlight < this.#depth && this.#next < this.#count && this.#status === Status.OK) {
      let sub: block.BlockOp;
      try {
        sub = this.#sub(this.#next);
      } catch (err) {
        this.#status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
        break;
      }
      this.#next++;
      this.#inFlight++;
      this.#issue(sub, this.#onSub);
    }
    this.#pumping = false;
    const nothingLeft = this.#next === this.#count || this.#status !== Status.OK;
    if (this.#inFlight === 0 && nothingLeft && !this.#finished) {
      this.#finished = true;
      this.#done(this.#status, this.#next);
    }
  }

  /** Sub-op `i`: the same command and extra, the VMO lent for this hop, offsets advanced; barriers only at the ends. */
  #sub(i: number): block.BlockOp {
    const rw = this.#rw;
    const first = i * this.#maxBlocks;
    const length = Math.min(this.#maxBlocks, rw.length - first);
    let flags = rw.command.flags & ~BARRIERS;
    if (i === 0) flags |= rw.command.flags & block.BlockIoFlag.BARRIER_BEFORE;
    if (i === this.#count - 1) flags |= rw.command.flags & block.BlockIoFlag.BARRIER_AFTER;
    const offset = BigInt(first);
    return block.BlockOp.rw({
      command: { opcode: rw.command.opcode, flags },
      extra: rw.extra,
      vmo: this.#lending.lendVmo(this.#vmo),
      length,
      offsetDev: rw.offsetDev + offset,
      offsetVmo: rw.offsetVmo + offset,
    });
  }
}
