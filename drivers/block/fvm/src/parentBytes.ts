/**
 * The FVM format library reads and writes metadata by byte offset from the
 * FVM's start; the parent moves whole blocks. Reads are widened to whole
 * blocks and trimmed; writes must be whole blocks already, which they are:
 * metadata copies start and end on 8192-byte boundaries and the driver only
 * runs on block sizes dividing 8192.
 */
import { readBlocks, writeBlocks, type ParentBlock } from '@fdf/block-lib';
import type { DriverCounters } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import type { FvmRead, FvmWrite } from './format/types.js';

export interface ParentBytes {
  readonly read: FvmRead;
  readonly write: FvmWrite;
}

export function parentBytes(
  parent: ParentBlock,
  blockSize: number,
  counters: DriverCounters,
): ParentBytes {
  return {
    read: async (offset, length) => {
      const first = Math.floor(offset / blockSize);
      const end = Math.ceil((offset + length) / blockSize);
      if (end === first) return new Uint8Array(0);
      const bytes = await readBlocks(parent, blockSize, BigInt(first), end - first);
      const skip = offset - first * blockSize;
      return bytes.subarray(skip, skip + length);
    },
    write: async (offset, bytes) => {
      if (offset % blockSize !== 0 || bytes.length % blockSize !== 0) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `FVM metadata write of ${bytes.length} bytes at ${offset} is not whole ${blockSize}-byte blocks; metadata is written in 8192-byte units, so use a block size that divides 8192`,
        );
      }
      counters.add('fvm.metadata_writes');
      await writeBlocks(parent, blockSize, BigInt(offset / blockSize), bytes);
    },
  };
}
