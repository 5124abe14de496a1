/**
 * The FVM header (superblock): the first 104 bytes of each metadata copy, and
 * the geometry every other offset is computed from.
 */
import {
  ALLOCATION_TABLE_OFFSET,
  FVM_BLOCK_SIZE,
  FVM_MAGIC,
  FVM_MAJOR_VERSION,
  HASH_SIZE,
  HEADER_HASH_OFFSET,
  HEADER_SIZE,
  MAX_ALLOCATION_TABLE_SIZE,
  MAX_SLICE_SIZE,
  MAX_VSLICES,
  PARTITION_TABLE_SIZE,
  SLICE_ENTRY_SIZE,
} from './constants.js';

/** The decoded header of one metadata copy. */
export interface FvmHeader {
  majorVersion: number;
  /** Physical slices the allocation table currently addresses (numbered 1..psliceCount). */
  psliceCount: number;
  sliceSize: number;
  /** Bytes of the device the FVM uses: both metadata copies plus the slices. */
  fvmPartitionSize: number;
  vpartitionTableSize: number;
  /** Bytes reserved for the allocation table; may exceed what psliceCount needs (room to grow). */
  allocationTableSize: number;
  /** Bumped on every metadata write; the valid copy with the larger one is current. */
  generation: bigint;
  oldestMinorVersion: number;
}

// Field offsets inside the header. The hash sits between generation and
// oldest_minor_version, as in the real struct.
const MAGIC = 0;
const MAJOR_VERSION = 8;
const PSLICE_COUNT = 16;
const SLICE_SIZE = 24;
const FVM_PARTITION_SIZE = 32;
const VPARTITION_TABLE_SIZE = 40;
const ALLOCATION_TABLE_SIZE = 48;
const GENERATION = 56;
const OLDEST_MINOR_VERSION = HEADER_HASH_OFFSET + HASH_SIZE;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Allocation table bytes needed to address `slices` physical slices. Entry 0
 * is unused (pslices count from 1), hence the +1.
 */
export function allocationTableBytesFor(slices: number): number {
  return roundUp(SLICE_ENTRY_SIZE * (slices + 1), FVM_BLOCK_SIZE);
}

/** Bytes one metadata copy occupies on disk; copy B starts here. */
export function metadataAllocatedBytes(header: FvmHeader): number {
  return ALLOCATION_TABLE_OFFSET + header.allocationTableSize;
}

/**
 * Bytes of a copy that carry data, the range the hash covers and a write
 * stores. Unlike the real FVM this always includes the last slice entry
 * (README: "Differences").
 */
export function metadataUsedBytes(header: FvmHeader): number {
  return ALLOCATION_TABLE_OFFSET + allocationTableBytesFor(header.psliceCount);
}

/** Where physical slice 1 begins: after both metadata copies. */
export function dataStartBytes(header: FvmHeader): number {
  return 2 * metadataAllocatedBytes(header);
}

/** Byte offset of physical slice `pslice` (1-based) from the start of the FVM. */
export function sliceDataOffset(header: FvmHeader, pslice: number): number {
  return dataStartBytes(header) + (pslice - 1) * header.sliceSize;
}

export function encodeHeader(header: FvmHeader, out: Uint8Array): void {
  const v = view(out);
  out.fill(0, 0, HEADER_SIZE);
  v.setBigUint64(MAGIC, FVM_MAGIC, true);
  v.setBigUint64(MAJOR_VERSION, BigInt(header.majorVersion), true);
  v.setBigUint64(PSLICE_COUNT, BigInt(header.psliceCount), true);
  v.setBigUint64(SLICE_SIZE, BigInt(header.sliceSize), true);
  v.setBigUint64(FVM_PARTITION_SIZE, BigInt(header.fvmPartitionSize), true);
  v.setBigUint64(VPARTITION_TABLE_SIZE, BigInt(header.vpartitionTableSize), true);
  v.setBigUint64(ALLOCATION_TABLE_SIZE, BigInt(header.allocationTableSize), true);
  v.setBigUint64(GENERATION, header.generation, true);
  v.setBigUint64(OLDEST_MINOR_VERSION, BigInt(header.oldestMinorVersion), true);
}

/**
 * The two table sizes alone. Copy B is located from copy A's sizes, even when
 * the rest of copy A is damaged, so these are read without other checks.
 */
export function readTableSizes(bytes: Uint8Array): {
  vpartitionTableSize: bigint;
  allocationTableSize: bigint;
} {
  const v = view(bytes);
  return {
    vpartitionTableSize: v.getBigUint64(VPARTITION_TABLE_SIZE, true),
    allocationTableSize: v.getBigUint64(ALLOCATION_TABLE_SIZE, true),
  };
}

