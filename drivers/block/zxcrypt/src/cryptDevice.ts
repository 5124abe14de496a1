/**
 * The unsealed volume as a block device: the parent's blocks after
 * zxcrypt's reserved ones, encrypted with AES-256-XTS per device block.
 *
 * - Writes: the client's blocks are encrypted into a run of the shadow VMO;
 *   the op goes down carrying the shadow (vmo, offset_vmo replaced) and its
 *   device offset (offset_dev + reserved blocks). On completion the client's
 *   VMO and offsets are put back and the shadow run is freed. Plaintext
 *   never reaches the device, and the client's buffer is never changed.
 * - Reads: the op goes down as it is, shifted past the reserved blocks; the
 *   device fills the client's VMO with ciphertext, which is decrypted in
 *   place on the way up, before the client hears of the completion.
 *
 * The XTS tweak is the block number on the device under zxcrypt, so a block
 * decrypts only where it was written.
 */
import type { KeyObject } from 'node:crypto';
import { block } from '@fdf/bindings';
import type { BlockDevice, OpCompletion, ParentBlock } from '@fdf/block-lib';
import type { DriverCounters } from '@fdf/framework';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { decryptBlocks, encryptBlocks } from './format/xts.js';
import type { ShadowPool } from './shadowPool.js';

type ReadWrite = block.BlockReadWrite;
/** Ops that address blocks: reads, writes and trims. */
type AddressedOp = Exclude<block.BlockOp, { $tag: 'flush' }>;

export class CryptDevice implements BlockDevice {
  readonly #parent: ParentBlock;
  readonly #key: KeyObject;
  readonly #reserved: bigint;
  readonly #blocks: bigint;
  readonly #blockSize: number;
  readonly #info: block.BlockQueryResult;
  readonly #shadow: ShadowPool;
  readonly #counters: DriverCounters;

