import { crc32 } from './crc32.js';
import { GPT_HEADER_SIZE, GPT_REVISION, GPT_SIGNATURE, MAX_ENTRY_ARRAY_BYTES } from './geometry.js';
import { decodeGuid, encodeGuid } from './guid.js';

/**
 * The GPT header: one per copy (primary at LBA 1, backup in the last block).
 * Offsets follow the UEFI spec, all integers little-endian.
 */
export interface GptHeader {
  revision: number;
  headerSize: number;
  headerCrc32: number;
  /** The LBA this copy of the header lives at. */
  myLba: bigint;
  /** The LBA of the other copy. */
  alternateLba: bigint;
  firstUsableLba: bigint;
  lastUsableLba: bigint;
  diskGuid: string;
  /** First LBA of this copy's entry array. */
  partitionEntryLba: bigint;
  partitionEntryCount: number;
  partitionEntrySize: number;
  partitionEntryArrayCrc32: number;
}

/** The fields a writer chooses; revision, size and header CRC follow from them. */
export type GptHeaderFields = Omit<GptHeader, 'revision' | 'headerSize' | 'headerCrc32'>;

const OFF = {
  signature: 0,
  revision: 8,
  headerSize: 12,
  headerCrc32: 16,
  reserved: 20,
  myLba: 24,
  alternateLba: 32,
  firstUsableLba: 40,
  lastUsableLba: 48,
  diskGuid: 56,
  partitionEntryLba: 72,
  partitionEntryCount: 80,
  partitionEntrySize: 84,
  partitionEntryArrayCrc32: 88,
} as const;

const SIGNATURE = new TextEncoder().encode(GPT_SIGNATURE);

/** CRC of the first `size` header bytes with the CRC field taken as zero, as the spec defines it. */
function headerCrc(block: Uint8Array, size: number): number {
  const copy = block.slice(0, size);
  copy.fill(0, OFF.headerCrc32, OFF.headerCrc32 + 4);
  return crc32(copy);
}

/** One block holding `fields` as a header, with the header CRC filled in. */
export function encodeHeader(
  fields: GptHeaderFields,
  blockSize: number,
): { block: Uint8Array; header: GptHeader } {
  const block = new Uint8Array(blockSize);
  const v = new DataView(block.buffer);
  block.set(SIGNATURE, OFF.signature);
  v.setUint32(OFF.revision, GPT_REVISION, true);
  v.setUint32(OFF.headerSize, GPT_HEADER_SIZE, true);
  v.setBigUint64(OFF.myLba, fields.myLba, true);
  v.setBigUint64(OFF.alternateLba, fields.alternateLba, true);
  v.setBigUint64(OFF.firstUsableLba, fields.firstUsableLba, true);
  v.setBigUint64(OFF.lastUsableLba, fields.lastUsableLba, true);
  encodeGuid(fields.diskGuid, block, OFF.diskGuid);
  v.setBigUint64(OFF.partitionEntryLba, fields.partitionEntryLba, true);
  v.setUint32(OFF.partitionEntryCount, fields.partitionEntryCount, true);
  v.setUint32(OFF.partitionEntrySize, fields.partitionEntrySize, true);
  v.setUint32(OFF.partitionEntryArrayCrc32, fields.partitionEntryArrayCrc32, true);
  const crc = headerCrc(block, GPT_HEADER_SIZE);
  v.setUint32(OFF.headerCrc32, crc, true);
  return {
    block,
    header: { ...fields, revision: GPT_REVISION, headerSize: GPT_HEADER_SIZE, headerCrc32: crc },
  };
}

export function hasGptSignature(block: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => block[i] === b);
}

/** A header block decoded, or the reasons it cannot be trusted at all. */
export type DecodedHeader =
  { header: GptHeader; failures: [] } | { header: undefined; failures: string[] };

/**
 * Decodes a header block and checks what makes its fields meaningful:
 * signature, revision, header size and header CRC. Where the fields point is
 * checked separately (checkHeaderPlacement), against the disk.
 */
