import { Status, StatusError } from '@fdf/zx';

/**
 * Where a GPT's pieces sit on a disk of a given size. The UEFI layout is fixed
 * by three numbers (block size, block count, entry array size): protective MBR
 * at LBA 0, primary header at LBA 1, primary entry array from LBA 2, then the
 * usable area, then the backup entry array and the backup header in the last
 * block.
 */

export const GPT_SIGNATURE = 'EFI PART';
export const GPT_REVISION = 0x00010000;
/** Bytes of the header that are defined (and covered by the header CRC). */
export const GPT_HEADER_SIZE = 92;
export const PRIMARY_HEADER_LBA = 1n;
export const PRIMARY_ENTRIES_LBA = 2n;
/** The entry count sgdisk and Fuchsia use, and the UEFI minimum array size (16 KiB) at 128 bytes each. */
export const DEFAULT_ENTRY_COUNT = 128;
export const ENTRY_SIZE = 128;
/**
 * Largest entry array this module reads or writes. A corrupt header can claim
 * billions of entries; refusing early keeps a bad image from turning into a
 * huge read. 1 MiB is 8192 entries of 128 bytes, far beyond any real table.
 */
export const MAX_ENTRY_ARRAY_BYTES = 1024 * 1024;

export interface GptGeometry {
  blockSize: number;
  blockCount: bigint;
  entryCount: number;
  entrySize: number;
  /** Blocks one copy of the entry array occupies. */
  entryBlocks: bigint;
  firstUsableLba: bigint;
  lastUsableLba: bigint;
  backupEntriesLba: bigint;
  backupHeaderLba: bigint;
}

/** Block sizes this module handles: powers of two from 512 to 64 KiB (GPT needs the 92-byte header in one block). */
export function checkBlockSize(blockSize: number): void {
  if (
    !Number.isInteger(blockSize) ||
    blockSize < 512 ||
    blockSize > 65536 ||
    (blockSize & (blockSize - 1)) !== 0
  ) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block size ${blockSize} is not supported; use a power of two from 512 to 65536 (usually 512 or 4096)`,
    );
  }
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Blocks needed for `entryCount` entries of `entrySize` bytes. */
export function entryArrayBlocks(blockSize: number, entryCount: number, entrySize: number): bigint {
  return ceilDiv(BigInt(entryCount) * BigInt(entrySize), BigInt(blockSize));
}

/** The smallest disk that holds both copies of the table and one usable block. */
export function minimumBlockCount(
  blockSize: number,
  entryCount = DEFAULT_ENTRY_COUNT,
  entrySize = ENTRY_SIZE,
): bigint {
  return 2n * (1n + entryArrayBlocks(blockSize, entryCount, entrySize)) + 2n;
}

/** The standard layout for a disk of `blockCount` blocks; ERR_NO_SPACE when the disk cannot hold it. */
export function gptGeometry(
  blockSize: number,
  blockCount: bigint,
  entryCount = DEFAULT_ENTRY_COUNT,
  entrySize = ENTRY_SIZE,
): GptGeometry {
  checkBlockSize(blockSize);
  const minimum = minimumBlockCount(blockSize, entryCount, entrySize);
  if (blockCount < minimum) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `a disk of ${blockCount} blocks of ${blockSize} bytes cannot hold a GPT with ${entryCount} entries; it needs at least ${minimum} blocks (${minimum * BigInt(blockSize)} bytes), make the disk bigger`,
    );
  }
  const entryBlocks = entryArrayBlocks(blockSize, entryCount, entrySize);
  const backupHeaderLba = blockCount - 1n;
  const backupEntriesLba = backupHeaderLba - entryBlocks;
  return {
    blockSize,
    blockCount,
    entryCount,
    entrySize,
    entryBlocks,
    firstUsableLba: PRIMARY_ENTRIES_LBA + entryBlocks,
    lastUsableLba: backupEntriesLba - 1n,
    backupEntriesLba,
    backupHeaderLba,
  };
}
