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
 */
import { block } from '@fdf/bindings';
import { Status } from '@fdf/zx';
import type { BlockCompletion } from './blockImplPort.js';

const BARRIERS = block.BlockIoFlag.BARRIER_BEFORE | block.BlockIoFlag.BARRIER_AFTER;

export class SplitOp {
  readonly #rw: block.BlockReadWrite;
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
    maxBlocks: number,
    depth: number,
    issue: (sub: block.BlockOp, complete: BlockCompletion) => void,
    done: (status: Status, subOps: number) => void,
  ) {
    this.#rw = rw;
    this.#maxBlocks = maxBlocks;
    this.#depth = depth;
    this.#issue = issue;
    this.#done = done;
    this.#count = Math.ceil(rw.length / maxBlocks);
    this.#onSub = (status) => {
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
      const sub = this.#sub(this.#next++);
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

  /** Sub-op `i`: the same command, VMO and extra, offsets advanced; barriers only at the ends. */
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
      vmo: rw.vmo,
      length,
      offsetDev: rw.offsetDev + offset,
      offsetVmo: rw.offsetVmo + offset,
    });
  }
}
