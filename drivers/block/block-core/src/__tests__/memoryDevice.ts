/**
 * A block device for block-core's tests: bytes in memory, a real copy into
 * and out of the op's VMO, a max transfer size it enforces, I/O errors on a
 * block range, and three ways to complete: at once (inside queue), by hand
 * (the test decides the order), or after a delay on a dispatcher.
 */
import { block } from '@fdf/bindings';
import type { Arena, Dispatcher } from '@fdf/runtime';
import { Status, type Vmo } from '@fdf/zx';
import type { BlockCompletion, BlockImplPort } from '../blockImplPort.js';

export type CompletionMode =
  | { kind: 'immediate' }
  | { kind: 'manual' }
  | { kind: 'delayed'; dispatcher: Dispatcher; delayMs: (op: block.BlockOp) => number };

export interface Issued {
  op: block.BlockOp;
  arena: Arena | null;
}

export class MemoryDevice implements BlockImplPort {
  readonly bytes: Uint8Array;
  readonly issued: Issued[] = [];
  /** Ops issued and not completed, in issue order (manual mode). */
  readonly waiting: { op: block.BlockOp; run: (forced?: Status) => void }[] = [];
  /** Ops completed, in order, with their status. */
  readonly completed: { op: block.BlockOp; status: Status }[] = [];
  badBlocks: { start: number; count: number } | null = null;
  mode: CompletionMode = { kind: 'immediate' };

  constructor(
    readonly blockSize: number,
    readonly blockCount: number,
    readonly maxTransferSize: number = block.MAX_TRANSFER_UNBOUNDED,
  ) {
    this.bytes = new Uint8Array(blockSize * blockCount);
  }

  query(): block.BlockQueryResult {
    return {
      info: {
        blockCount: BigInt(this.blockCount),
        blockSize: this.blockSize,
        maxTransferSize: this.maxTransferSize,
        flags: block.Flag.TRIM_SUPPORT,
      },
      opSize: 48n,
    };
  }

  queue(op: block.BlockOp, complete: BlockCompletion, arena: Arena | null): void {
    this.issued.push({ op, arena });
    const run = (forced?: Status): void => {
      const status = forced ?? this.#execute(op);
      this.completed.push({ op, status });
      complete(status, op);
    };
    switch (this.mode.kind) {
      case 'immediate':
        run();
        break;
      case 'manual':
        this.waiting.push({ op, run });
        break;
      case 'delayed':
        this.mode.dispatcher.postDelayed(() => run(), this.mode.delayMs(op));
        break;
    }
  }

  /** Completes waiting op `i` (manual mode), 0 = the oldest; `forced` replaces what the device would say. */
  completeAt(i: number, forced?: Status): void {
    const [w] = this.waiting.splice(i, 1);
    w?.run(forced);
  }

  completeAll(): void {
    while (this.waiting.length > 0) this.completeAt(0);
  }

  #execute(op: block.BlockOp): Status {
    const bs = this.blockSize;
    switch (op.$tag) {
      case 'rw': {
        const { length, command } = op.rw;
        const dev = Number(op.rw.offsetDev);
        if (length * bs > this.maxTransferSize) return Status.ERR_INVALID_ARGS;
        if (dev + length > this.blockCount) return Status.ERR_OUT_OF_RANGE;
        if (this.#hitsBad(dev, length)) return Status.ERR_IO;
        const vmo = op.rw.vmo as Vmo;
        const at = Number(op.rw.offsetVmo) * bs;
        const span = this.bytes.subarray(dev * bs, (dev + length) * bs);
        if (command.opcode === block.BlockOpcode.READ) vmo.write(span, at);
        else if (command.opcode === block.BlockOpcode.WRITE) vmo.read(span, at);
        else return Status.ERR_NOT_SUPPORTED;
        return Status.OK;
      }
      case 'trim': {
        const dev = Number(op.trim.offsetDev);
        if (this.#hitsBad(dev, op.trim.length)) return Status.ERR_IO;
        this.bytes.fill(0, dev * bs, (dev + op.trim.length) * bs);
        return Status.OK;
      }
      default:
        return Status.OK;
    }
  }

  #hitsBad(start: number, count: number): boolean {
    const b = this.badBlocks;
    return b !== null && start < b.start + b.count && b.start < start + count;
  }
}
