/**
 * The fake block device: storage in a VMO, one copy ("DMA") between it and
 * the op's VMO, an optional timing model, fault injection and counters. The
 * Banjo table and the Driver-transport server are thin adapters over this
 * one class, so both variants behave identically.
 *
 * `queue` never throws: every op completes exactly once, with a status.
 * Without a timing model (and without a latency spike on the op) it
 * completes before `queue` returns; callers must cope with that.
 */
import { block } from '@fdf/bindings';
import { env, type Task } from '@fdf/runtime';
import { Status, StatusError, Vmo, ZX_RIGHT_READ, ZX_RIGHT_WRITE, hasRights } from '@fdf/zx';
import {
  parseFaults,
  parseRamdiskConfig,
  type IoErrorFault,
  type RamdiskConfig,
  type RamdiskFaults,
  type ResolvedFaults,
  type ResolvedRamdiskConfig,
} from './config.js';
import { RamdiskCounters, type CounterSink, type RamdiskCountersSnapshot } from './counters.js';
import { FaultPlan } from './faultPlan.js';
import { describeOp } from './opText.js';
import { TimedOps, type BlockCompletion, type TimedOp } from './timedOp.js';
import { TimingModel } from './timingModel.js';

/** Where delayed completions run: the driver's dispatcher fits. */
export interface DelayScheduler {
  postDelayed(task: () => void, delayMs: number): Task;
  cancelTask(task: Task): void;
}

export interface RamdiskOptions {
  /** Needed when an op can be delayed (timing model, latency spikes); completions run there. */
  readonly dispatcher?: DelayScheduler;
  /** Existing storage (a disk image) of at least blockSize * blockCount bytes; default a new zeroed VMO. */
  readonly storage?: Vmo;
  /** Called once when the device disappears (injected fault or `remove()`). */
  readonly onRemoved?: () => void;
  /** Told why each failed op failed (the completion only carries the status). */
  readonly onError?: (error: StatusError, op: block.BlockOp) => void;
  /** Milliseconds; default the runtime clock (env.now), which tests replace with fake time. */
  readonly clock?: () => number;
  /** Where the counts are mirrored as they change (the driver's DriverCounters). */
  readonly counters?: CounterSink;
}

export class RamdiskDevice {
  readonly config: ResolvedRamdiskConfig;
  readonly #storage: Vmo;
  readonly #bytes: Uint8Array;
  readonly #scheduler: DelayScheduler | null;
  readonly #onRemoved: (() => void) | null;
  readonly #onError: ((error: StatusError, op: block.BlockOp) => void) | null;
  readonly #clock: () => number;
  readonly #timing: TimingModel;
  readonly #timed: TimedOps;
  readonly #counters: RamdiskCounters;
  #plan: FaultPlan;
  #removed = false;

  constructor(config: RamdiskConfig, options: RamdiskOptions = {}) {
    this.config = parseRamdiskConfig(config);
    const { blockSize, blockCount } = this.config;
    this.#storage = options.storage ?? Vmo.create(blockSize * blockCount);
    if (this.#storage.size < blockSize * blockCount) {
      throw new StatusError(
        Status.ERR_BUFFER_TOO_SMALL,
        `ramdisk: the storage VMO has ${this.#storage.size} bytes but ${blockCount} blocks of ${blockSize} bytes need ${blockSize * blockCount}; pass a larger VMO or fewer blocks`,
      );
    }
    this.#bytes = this.#storage.view(0, blockSize * blockCount);
    this.#scheduler = options.dispatcher ?? null;
    this.#onRemoved = options.onRemoved ?? null;
    this.#onError = options.onError ?? null;
    this.#clock = options.clock ?? env.now;
    this.#counters = new RamdiskCounters(options.counters ?? null);
    this.#timing = new TimingModel(this.config.timing);
    this.#timed = new TimedOps((t) => this.#fire(t));
    this.#plan = new FaultPlan(this.config.faults);
    if (this.config.timing !== null) this.#needScheduler('a timing model');
    if (this.config.faults.latencySpikes.length > 0) this.#needScheduler('latency spikes');
  }

