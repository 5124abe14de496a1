/**
 * One FVM volume as a block device: a sparse virtual device whose blocks
 * live in the physical slices the volume owns. Each read, write or trim is
 * mapped through the slice map (Fvm.mapOp):
 *
 * - one physical extent (the usual case): offset_dev is rewritten and the op
 *   itself goes down with its arena, and comes back with its offset restored;
 * - several extents (the op crosses slices that are not physically
 *   adjacent): one part per extent goes down, sharing the op's VMO at the
 *   right offset_vmo and the op's arena; the op completes once, after every
 *   part finished, with the first error any part reported;
 * - an unallocated slice anywhere in the op: ERR_OUT_OF_RANGE, nothing is
 *   forwarded.
 */
import { block } from '@fdf/bindings';
import type { BlockDevice, OpCompletion, ParentBlock } from '@fdf/block-lib';
import type { DriverCounters } from '@fdf/framework';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import type { ChangeGate } from './changeGate.js';
import type { Fvm } from './format/fvm.js';
import type { PhysicalExtent } from './format/mapOp.js';

/** The ops the slice map applies to: reads, writes and trims. */
type MappedOp = Exclude<block.BlockOp, { $tag: 'flush' }>;

export class VolumeDevice implements BlockDevice {
  readonly #fvm: Fvm;
  readonly #vpartition: number;
  readonly #parent: ParentBlock;
  readonly #parentInfo: block.BlockQueryResult;
  readonly #gate: ChangeGate;
  readonly #counters: DriverCounters;

  constructor(
    fvm: Fvm,
    vpartition: number,
    parent: ParentBlock,
    parentInfo: block.BlockQueryResult,
    gate: ChangeGate,
    counters: DriverCounters,
  ) {
    this.#fvm = fvm;
    this.#vpartition = vpartition;
    this.#parent = parent;
    this.#parentInfo = parentInfo;
    this.#gate = gate;
    this.#counters = counters;
  }

  /** The block count follows the allocated slices, so it changes with Extend and Shrink. */
  query(): block.BlockQueryResult {
    const { info, opSize } = this.#parentInfo;
    const blocks = this.#fvm.volumeBlockCount(this.#vpartition, info.blockSize);
    return { info: { ...info, blockCount: BigInt(blocks) }, opSize };
  }

  queue(op: block.BlockOp, arena: Arena | undefined, done: OpCompletion): void {
    this.#counters.add('block.ops');
    this.#gate.admit(
      () => this.#run(op, arena, done),
      (status) => this.#fail(status, op, done),
    );
  }

  #run(op: block.BlockOp, arena: Arena | undefined, done: OpCompletion): void {
    if (op.$tag === 'flush') {
      this.#forward(op, arena, undefined, done);
      return;
    }
    const target = op.$tag === 'rw' ? op.rw : op.trim;
    let extents: PhysicalExtent[];
    try {
      extents = this.#map(target.offsetDev, target.length);
    } catch (err) {
      this.#fail(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, op, done);
      return;
    }
    const first = extents[0];
    if (extents.length === 1 && first !== undefined) {
      const offset = target.offsetDev;
      target.offsetDev = BigInt(first.devOffsetBlocks);
      this.#forward(op, arena, offset, done);
      return;
    }
    this.#split(op, extents, arena, done);
  }

  #map(offset: bigint, length: number): PhysicalExtent[] {
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new StatusError(Status.ERR_OUT_OF_RANGE, `block ${offset} is past any volume`);
    }
    const blockSize = this.#parentInfo.info.blockSize;
    return this.#fvm.mapOp(this.#vpartition, Number(offset), length, blockSize);
  }

  /** Sends the op itself down; puts `offset` back (when given) on the way up. */
  #forward(
    op: block.BlockOp,
    arena: Arena | undefined,
    offset: bigint | undefined,
    done: OpCompletion,
  ): void {
    this.#parent.queue(op, arena, (status, returned) => {
      if (offset !== undefined) {
        if (returned.$tag === 'rw') returned.rw.offsetDev = offset;
        else if (returned.$tag === 'trim') returned.trim.offsetDev = offset;
      }
      if (status !== Status.OK) this.#counters.add('block.errors');
      done(status, returned);
    });
  }

  #split(
    op: MappedOp,
    extents: PhysicalExtent[],
    arena: Arena | undefined,
    done: OpCompletion,
  ): void {
    const vmo = op.$tag === 'rw' ? op.rw.vmo : undefined;
    if (vmo !== undefined && !(vmo instanceof Vmo)) {
      this.#fail(Status.ERR_WRONG_TYPE, op, done);
      return;
    }
    this.#counters.add('block.splits');
    // Counted before any part is queued: a Banjo parent may complete a part inline.
    let pending = extents.length;
    let result: Status = Status.OK;
    for (const extent of extents) {
      const part = this.#part(op, extent, vmo);
      this.#parent.queue(part, arena, (status, returned) => {
        if (vmo !== undefined && returned.$tag === 'rw')
          this.#parent.returnVmo(returned.rw.vmo, vmo);
        if (status !== Status.OK && result === Status.OK) result = status;
        if (--pending > 0) return;
        if (result !== Status.OK) this.#counters.add('block.errors');
        done(result, op);
      });
    }
  }

  #part(op: MappedOp, extent: PhysicalExtent, vmo: Vmo | undefined): block.BlockOp {
    const offsetDev = BigInt(extent.devOffsetBlocks);
    const length = extent.lengthBlocks;
    if (op.$tag === 'trim')
      return block.BlockOp.trim({ command: op.trim.command, length, offsetDev });
    return block.BlockOp.rw({
      command: op.rw.command,
      extra: op.rw.extra,
      // The caller checked that an rw op carries a Vmo.
      vmo: vmo === undefined ? op.rw.vmo : this.#parent.lendVmo(vmo),
      length,
      offsetDev,
      offsetVmo: op.rw.offsetVmo + BigInt(extent.opOffsetBlocks),
    });
  }

  #fail(status: Status, op: block.BlockOp, done: OpCompletion): void {
    this.#counters.add('block.errors');
    done(status, op);
  }
}
