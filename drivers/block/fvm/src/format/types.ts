/** Shared public types of the FVM format library. */

/**
 * Reads `length` bytes at byte `offset` from the start of the FVM (the GPT
 * partition that holds it, or the whole device). May be sync or async.
 */
export type FvmRead = (offset: number, length: number) => Uint8Array | Promise<Uint8Array>;

/** Writes `bytes` at byte `offset` from the start of the FVM. May be sync or async. */
export type FvmWrite = (offset: number, bytes: Uint8Array) => void | Promise<void>;

/** The volume manager's numbers, as fuchsia.hardware.block.volume VolumeManagerInfo. */
export interface FvmInfo {
  sliceSize: number;
  /** Physical slices the FVM currently addresses. */
  sliceCount: number;
  /** Physical slices owned by some volume. */
  assignedSliceCount: number;
  /** Physical slices the allocation table could address if the FVM grew. */
  maximumSliceCount: number;
  /** Virtual slices per volume: slices 0..maxVirtualSlice-1 exist. */
  maxVirtualSlice: number;
}

/** One volume (vpartition) as the partition table describes it. */
export interface FvmVolume {
  /** The vpartition number, 1..1023: the handle every other call takes. */
  index: number;
  name: string;
  type: Uint8Array;
  instance: Uint8Array;
  sliceCount: number;
  flags: number;
  /** The INACTIVE flag: an upgrade target not yet activated. */
  inactive: boolean;
}

/** Where the metadata lives and which copy is current. */
export interface FvmMetadataInfo {
  activeCopy: 'A' | 'B';
  generation: bigint;
  majorVersion: number;
  oldestMinorVersion: number;
  /** Bytes each copy occupies; copy B starts at this offset. */
  metadataAllocatedBytes: number;
  /** Bytes of each copy that the hash covers and a write stores. */
  metadataUsedBytes: number;
  /** Byte offset of physical slice 1. */
  dataStartBytes: number;
  fvmPartitionSize: number;
}

/** One row of the slice allocation table. */
export interface SliceAllocation {
  pslice: number;
  vpartition: number;
  vslice: number;
}
