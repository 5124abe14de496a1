/**
 * block-core's logic: turns the device's BlockImpl into the Block that the
 * drivers above use. It counts every op (per opcode: ops, bytes, latency;
 * errors by status), refuses ops outside the device before anything moves,
 * cuts READs and WRITEs larger than max_transfer_size into sub-ops, and
 * passes everything else through untouched (same op object, same arena).
 *
 * `queue` never throws and completes every op exactly once. A completion may
 * run before `queue` returns when the device below completes at once.
 */
import { block } from '@fdf/bindings';
import { vmoLending, type VmoLending } from '@fdf/block-lib';
import { env, type Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import type { BlockCompletion, BlockImplPort } from './blockImplPort.js';
import { BlockStats, type BlockStatsSnapshot, type CounterSink } from './blockStats.js';
import { OpRecordPool, type OpRecord } from './opRecord.js';
import { SplitOp } from './splitOp.js';

export interface BlockCoreOptions {
  /** Sub-ops of one split op in flight at once (issued in order). Default 4; 1 is strictly sequential. */
  readonly splitDepth?: number;
  /** Milliseconds; default the runtime clock (env.now), which tests replace with fake time. */
  readonly clock?: () => number;
  /** Told why block-core refused an op (the completion only carries the status). */
  readonly onError?: (error: StatusError, op: block.BlockOp) => void;
  /** Where the counts are mirrored as they change (the driver's DriverCounters). */
  readonly counters?: CounterSink;
}

export const DEFAULT_SPLIT_DEPTH = 4;

export class BlockCore {
  readonly #port: BlockImplPort;
  readonly #lending: VmoLending;
  readonly #device: block.BlockQueryResult;
  readonly #blockCount: number;
  readonly #blockSize: number;
  /** Largest READ/WRITE the device takes, in blocks (Infinity when unbounded). */
  readonly #maxBlocks: number;
  readonly #depth: number;
  readonly #clock: () => number;
  readonly #onError: ((error: StatusError, op: block.BlockOp) => void) | null;
  readonly #stats: BlockStats;
  readonly #records: OpRecordPool;
  #inFlight = 0;

  /** Asks the device for its geometry (over any transport), then builds the core. */
  static async create(port: BlockImplPort, options: BlockCoreOptions = {}): Promise<BlockCore> {
    return new BlockCore(port, await port.query(), options);
  }

  constructor(port: BlockImplPort, device: block.BlockQueryResult, options: BlockCoreOptions = {}) {
    const { blockSize, maxTransferSize, blockCount } = device.info;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `block-core: the device reports block_size ${blockSize}; a block device needs a positive block size`,
      );
    }
    if (blockCount > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `block-core: the device reports ${blockCount} blocks, more than block-core can address (2^53 - 1)`,
      );
    }
    if (maxTransferSize !== block.MAX_TRANSFER_UNBOUNDED && maxTransferSize < blockSize) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `block-core: the device reports max_transfer_size ${maxTransferSize}, less than one block (${blockSize} bytes); it must take at least one block per op, or report MAX_TRANSFER_UNBOUNDED`,
      );
    }
    const depth = options.splitDepth ?? DEFAULT_SPLIT_DEPTH;
    if (!Number.isSafeInteger(depth) || depth < 1) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `block-core: splitDepth ${depth} is not a positive integer; use 1 for strictly sequential sub-ops`,
      );
    }
    this.#port = port;
    // A port without a lending rule passes VMOs by reference (Banjo, Driver transport).
    this.#lending = port.lending ?? vmoLending('driver');
    this.#device = device;
    this.#blockCount = Number(blockCount);
    this.#blockSize = blockSize;
    this.#maxBlocks =
      maxTransferSize === block.MAX_TRANSFER_UNBOUNDED
        ? Infinity
        : Math.floor(maxTransferSize / blockSize);
    this.#depth = depth;
    this.#clock = options.clock ?? env.now;
    this.#onError = options.onError ?? null;
    this.#stats = new BlockStats(options.counters ?? null);
    this.#records = new OpRecordPool((r, status, op) => this.#passedThroughDone(r, status, op));
  }

  /** The device's own answer to Query. */
  get device(): block.BlockQueryResult {
    return this.#device;
  }

  /** Ops queued here and not completed yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * What drivers above see: the device's geometry, with transfers unbounded
   * (block-core splits what the device cannot take in one piece).
   */
  query(): block.BlockQueryResult {
    return {
      info: { ...this.#device.info, maxTransferSize: block.MAX_TRANSFER_UNBOUNDED },
      opSize: this.#device.opSize,
    };
  }

  stats(): BlockStatsSnapshot {
    return this.#stats.snapshot(this.#inFlight);
  }

  queue(op: block.BlockOp, complete: BlockCompletion, arena: Arena | null = null): void {
    const startMs = this.#clock();
    this.#inFlight++;
    let opcode = 0;
    let bytes = 0;
    if (op.$tag === 'rw') {
      const rw = op.rw;
      opcode = rw.command.opcode;
      const refused = this.#checkRange(op, rw.length, rw.offsetDev);
      if (refused !== null) {
        this.#refuse(refused, op, complete, startMs);
        return;
      }
      bytes = rw.length * this.#blockSize;
      const moves = opcode === block.BlockOpcode.READ || opcode === block.BlockOpcode.WRITE;
      if (moves && rw.length > this.#maxBlocks) {
        if (!(rw.vmo instanceof Vmo)) {
          const why =
            'carries a handle that is not a VMO; block-core splits it into parts, each lent the VMO';
          this.#refuse(
            this.#error(Status.ERR_WRONG_TYPE, op, rw.length, rw.offsetDev, why),
            op,
            complete,
            startMs,
          );
          return;
        }
        this.#split(op, rw, rw.vmo, complete, arena, startMs, bytes);
        return;
      }
    } else if (op.$tag === 'trim') {
      opcode = op.trim.command.opcode;
      const refused = this.#checkRange(op, op.trim.length, op.trim.offsetDev);
      if (refused !== null) {
        this.#refuse(refused, op, complete, startMs);
        return;
      }
    } else if (op.$tag === 'flush') {
      opcode = op.flush.command.opcode;
    }
    const r = this.#records.acquire(complete, startMs, opcode, bytes);
    this.#issue(op, r.done, arena);
  }

  /** Hands `op` down; a port that throws (it must not) still completes the op. */
  #issue(op: block.BlockOp, done: BlockCompletion, arena: Arena | null): void {
    try {
      this.#port.queue(op, done, arena);
    } catch (err) {
      done(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, op);
    }
  }

  #passedThroughDone(r: OpRecord, status: Status, op: block.BlockOp): void {
    const complete = r.complete;
    this.#stats.add(r.opcode, status, r.bytes, this.#clock() - r.startMs);
    this.#records.release(r);
    this.#inFlight--;
    complete?.(status, op);
  }

  #split(
    op: block.BlockOp,
    rw: block.BlockReadWrite,
    vmo: Vmo,
    complete: BlockCompletion,
    arena: Arena | null,
    startMs: number,
    bytes: number,
  ): void {
    this.#stats.split();
    const split = new SplitOp(
      rw,
      vmo,
      this.#lending,
      this.#maxBlocks,
      this.#depth,
      (sub, done) => {
        this.#stats.subOp();
        this.#issue(sub, done, arena);
      },
      (status) => {
        this.#stats.add(rw.command.opcode, status, bytes, this.#clock() - startMs);
        this.#inFlight--;
        // The original op, with the caller's own VMO handle: no sub-op sent that one.
        complete(status, op);
      },
    );
    split.start();
  }

  #checkRange(op: block.BlockOp, length: number, offsetDev: bigint): StatusError | null {
    if (!Number.isInteger(length) || length < 1) {
      return this.#error(
        Status.ERR_INVALID_ARGS,
        op,
        length,
        offsetDev,
        'moves no blocks; give a length of at least 1',
      );
    }
    // A mixed bigint/number comparison: no BigInt is built per op.
    if (offsetDev < 0 || offsetDev > this.#blockCount - length) {
      return this.#error(
        Status.ERR_OUT_OF_RANGE,
        op,
        length,
        offsetDev,
        `reaches past the end of the device (${this.#blockCount} blocks); keep offset_dev + length <= ${this.#blockCount}`,
      );
    }
    return null;
  }

  #error(
    status: Status,
    op: block.BlockOp,
    length: number,
    offsetDev: bigint,
    why: string,
  ): StatusError {
    const name = block.BlockOpcodeEnum.nameOf(opcodeOf(op)) ?? `opcode ${opcodeOf(op)}`;
    return new StatusError(
      status,
      `block-core: ${name} of ${length} blocks at device block ${offsetDev} ${why}`,
    );
  }

  #refuse(error: StatusError, op: block.BlockOp, complete: BlockCompletion, startMs: number): void {
    this.#onError?.(error, op);
    this.#stats.add(opcodeOf(op), error.status, 0, this.#clock() - startMs);
    this.#inFlight--;
    complete(error.status, op);
  }
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
