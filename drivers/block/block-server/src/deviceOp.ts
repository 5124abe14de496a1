/**
 * One op on its way to the device: the BlockOp, the arena that travels with
 * it, and the transaction it reports to. Records are pooled and their op
 * objects reused, so a warm session builds no new op object per request;
 * the device may edit the op in place on the way down (offsets, VMO), which
 * is why every field is rewritten before each use.
 */
import type { block } from '@fdf/bindings';
import { Arena } from '@fdf/runtime';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import type { BlockDevice, BlockQueueResponse } from './blockDevice.js';
import { BlockOpcode } from './fifoProtocol.js';
import type { Transaction } from './transaction.js';

/** Where a completed op reports: the session that started it. */
export interface DeviceOpSink {
  deviceOpDone(op: DeviceOp, status: number): void;
}

/** The status an op completed with, for any value a device may hand back. */
export function completionStatus(value: unknown): number {
  if (value instanceof StatusError) return value.status;
  if (typeof value === 'number' && Number.isInteger(value) && value <= 0 && value >= -0x8000_0000) {
    return value;
  }
  return Status.ERR_INTERNAL;
}

export class DeviceOp {
  txn: Transaction | null = null;
  arena: Arena | null = null;
  /** The completion status, set when the device finished the op. */
  result: number = Status.OK;
  readonly #flush: block.BlockFlush = { command: { opcode: BlockOpcode.FLUSH, flags: 0 } };
  readonly #flushOp: block.BlockOp = { $tag: 'flush', flush: this.#flush };
  readonly #request: { op: block.BlockOp } = { op: this.#flushOp };
  #rw: block.BlockReadWrite | null = null;
  #rwOp: block.BlockOp | null = null;
  #trim: block.BlockTrim | null = null;
  #trimOp: block.BlockOp | null = null;
  readonly #onResponse: (response: BlockQueueResponse) => void;
  readonly #onError: (err: unknown) => void;

  constructor(sink: DeviceOpSink) {
    this.#onResponse = (response) => sink.deviceOpDone(this, completionStatus(response?.status));
    this.#onError = (err) => sink.deviceOpDone(this, completionStatus(err));
  }

  setReadWrite(
    opcode: number,
    flags: number,
    vmo: Vmo,
    length: number,
    devOffset: number,
    vmoOffset: number,
  ): void {
    const offsetDev = BigInt(devOffset);
    const offsetVmo = BigInt(vmoOffset);
    let rw = this.#rw;
    if (rw === null) {
      rw = {
        command: { opcode: BlockOpcode.READ, flags: 0 },
        extra: 0,
        vmo,
        length,
        offsetDev,
        offsetVmo,
      };
      this.#rw = rw;
      this.#rwOp = { $tag: 'rw', rw };
    }
    rw.command.opcode = opcode as block.BlockOpcode;
    rw.command.flags = flags;
    rw.extra = 0;
    rw.vmo = vmo;
    rw.length = length;
    rw.offsetDev = offsetDev;
    rw.offsetVmo = offsetVmo;
    this.#request.op = this.#rwOp as block.BlockOp;
  }

  setTrim(flags: number, length: number, devOffset: number): void {
    let trim = this.#trim;
    if (trim === null) {
      trim = { command: { opcode: BlockOpcode.TRIM, flags: 0 }, length: 0, offsetDev: 0n };
      this.#trim = trim;
      this.#trimOp = { $tag: 'trim', trim };
    }
    trim.command.opcode = BlockOpcode.TRIM;
    trim.command.flags = flags;
    trim.length = length;
    trim.offsetDev = BigInt(devOffset);
    this.#request.op = this.#trimOp as block.BlockOp;
  }

  setFlush(flags: number): void {
    this.#flush.command.opcode = BlockOpcode.FLUSH;
    this.#flush.command.flags = flags;
    this.#request.op = this.#flushOp;
  }

  /**
   * Hands the op to `device` with a fresh arena. The completion reaches the
   * sink exactly once, also when `queue` throws instead of rejecting.
   */
  start(device: BlockDevice): void {
    const arena = Arena.create('block-server op');
    this.arena = arena;
    let completion: Promise<BlockQueueResponse> | undefined;
    try {
      completion = device.queue(this.#request, arena);
    } catch (err) {
      completion = Promise.reject(err);
    }
    if (typeof completion?.then !== 'function') {
      completion = Promise.reject(
        new StatusError(
          Status.ERR_INTERNAL,
          'block-server: the device queue() returned no promise; it must resolve with { status, op }',
        ),
      );
    }
    void completion.then(this.#onResponse, this.#onError);
  }

  /** Drops the references the op held, before it goes back to the pool. */
  recycle(): void {
    this.arena?.release();
    this.arena = null;
    this.txn = null;
    this.result = Status.OK;
  }
}
