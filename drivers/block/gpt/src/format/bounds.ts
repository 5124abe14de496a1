import { Status, StatusError } from '@fdf/zx';
import type { GptPartition } from './entries.js';

/** The range of a partition, as the gpt driver needs it. */
export type PartitionRange = Pick<GptPartition, 'firstLba' | 'lastLba'>;

/** Blocks in a partition (its last LBA is inclusive). */
export function partitionBlockCount(partition: PartitionRange): bigint {
  return partition.lastLba - partition.firstLba + 1n;
}

/**
 * The device block for `length` blocks at `offset` inside `partition`: what
 * the gpt driver puts in offset_dev before forwarding an op. Throws
 * ERR_OUT_OF_RANGE when any of the blocks lies past the partition's end, so an
 * op can never reach a neighbour's blocks.
 */
export function toDeviceBlock(
  partition: PartitionRange,
  offset: bigint,
  length: number | bigint,
): bigint {
  const blocks = partitionBlockCount(partition);
  const len = BigInt(length);
  if (offset < 0n || len < 0n || offset >= blocks || blocks - offset < len) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `blocks ${offset}..${offset + len - 1n} are outside the partition's ${blocks} blocks (0..${blocks - 1n}); keep offset + length within the partition (see GetInfo's block_count)`,
    );
  }
  return partition.firstLba + offset;
}
