import { Status, StatusError } from '@fdf/zx';
import {
  checkPartitionIdentity,
  checkPartitionLayout,
  decodeEntries,
  entriesCrc32,
  type GptPartition,
} from './entries.js';
import { PRIMARY_HEADER_LBA, checkBlockSize } from './geometry.js';
import {
  checkHeaderPlacement,
  decodeHeader,
  hasGptSignature,
  headerEntryBlocks,
  hex32,
  type GptHeader,
} from './header.js';
import { checkProtectiveMbr } from './mbr.js';

/** A partition table as read from a disk. */
export interface GptTable {
  blockSize: number;
  blockCount: bigint;
  /** The header of the copy the partitions came from. */
  header: GptHeader;
  partitions: GptPartition[];
  /** Which copy was used: the backup only when the primary is unusable. */
  source: 'primary' | 'backup';
  /** Everything found wrong that did not stop the read (damaged copy, MBR, mismatches). */
  problems: string[];
}

/** Reads `count` blocks from `lba`; must return exactly count x blockSize bytes. */
export type ReadBlocks = (lba: bigint, count: number) => Uint8Array;
export type ReadBlocksAsync = (lba: bigint, count: number) => Promise<Uint8Array>;

interface ReadRequest {
  lba: bigint;
  count: number;
}

/** Reading is written once, as a generator of block reads, and driven sync or async. */
type Reading<T> = Generator<ReadRequest, T, Uint8Array>;

interface Copy {
  lba: bigint;
  hasSignature: boolean;
  header: GptHeader | undefined;
  partitions: GptPartition[];
  failures: string[];
}

function* readCopy(lba: bigint, blockSize: number, blockCount: bigint): Reading<Copy> {
  const copy: Copy = { lba, hasSignature: false, header: undefined, partitions: [], failures: [] };
  const block = yield { lba, count: 1 };
  copy.hasSignature = hasGptSignature(block);
  const decoded = decodeHeader(block);
  if (decoded.header === undefined) {
    copy.failures = decoded.failures;
    return copy;
  }
  const header = decoded.header;
  copy.failures = checkHeaderPlacement(header, lba, blockSize, blockCount);
  if (copy.failures.length > 0) return copy;

  const blocks = headerEntryBlocks(header, blockSize);
  const entries =
    blocks === 0n
      ? new Uint8Array(0)
      : yield { lba: header.partitionEntryLba, count: Number(blocks) };
  const crc = entriesCrc32(entries, header.partitionEntryCount, header.partitionEntrySize);
  if (crc !== header.partitionEntryArrayCrc32) {
    copy.failures.push(
      `entry array CRC32 at LBA ${header.partitionEntryLba} is 0x${hex32(crc)} but the header expects 0x${hex32(header.partitionEntryArrayCrc32)}`,
    );
    return copy;
  }
  const partitions = decodeEntries(entries, header.partitionEntryCount, header.partitionEntrySize);
  copy.failures = checkPartitionLayout(partitions, header.firstUsableLba, header.lastUsableLba);
  if (copy.failures.length > 0) return copy;
  copy.header = header;
  copy.partitions = partitions;
  return copy;
}

function where(copy: Copy, name: string): string {
  return `${name} GPT header at LBA ${copy.lba}`;
}