  get blockSize(): number {
    return this.config.blockSize;
  }

  get blockCount(): number {
    return this.config.blockCount;
  }

  /** The storage VMO (tools write disk images into it, tests inspect it). */
  get storage(): Vmo {
    return this.#storage;
  }

  get removed(): boolean {
    return this.#removed;
  }

  /** Ops waiting for their modeled completion time. */
  get inFlight(): number {
    return this.#timed.size;
  }

  counters(): RamdiskCountersSnapshot {
    return this.#counters.snapshot(this.#timed.size);
  }

  query(): block.BlockQueryResult {
    const c = this.config;
    return {
      info: {
        blockCount: BigInt(c.blockCount),
        blockSize: c.blockSize,
        maxTransferSize: c.maxTransferSize,
        flags: c.flags,
      },
      // Ops are JS objects that carry no per-driver space: nothing to reserve.
      opSize: 0n,
    };
  }

  /** The faults injected now. */
  get faultPlan(): ResolvedFaults {
    return this.#plan.faults;
  }

  /** Replaces the injected faults; ops are counted from now on. Checked like the config's `faults`. */
  injectFaults(faults: RamdiskFaults): void {
    const resolved = parseFaults(faults, this.config.blockCount, 'ramdisk faults');
    if (resolved.latencySpikes.length > 0) this.#needScheduler('latency spikes');
    this.#plan = new FaultPlan(resolved);
  }

  clearFaults(): void {
    this.injectFaults({});
  }

