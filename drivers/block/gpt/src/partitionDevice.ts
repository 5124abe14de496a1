/**
 * One GPT partition as a block device: the parent's blocks from the
 * partition's first LBA to its last. Each op is checked against the
 * partition's end before anything is forwarded (an op can never reach a
 * neighbour's blocks), shifted by the partition start and sent on with its
 * arena; on the way back the offset is put back, so the child gets its op
 * as it sent it.
 */
import { block } from '@fdf/bindings';
import type { BlockDevice, OpCompletion, ParentBlock } from '@fdf/block-lib';
import type { DriverCounters } from '@fdf/framework';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { partitionBlockCount, toDeviceBlock, type PartitionRange } from './format/bounds.js';

export class PartitionDevice implements BlockDevice {
  readonly #parent: ParentBlock;
  readonly #range: PartitionRange;
  readonly #info: block.BlockQueryResult;
  readonly #counters: DriverCounters;

  constructor(
    parent: ParentBlock,
    range: PartitionRange,
    parentInfo: block.BlockQueryResult,
    counters: DriverCounters,
  ) {
    this.#parent = parent;
    this.#range = { firstLba: range.firstLba, lastLba: range.lastLba };
    this.#counters = counters;
    this.#info = {
      info: { ...parentInfo.info, blockCount: partitionBlockCount(range) },
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
    const offset = target.offsetDev;
    let device: bigint;
    try {
      device = toDeviceBlock(this.#range, offset, target.length);
    } catch (err) {
      this.#counters.add('block.errors');
      done(StatusError.is(err) ? err.status : Status.ERR_OUT_OF_RANGE, op);
      return;
    }
    target.offsetDev = device;
    this.#parent.queue(op, arena, (status, returned) => {
      // The parent returns the op it got: the same object in this host, a decoded copy across hosts.
      if (returned.$tag === 'rw') returned.rw.offsetDev = offset;
      else if (returned.$tag === 'trim') returned.trim.offsetDev = offset;
      if (status !== Status.OK) this.#counters.add('block.errors');
      done(status, returned);
    });
  }

  #counted(done: OpCompletion): OpCompletion {
    return (status, returned) => {
      if (status !== Status.OK) this.#counters.add('block.errors');
      done(status, returned);
    };
  }
}