export function decodeHeader(block: Uint8Array): DecodedHeader {
  if (!hasGptSignature(block)) {
    return { header: undefined, failures: [`no '${GPT_SIGNATURE}' signature`] };
  }
  const v = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const revision = v.getUint32(OFF.revision, true);
  // Minor revisions keep the layout; a new major one would not.
  if (revision >>> 16 !== GPT_REVISION >>> 16) {
    return {
      header: undefined,
      failures: [`revision 0x${revision.toString(16).padStart(8, '0')} is not 1.x`],
    };
  }
  const headerSize = v.getUint32(OFF.headerSize, true);
  if (headerSize < GPT_HEADER_SIZE || headerSize > block.length) {
    return {
      header: undefined,
      failures: [
        `header size ${headerSize} is outside ${GPT_HEADER_SIZE}..${block.length} (the block size)`,
      ],
    };
  }
  const stored = v.getUint32(OFF.headerCrc32, true);
  const computed = headerCrc(block, headerSize);
  if (stored !== computed) {
    return {
      header: undefined,
      failures: [
        `header CRC32 is 0x${hex32(stored)} but the header's bytes give 0x${hex32(computed)}`,
      ],
    };
  }
  return {
    header: {
      revision,
      headerSize,
      headerCrc32: stored,
      myLba: v.getBigUint64(OFF.myLba, true),
      alternateLba: v.getBigUint64(OFF.alternateLba, true),
      firstUsableLba: v.getBigUint64(OFF.firstUsableLba, true),
      lastUsableLba: v.getBigUint64(OFF.lastUsableLba, true),
      diskGuid: decodeGuid(block, OFF.diskGuid),
      partitionEntryLba: v.getBigUint64(OFF.partitionEntryLba, true),
      partitionEntryCount: v.getUint32(OFF.partitionEntryCount, true),
      partitionEntrySize: v.getUint32(OFF.partitionEntrySize, true),
      partitionEntryArrayCrc32: v.getUint32(OFF.partitionEntryArrayCrc32, true),
    },
    failures: [],
  };
}

export function hex32(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/** Blocks the header's entry array spans. */
export function headerEntryBlocks(header: GptHeader, blockSize: number): bigint {
  const bytes = BigInt(header.partitionEntryCount) * BigInt(header.partitionEntrySize);
  return (bytes + BigInt(blockSize) - 1n) / BigInt(blockSize);
}

/**
 * Checks that a CRC-valid header describes a layout that fits the disk: it
 * sits where it was read, the usable range is inside the disk, and the entry
 * array is a sane size, inside the disk, and clear of the usable range and of
 * the header itself. Returns the failures (empty when the header fits).
 */
export function checkHeaderPlacement(
  header: GptHeader,
  readAt: bigint,
  blockSize: number,
  blockCount: bigint,
): string[] {
  const failures: string[] = [];
  if (header.myLba !== readAt) {
    failures.push(`header says it lives at LBA ${header.myLba} but was read from LBA ${readAt}`);
  }
  const { firstUsableLba: first, lastUsableLba: last } = header;
  if (first > last || last >= blockCount || first <= 1n) {
    failures.push(
      `usable range LBA ${first}..${last} is not inside the disk (LBA 2..${blockCount - 1n})`,
    );
  }
  const size = header.partitionEntrySize;
  // The spec allows 128 * 2^n bytes per entry.
  if (size < 128 || size % 128 !== 0 || ((size / 128) & (size / 128 - 1)) !== 0) {
    failures.push(`partition entry size ${size} is not 128 times a power of two`);
    return failures;
  }
  const arrayBytes = header.partitionEntryCount * size;
  if (arrayBytes > MAX_ENTRY_ARRAY_BYTES) {
    failures.push(
      `entry array of ${header.partitionEntryCount} x ${size} bytes is larger than the ${MAX_ENTRY_ARRAY_BYTES}-byte limit`,
    );
    return failures;
  }
  const start = header.partitionEntryLba;
  const end = start + headerEntryBlocks(header, blockSize) - 1n;
  if (arrayBytes > 0) {
    if (start <= 1n || end >= blockCount) {
      failures.push(
        `entry array at LBA ${start}..${end} is not inside the disk (LBA 2..${blockCount - 1n})`,
      );
    } else if (start <= last && end >= first) {
      failures.push(
        `entry array at LBA ${start}..${end} overlaps the usable range LBA ${first}..${last}`,
      );
    } else if (start <= readAt && end >= readAt) {
      failures.push(
        `entry array at LBA ${start}..${end} covers the header itself at LBA ${readAt}`,
      );
    }
  }
  return failures;
}