  /** The device goes away: later ops, and those still in flight, fail with ZX_ERR_IO_NOT_PRESENT. */
  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#onRemoved?.();
  }

  /**
   * Completes every op still waiting for its time with `status` now (a driver
   * stopping calls this before its dispatcher shuts down, which would drop
   * the timers and leave the ops hanging).
   */
  cancelPending(status: Status = Status.ERR_CANCELED): void {
    for (const t of this.#timed.list()) {
      const { op, complete, task } = t;
      if (task !== null) {
        try {
          this.#scheduler?.cancelTask(task);
        } catch {
          // Already dropped by a dispatcher shutdown: nothing left to cancel.
        }
      }
      this.#timed.release(t);
      if (op !== null && complete !== null) this.#finish(op, complete, status, 0);
    }
  }

  queue(op: block.BlockOp, complete: BlockCompletion): void {
    const n = this.#plan.countOp();
    if (this.#removed || this.#plan.gone(n)) {
      this.remove();
      this.#fail(op, complete, Status.ERR_IO_NOT_PRESENT, 'the device has been removed');
      return;
    }
    const refused = this.#check(op);
    if (refused !== null) {
      this.#report(refused, op);
      this.#finish(op, complete, refused.status, 0);
      return;
    }
    let start = 0;
    let count = 0;
    let bytes = 0;
    let write = false;
    if (op.$tag === 'rw') {
      start = Number(op.rw.offsetDev);
      count = op.rw.length;
      bytes = count * this.config.blockSize;
      write = op.rw.command.opcode === block.BlockOpcode.WRITE;
    } else if (op.$tag === 'trim') {
      start = Number(op.trim.offsetDev);
      count = op.trim.length;
      write = true;
    }
    const ioFault = count > 0 ? this.#plan.ioError(write, start, count) : null;
    const now = this.#clock();
    const due = this.#timing.due(
      now,
      bytes,
      this.#plan.extraMs(n, start, count),
      op.$tag === 'flush',
    );
    if (due <= now || this.#scheduler === null) {
      this.#execute(op, complete, ioFault);
      return;
    }
    const t = this.#timed.acquire(op, complete);
    t.ioFault = ioFault;
    try {
      t.task = this.#scheduler.postDelayed(t.fire, due - now);
    } catch (err) {
      // The dispatcher no longer runs (the driver is stopping): the op cannot be served.
      this.#timed.release(t);
      this.#fail(
        op,
        complete,
        Status.ERR_CANCELED,
        `its completion could not be scheduled: ${String(err)}`,
      );
    }
  }

  #fire(t: TimedOp): void {
    const { op, complete, ioFault } = t;
    this.#timed.release(t);
    if (op !== null && complete !== null) this.#execute(op, complete, ioFault);
  }

  /** Does what a checked op asks, now, and completes it. */
  #execute(
    op: block.BlockOp,
    complete: BlockCompletion,
    ioFault: Required<IoErrorFault> | null,
  ): void {
    if (this.#removed) {
      this.#fail(
        op,
        complete,
        Status.ERR_IO_NOT_PRESENT,
        'the device was removed while it was in flight',
      );
      return;
    }
    if (ioFault !== null) {
      const { start, count } = ioFault.blocks;
      this.#fail(
        op,
        complete,
        Status.ERR_IO,
        `injected I/O error on blocks [${start}, ${start + count})`,
      );
      return;
    }
    const bs = this.config.blockSize;
    if (op.$tag === 'rw') {
      const rw = op.rw;
      const dev = Number(rw.offsetDev) * bs;
      const len = rw.length * bs;
      const vmo = rw.vmo as Vmo;
      try {
        // The one copy of the op: storage <-> the op's VMO.
        if (rw.command.opcode === block.BlockOpcode.READ) {
          vmo.write(this.#bytes.subarray(dev, dev + len), Number(rw.offsetVmo) * bs);
        } else {
          vmo.read(this.#bytes.subarray(dev, dev + len), Number(rw.offsetVmo) * bs);
        }
      } catch (err) {
        // The VMO was closed (or lost rights) between queue and completion.
        const status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
        this.#fail(op, complete, status, `the copy failed: ${String(err)}`);
        return;
      }
      this.#finish(op, complete, Status.OK, len);
    } else if (op.$tag === 'trim') {
      const dev = Number(op.trim.offsetDev) * bs;
      this.#bytes.fill(0, dev, dev + op.trim.length * bs);
      this.#finish(op, complete, Status.OK, 0);
    } else {
      // FLUSH: storage is memory, always durable; the timing model made it wait for the bus.
      this.#finish(op, complete, Status.OK, 0);
    }
  }

  /** Why `op` cannot run on this device, or null. Builds an error only on the refusal path. */
  #check(op: block.BlockOp): StatusError | null {
    const c = this.config;
    switch (op.$tag) {
      case 'rw': {
        const rw = op.rw;
        const opcode = rw.command.opcode;
        if (opcode !== block.BlockOpcode.READ && opcode !== block.BlockOpcode.WRITE) {
          return refuse(
            Status.ERR_NOT_SUPPORTED,
            op,
            'a rw op must be READ or WRITE; CLOSE_VMO is handled by block-server',
          );
        }
        const writing = opcode === block.BlockOpcode.WRITE;
        if (writing && (c.flags & block.Flag.READONLY) !== 0) {
          return refuse(Status.ERR_ACCESS_DENIED, op, 'the device is read-only');
        }
        const bad = this.#checkRange(op, rw.length, rw.offsetDev);
        if (bad !== null) return bad;
        if (
          c.maxTransferSize !== block.MAX_TRANSFER_UNBOUNDED &&
          rw.length * c.blockSize > c.maxTransferSize
        ) {
          return refuse(
            Status.ERR_INVALID_ARGS,
            op,
            `moves ${rw.length * c.blockSize} bytes, more than the device's max_transfer_size ${c.maxTransferSize}; split it (block-core does)`,
          );
        }
        const vmo = rw.vmo;
        if (!(vmo instanceof Vmo) || vmo.closed) {
          return refuse(Status.ERR_BAD_HANDLE, op, 'its vmo is not an open VMO handle');
        }
        // The device writes into the VMO for a READ and reads it for a WRITE.
        const needed = writing ? ZX_RIGHT_READ : ZX_RIGHT_WRITE;
        if (!hasRights(vmo.rights, needed)) {
          return refuse(
            Status.ERR_ACCESS_DENIED,
            op,
            `its VMO handle lacks the ${writing ? 'READ' : 'WRITE'} right the copy needs`,
          );
        }
        const vmoBlocks = Math.floor(vmo.size / c.blockSize);
        if (rw.offsetVmo < 0 || rw.offsetVmo > vmoBlocks - rw.length) {
          return refuse(
            Status.ERR_OUT_OF_RANGE,
            op,
            `reaches past the end of its VMO (${vmo.size} bytes, ${vmoBlocks} blocks); keep offset_vmo + length <= ${vmoBlocks}`,
          );
        }
        return null;
      }
      case 'trim': {
        if (op.trim.command.opcode !== block.BlockOpcode.TRIM) {
          return refuse(Status.ERR_INVALID_ARGS, op, 'a trim op must have the opcode TRIM');
        }
        if ((c.flags & block.Flag.TRIM_SUPPORT) === 0) {
          return refuse(
            Status.ERR_NOT_SUPPORTED,
            op,
            'the device does not support TRIM (see its TRIM_SUPPORT flag)',
          );
        }
        if ((c.flags & block.Flag.READONLY) !== 0) {
          return refuse(Status.ERR_ACCESS_DENIED, op, 'the device is read-only');
        }
        return this.#checkRange(op, op.trim.length, op.trim.offsetDev);
      }
      case 'flush':
        if (op.flush.command.opcode !== block.BlockOpcode.FLUSH) {
          return refuse(Status.ERR_INVALID_ARGS, op, 'a flush op must have the opcode FLUSH');
        }
        return null;
      default:
        return refuse(Status.ERR_INVALID_ARGS, op, 'give a BlockOp with $tag rw, trim or flush');
    }
  }

  #checkRange(op: block.BlockOp, length: number, offsetDev: bigint): StatusError | null {
    if (!Number.isInteger(length) || length < 1 || length > 0xffffffff) {
      return refuse(
        Status.ERR_INVALID_ARGS,
        op,
        'length must be a whole number of blocks from 1 to 2^32-1',
      );
    }
    const blocks = this.config.blockCount;
    // Mixed bigint/number comparisons: no BigInt is built on the hot path.
    if (offsetDev < 0 || offsetDev > blocks - length) {
      return refuse(
        Status.ERR_OUT_OF_RANGE,
        op,
        `reaches past the end of the device (${blocks} blocks of ${this.config.blockSize} bytes); keep offset_dev + length <= ${blocks}`,
      );
    }
    return null;
  }

  #fail(op: block.BlockOp, complete: BlockCompletion, status: Status, why: string): void {
    this.#report(refuse(status, op, why), op);
    this.#finish(op, complete, status, 0);
  }

  #report(error: StatusError, op: block.BlockOp): void {
    this.#onError?.(error, op);
  }

  #finish(op: block.BlockOp, complete: BlockCompletion, status: Status, bytes: number): void {
    this.#counters.count(opcodeOf(op), status, bytes);
    complete(status, op);
  }

  #needScheduler(what: string): void {
    if (this.#scheduler === null) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `ramdisk: ${what} delays completions, which needs a dispatcher; pass { dispatcher } (the driver's)`,
      );
    }
  }
}

function refuse(status: Status, op: block.BlockOp, why: string): StatusError {
  return new StatusError(status, `ramdisk: ${describeOp(op)}: ${why}`);
}

function opcodeOf(op: block.BlockOp): number {
  switch (op.$tag) {
    case 'rw':
      return op.rw.command.opcode;
    case 'trim':
      return op.trim.command.opcode;
    case 'flush':
      return op.flush.command.opcode;
    default:
      return 0;
  }
}