/** Why these table sizes cannot be used to find copy B, or undefined when they can. */
export function tableSizeProblem(sizes: {
  vpartitionTableSize: bigint;
  allocationTableSize: bigint;
}): string | undefined {
  if (sizes.vpartitionTableSize !== BigInt(PARTITION_TABLE_SIZE)) {
    return `partition table size is ${sizes.vpartitionTableSize}, expected ${PARTITION_TABLE_SIZE}`;
  }
  const alloc = sizes.allocationTableSize;
  if (alloc === 0n || alloc % BigInt(FVM_BLOCK_SIZE) !== 0n) {
    return `allocation table size ${alloc} is not a nonzero multiple of ${FVM_BLOCK_SIZE}`;
  }
  if (alloc > BigInt(MAX_ALLOCATION_TABLE_SIZE)) {
    return `allocation table size ${alloc} exceeds this implementation's limit of ${MAX_ALLOCATION_TABLE_SIZE} bytes`;
  }
  return undefined;
}

/**
 * Decodes and checks one header against itself and the device. Returns the
 * header, or a sentence saying what is wrong with it. The hash is checked by
 * the caller, which holds the whole copy.
 */
export function decodeHeader(bytes: Uint8Array, diskBytes: number): FvmHeader | string {
  if (bytes.byteLength < HEADER_SIZE)
    return `only ${bytes.byteLength} bytes, a header needs ${HEADER_SIZE}`;
  const v = view(bytes);
  const magic = v.getBigUint64(MAGIC, true);
  if (magic !== FVM_MAGIC) return `bad magic 0x${magic.toString(16)} (not an FVM header)`;

  let problem: string | undefined;
  const field = (offset: number, name: string): number => {
    const value = v.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      problem ??= `${name} ${value} is too large`;
      return 0;
    }
    return Number(value);
  };
  const header: FvmHeader = {
    majorVersion: field(MAJOR_VERSION, 'major version'),
    psliceCount: field(PSLICE_COUNT, 'pslice count'),
    sliceSize: field(SLICE_SIZE, 'slice size'),
    fvmPartitionSize: field(FVM_PARTITION_SIZE, 'fvm partition size'),
    vpartitionTableSize: field(VPARTITION_TABLE_SIZE, 'partition table size'),
    allocationTableSize: field(ALLOCATION_TABLE_SIZE, 'allocation table size'),
    generation: v.getBigUint64(GENERATION, true),
    oldestMinorVersion: field(OLDEST_MINOR_VERSION, 'oldest minor version'),
  };
  return problem ?? geometryProblem(header, diskBytes) ?? header;
}

/** The real Header::IsValid checks, in its order, plus our size limits. */
function geometryProblem(h: FvmHeader, diskBytes: number): string | undefined {
  if (h.majorVersion > FVM_MAJOR_VERSION) {
    return `major version ${h.majorVersion} is newer than this driver's ${FVM_MAJOR_VERSION}`;
  }
  if (h.psliceCount > MAX_VSLICES) return `pslice count ${h.psliceCount} exceeds ${MAX_VSLICES}`;
  if (h.sliceSize === 0 || h.sliceSize % FVM_BLOCK_SIZE !== 0 || h.sliceSize > MAX_SLICE_SIZE) {
    return `slice size ${h.sliceSize} is not a nonzero multiple of ${FVM_BLOCK_SIZE} up to ${MAX_SLICE_SIZE}`;
  }
  const tables = tableSizeProblem({
    vpartitionTableSize: BigInt(h.vpartitionTableSize),
    allocationTableSize: BigInt(h.allocationTableSize),
  });
  if (tables !== undefined) return tables;
  const needed = allocationTableBytesFor(h.psliceCount);
  if (h.allocationTableSize < needed) {
    return `allocation table of ${h.allocationTableSize} bytes cannot address ${h.psliceCount} slices (needs ${needed})`;
  }
  if (h.fvmPartitionSize > diskBytes) {
    return `fvm partition size ${h.fvmPartitionSize} exceeds the device's ${diskBytes} bytes`;
  }
  const required = dataStartBytes(h) + h.psliceCount * h.sliceSize;
  if (required > h.fvmPartitionSize) {
    return `metadata and ${h.psliceCount} slices need ${required} bytes, more than the fvm partition size ${h.fvmPartitionSize}`;
  }
  return undefined;
}
