/**
 * A fake block device for tests: blocks in memory, ops completed on a later
 * microtask (or parked until the test releases them), an optional fault per
 * op, and a log of every op it saw. It checks what a real device checks
 * (range, transfer size, VMO bounds) so a server bug shows up as a failure.
 */
import { Status, StatusError, Vmo } from '@fdf/zx';
import type { Arena } from '@fdf/runtime';
import type {
  BlockDevice,
  BlockOp,
  BlockQueryResult,
  BlockQueueRequest,
  BlockQueueResponse,
} from '../src/blockDevice.js';

export interface SeenOp {
  tag: BlockOp['$tag'];
  opcode: number;
  flags: number;
  length: number;
  offsetDev: number;
  offsetVmo: number;
  hadArena: boolean;
}

export interface MemoryDeviceOptions {
  blockCount: number;
  blockSize: number;
  /** Bytes; ops above it fail with ERR_INVALID_ARGS, as a device that cannot split would. */
  maxTransferSize?: number;
  flags?: number;
}

interface Parked {
  request: BlockQueueRequest;
  resolve: (r: BlockQueueResponse) => void;
}

export class MemoryBlockDevice implements BlockDevice {
  readonly storage: Uint8Array;
  readonly blockCount: number;
  readonly blockSize: number;
  readonly maxTransferSize: number;
  readonly flags: number;
  readonly seen: SeenOp[] = [];
  /** While true, ops wait in `parked` until release(). */
  hold = false;
  /** A status per op (OK: run it). */
  fault: ((op: BlockOp) => Status) | null = null;
  readonly parked: Parked[] = [];
  inFlight = 0;
  maxInFlight = 0;
  #parkWaiters: { count: number; resolve: () => void }[] = [];

  constructor(opts: MemoryDeviceOptions) {
    this.blockCount = opts.blockCount;
    this.blockSize = opts.blockSize;
    this.maxTransferSize = opts.maxTransferSize ?? 0xffff_ffff;
    this.flags = opts.flags ?? 0;
    this.storage = new Uint8Array(opts.blockCount * opts.blockSize);
  }

  query(): Promise<BlockQueryResult> {
    return Promise.resolve({
      info: {
        blockCount: BigInt(this.blockCount),
        blockSize: this.blockSize,
        maxTransferSize: this.maxTransferSize,
        flags: this.flags,
      },
      opSize: 0n,
    });
  }

  queue(request: BlockQueueRequest, arena?: Arena): Promise<BlockQueueResponse> {
    const op = request.op;
    this.seen.push(this.#snapshot(op, arena !== undefined));
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<BlockQueueResponse>((resolve) => {
      if (this.hold) {
        this.parked.push({ request, resolve });
        this.#wakeParkWaiters();
      } else {
        queueMicrotask(() => resolve(this.#run(request)));
      }
    });
  }

  /** Completes the first `count` parked ops (all by default), in order. */
  release(count = this.parked.length): void {
    for (const { request, resolve } of this.parked.splice(0, count)) resolve(this.#run(request));
  }

  /** Resolves once at least `count` ops are parked. */
  parkedAtLeast(count: number): Promise<void> {
    if (this.parked.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#parkWaiters.push({ count, resolve }));
  }

  #wakeParkWaiters(): void {
    this.#parkWaiters = this.#parkWaiters.filter((w) => {
      if (this.parked.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  #snapshot(op: BlockOp, hadArena: boolean): SeenOp {
    switch (op.$tag) {
      case 'rw':
        return {
          tag: 'rw',
          opcode: op.rw.command.opcode,
          flags: op.rw.command.flags,
          length: op.rw.length,
          offsetDev: Number(op.rw.offsetDev),
          offsetVmo: Number(op.rw.offsetVmo),
          hadArena,
        };
      case 'trim':
        return {
          tag: 'trim',
          opcode: op.trim.command.opcode,
          flags: op.trim.command.flags,
          length: op.trim.length,
          offsetDev: Number(op.trim.offsetDev),
          offsetVmo: 0,
          hadArena,
        };
      case 'flush':
        return {
          tag: 'flush',
          opcode: op.flush.command.opcode,
          flags: op.flush.command.flags,
          length: 0,
          offsetDev: 0,
          offsetVmo: 0,
          hadArena,
        };
    }
  }

  #run(request: BlockQueueRequest): BlockQueueResponse {
    this.inFlight--;
    const op = request.op;
    const injected = this.fault?.(op) ?? Status.OK;
    if (injected !== Status.OK) return { status: injected, op };
    try {
      this.#execute(op);
      return { status: Status.OK, op };
    } catch (err) {
      return { status: err instanceof StatusError ? err.status : Status.ERR_INTERNAL, op };
    }
  }

  #execute(op: BlockOp): void {
    const bs = this.blockSize;
    if (op.$tag === 'flush') return;
    const length = op.$tag === 'rw' ? op.rw.length : op.trim.length;
    const dev = Number(op.$tag === 'rw' ? op.rw.offsetDev : op.trim.offsetDev);
    if (length === 0 || dev + length > this.blockCount) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `device: ${length} blocks at ${dev} out of range`,
      );
    }
    if (op.$tag === 'trim') {
      this.storage.fill(0, dev * bs, (dev + length) * bs);
      return;
    }
    if (length * bs > this.maxTransferSize) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `device: ${length} blocks exceed the max transfer`,
      );
    }
    const vmo = op.rw.vmo;
    if (!(vmo instanceof Vmo))
      throw new StatusError(Status.ERR_WRONG_TYPE, 'device: op without a VMO');
    const view = vmo.view(Number(op.rw.offsetVmo) * bs, length * bs);
    const disk = this.storage.subarray(dev * bs, (dev + length) * bs);
    if (op.rw.command.opcode === 1) view.set(disk);
    else disk.set(view);
  }
}