/** Fields both copies must agree on (they differ only in where they live). */
function disagreements(a: GptHeader, b: GptHeader): string[] {
  const keys = [
    'diskGuid',
    'firstUsableLba',
    'lastUsableLba',
    'partitionEntryCount',
    'partitionEntrySize',
    'partitionEntryArrayCrc32',
  ] as const;
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k} ${String(a[k])} vs ${String(b[k])}`);
}

function* readTable(blockSize: number, blockCount: bigint): Reading<GptTable> {
  checkBlockSize(blockSize);
  if (blockCount < 3n) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `a device of ${blockCount} blocks is too small to hold a GPT (it needs an MBR, a header and a backup header); check the block count`,
    );
  }
  const lastLba = blockCount - 1n;
  const problems = checkProtectiveMbr(yield { lba: 0n, count: 1 });

  const primary = yield* readCopy(PRIMARY_HEADER_LBA, blockSize, blockCount);
  // The primary tells where its backup is; when it cannot be trusted, or points
  // outside the disk, the backup is where the spec puts it: the last block.
  let backupLba = lastLba;
  if (primary.header !== undefined) {
    const alt = primary.header.alternateLba;
    if (alt !== lastLba) {
      problems.push(
        `the primary header puts the backup at LBA ${alt} but the disk's last LBA is ${lastLba} (was the image resized?); move the backup to the end (sgdisk -e)`,
      );
    }
    if (alt > PRIMARY_HEADER_LBA && alt <= lastLba) backupLba = alt;
  }
  const backup = yield* readCopy(backupLba, blockSize, blockCount);

  if (primary.header !== undefined) {
    if (backup.header === undefined) {
      problems.push(
        `${where(backup, 'backup')} is unusable (${backup.failures.join('; ')}); the primary copy was used. Rebuild the backup from it: \`sgdisk -e\` on the disk or image rewrites both copies from the good one`,
      );
    } else {
      const differ = disagreements(primary.header, backup.header);
      if (differ.length > 0) {
        problems.push(
          `the primary and backup GPT copies disagree (${differ.join('; ')}); the primary copy was used. Rewrite the table so both copies match`,
        );
      }
    }
    problems.push(...checkPartitionIdentity(primary.partitions));
    return {
      blockSize,
      blockCount,
      header: primary.header,
      partitions: primary.partitions,
      source: 'primary',
      problems,
    };
  }

  if (backup.header !== undefined) {
    problems.push(
      `${where(primary, 'primary')} is unusable (${primary.failures.join('; ')}); the partitions were read from the backup at LBA ${backup.lba}. Rebuild the primary before the backup is damaged too: \`sgdisk -e\` on the disk or image rewrites both copies from the good one`,
    );
    problems.push(...checkPartitionIdentity(backup.partitions));
    return {
      blockSize,
      blockCount,
      header: backup.header,
      partitions: backup.partitions,
      source: 'backup',
      problems,
    };
  }

  if (!primary.hasSignature && !backup.hasSignature) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `no GPT on this device: neither LBA 1 nor LBA ${backup.lba} holds the 'EFI PART' signature (read with ${blockSize}-byte blocks); if the disk uses another block size say so, otherwise create a partition table (fdf disk create)`,
    );
  }
  throw new StatusError(
    Status.ERR_IO_DATA_INTEGRITY,
    `both GPT copies are damaged: the ${where(primary, 'primary')} failed (${primary.failures.join('; ')}) and the ${where(backup, 'backup')} failed (${backup.failures.join('; ')}); the partition table cannot be trusted, restore the disk from a good image or recreate the table (fdf disk create)`,
  );
}

function checkRead(bytes: Uint8Array, request: ReadRequest, blockSize: number): Uint8Array {
  const expected = request.count * blockSize;
  if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
    throw new StatusError(
      Status.ERR_IO,
      `reading ${request.count} blocks at LBA ${request.lba} returned ${bytes instanceof Uint8Array ? bytes.length : typeof bytes} bytes instead of ${expected}; the read callback must return whole blocks`,
    );
  }
  return bytes;
}

/**
 * Reads and validates the GPT of a device of `blockCount` blocks of
 * `blockSize` bytes. Checks the protective MBR, then each header copy
 * (signature, revision, header size, header CRC, its own LBA, usable range,
 * entry array placement and CRC, partitions inside the usable range and not
 * overlapping). Uses the primary copy when it passes, else the backup, and
 * says so in `problems`.
 *
 * Throws ERR_IO_DATA_INTEGRITY when both copies fail, ERR_NOT_FOUND when
 * neither holds a GPT signature at all.
 */
export function readGpt(
  read: ReadBlocks,
  blockSize: number,
  blockCount: bigint | number,
): GptTable {
  const reading = readTable(blockSize, BigInt(blockCount));
  let step = reading.next();
  while (step.done !== true) {
    step = reading.next(checkRead(read(step.value.lba, step.value.count), step.value, blockSize));
  }
  return step.value;
}

/** readGpt over an asynchronous block source (a block device, a file handle). */
export async function readGptAsync(
  read: ReadBlocksAsync,
  blockSize: number,
  blockCount: bigint | number,
): Promise<GptTable> {
  const reading = readTable(blockSize, BigInt(blockCount));
  let step = reading.next();
  while (step.done !== true) {
    step = reading.next(
      checkRead(await read(step.value.lba, step.value.count), step.value, blockSize),
    );
  }
  return step.value;
}

/** readGpt over a whole disk image held in memory. */
export function readGptFromImage(image: Uint8Array, blockSize: number): GptTable {
  checkBlockSize(blockSize);
  return readGpt(
    (lba, count) => {
      const start = Number(lba) * blockSize;
      return image.subarray(start, start + count * blockSize);
    },
    blockSize,
    Math.floor(image.length / blockSize),
  );
}