  constructor(
    parent: ParentBlock,
    key: KeyObject,
    geometry: { readonly reservedBlocks: number; readonly clientBlockCount: number },
    parentInfo: block.BlockQueryResult,
    shadow: ShadowPool,
    counters: DriverCounters,
  ) {
    this.#parent = parent;
    this.#key = key;
    this.#reserved = BigInt(geometry.reservedBlocks);
    this.#blocks = BigInt(geometry.clientBlockCount);
    this.#blockSize = parentInfo.info.blockSize;
    this.#shadow = shadow;
    this.#counters = counters;
    const shadowBytes = shadow.blocks * this.#blockSize;
    this.#info = {
      info: {
        ...parentInfo.info,
        blockCount: this.#blocks,
        // A write needs shadow space for all of its blocks at once.
        maxTransferSize: Math.min(parentInfo.info.maxTransferSize, shadowBytes),
      },
      opSize: parentInfo.opSize,
    };
  }

  query(): block.BlockQueryResult {
    return this.#info;
  }

  queue(op: block.BlockOp, arena: Arena | undefined, done: OpCompletion): void {
    this.#counters.add('block.ops');
    if (op.$tag === 'flush') {
      this.#parent.queue(op, arena, this.#counted(done));
      return;
    }
    const target = op.$tag === 'rw' ? op.rw : op.trim;
    if (target.offsetDev + BigInt(target.length) > this.#blocks) {
      this.#fail(Status.ERR_OUT_OF_RANGE, op, done);
      return;
    }
    if (op.$tag === 'trim') {
      this.#shifted(op, arena, done);
      return;
    }
    const status = this.#check(op.rw);
    if (status !== Status.OK) this.#fail(status, op, done);
    else if (op.rw.length === 0) this.#shifted(op, arena, done);
    else if (op.rw.command.opcode === block.BlockOpcode.READ) this.#read(op, op.rw, arena, done);
    else this.#write(op, op.rw, arena, done);
  }

  #check(rw: ReadWrite): Status {
    const { opcode } = rw.command;
    if (opcode !== block.BlockOpcode.READ && opcode !== block.BlockOpcode.WRITE) {
      return Status.ERR_NOT_SUPPORTED;
    }
    if (!(rw.vmo instanceof Vmo)) return Status.ERR_WRONG_TYPE;
    const end = (rw.offsetVmo + BigInt(rw.length)) * BigInt(this.#blockSize);
    if (end > BigInt(rw.vmo.size)) return Status.ERR_OUT_OF_RANGE;
    if (opcode === block.BlockOpcode.WRITE && rw.length > this.#shadow.blocks) {
      // Larger than Query's max_transfer_size: the caller should have split it.
      return Status.ERR_INVALID_ARGS;
    }
    return Status.OK;
  }

  /** Trims and empty ops: only the offset changes. */
  #shifted(op: AddressedOp, arena: Arena | undefined, done: OpCompletion): void {
    const target = op.$tag === 'rw' ? op.rw : op.trim;
    const offset = target.offsetDev;
    target.offsetDev = offset + this.#reserved;
    this.#parent.queue(op, arena, (status, returned) => {
      if (returned.$tag === 'rw') returned.rw.offsetDev = offset;
      else if (returned.$tag === 'trim') returned.trim.offsetDev = offset;
      this.#counted(done)(status, returned);
    });
  }

  #read(op: block.BlockOp, rw: ReadWrite, arena: Arena | undefined, done: OpCompletion): void {
    const offset = rw.offsetDev;
    const device = offset + this.#reserved;
    rw.offsetDev = device;
    this.#parent.queue(op, arena, (status, returned) => {
      let result = status;
      if (returned.$tag === 'rw') {
        const back = returned.rw;
        back.offsetDev = offset;
        if (result === Status.OK) result = this.#decrypt(back, device);
      }
      this.#counted(done)(result, returned);
    });
  }

  /** Decrypts the blocks the device put in the client's VMO, in place. */
  #decrypt(rw: ReadWrite, device: bigint): Status {
    try {
      if (!(rw.vmo instanceof Vmo)) return Status.ERR_WRONG_TYPE;
      const bytes = rw.length * this.#blockSize;
      const view = rw.vmo.view(Number(rw.offsetVmo) * this.#blockSize, bytes);
      decryptBlocks(this.#key, Number(device), view, view, this.#blockSize);
      this.#counters.add('zxcrypt.decrypted_blocks', rw.length);
      return Status.OK;
    } catch (err) {
      return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
    }
  }

  #write(op: block.BlockOp, rw: ReadWrite, arena: Arena | undefined, done: OpCompletion): void {
    const blocks = rw.length;
    const now = this.#shadow.acquire(
      blocks,
      (start) => this.#encryptAndSend(op, rw, start, arena, done),
      (status) => this.#fail(status, op, done),
    );
    if (!now) this.#counters.add('zxcrypt.shadow_waits');
  }

  #encryptAndSend(
    op: block.BlockOp,
    rw: ReadWrite,
    start: number,
    arena: Arena | undefined,
    done: OpCompletion,
  ): void {
    const shadow = this.#shadow.vmo;
    const bs = this.#blockSize;
    const clientVmo = rw.vmo;
    const { offsetVmo, offsetDev } = rw;
    const device = offsetDev + this.#reserved;
    const blocks = rw.length;
    const bytes = blocks * bs;
    try {
      const plain = (clientVmo as Vmo).view(Number(offsetVmo) * bs, bytes, false);
      const cipher = shadow.view(start * bs, bytes);
      encryptBlocks(this.#key, Number(device), plain, cipher, bs);
    } catch (err) {
      this.#shadow.release(start, blocks);
      this.#fail(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, op, done);
      return;
    }
    this.#counters.add('zxcrypt.encrypted_blocks', blocks);
    rw.vmo = this.#parent.lendVmo(shadow);
    rw.offsetVmo = BigInt(start);
    rw.offsetDev = device;
    this.#parent.queue(op, arena, (status, returned) => {
      if (returned.$tag === 'rw') {
        const back = returned.rw;
        this.#parent.returnVmo(back.vmo, shadow);
        back.vmo = clientVmo;
        back.offsetVmo = offsetVmo;
        back.offsetDev = offsetDev;
      }
      this.#shadow.release(start, blocks);
      this.#counted(done)(status, returned);
    });
  }

  #counted(done: OpCompletion): OpCompletion {
    return (status, returned) => {
      if (status !== Status.OK) this.#counters.add('block.errors');
      done(status, returned);
    };
  }

  #fail(status: Status, op: block.BlockOp, done: OpCompletion): void {
    this.#counters.add('block.errors');
    done(status, op);
  }
}
