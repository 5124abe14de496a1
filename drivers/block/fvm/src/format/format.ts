/**
 * Creating an empty FVM: both metadata copies, identical, generation 0, no
 * volumes. The geometry follows the real Header::FromGrowableDiskSize.
 */
import { Status, StatusError } from '@fdf/zx';
import {
  FVM_BLOCK_SIZE,
  FVM_MAJOR_VERSION,
  FVM_MINOR_VERSION,
  MAX_ALLOCATION_TABLE_SIZE,
  MAX_SLICE_SIZE,
  MAX_VPARTITIONS,
  PARTITION_TABLE_SIZE,
} from './constants.js';
import {
  allocationTableBytesFor,
  dataStartBytes,
  metadataAllocatedBytes,
  type FvmHeader,
} from './header.js';
import { encodeMetadataCopy } from './metadataCopy.js';

export interface FormatFvmOptions {
  /**
   * Size the allocation table for a device that may grow to this many bytes
   * (default: `diskBytes`). Slices beyond `diskBytes` are not usable yet.
   */
  maxDiskBytes?: number;
}

/** The header `formatFvm` writes; exported so tools can show a plan before formatting. */
export function headerForDisk(
  diskBytes: number,
  sliceSize: number,
  options: FormatFvmOptions = {},
): FvmHeader {
  const maxDiskBytes = options.maxDiskBytes ?? diskBytes;
  if (!Number.isSafeInteger(diskBytes) || diskBytes <= 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `disk size ${diskBytes} must be a positive integer number of bytes`,
    );
  }
  if (!Number.isSafeInteger(maxDiskBytes) || maxDiskBytes < diskBytes) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `maxDiskBytes ${maxDiskBytes} must be an integer at least the disk size ${diskBytes}`,
    );
  }
  if (
    !Number.isSafeInteger(sliceSize) ||
    sliceSize <= 0 ||
    sliceSize % FVM_BLOCK_SIZE !== 0 ||
    sliceSize > MAX_SLICE_SIZE
  ) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `slice size ${sliceSize} must be a positive multiple of ${FVM_BLOCK_SIZE} bytes, at most ${MAX_SLICE_SIZE}`,
    );
  }
  // As the real FVM: size the table for slices covering the whole (maximum)
  // device, ignoring that the metadata itself takes some of it.
  const maxSlices = Math.floor(maxDiskBytes / sliceSize);
  const allocationTableSize = allocationTableBytesFor(maxSlices);
  if (allocationTableSize > MAX_ALLOCATION_TABLE_SIZE) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `${maxSlices} slices of ${sliceSize} bytes need a ${allocationTableSize}-byte allocation table, over this implementation's ${MAX_ALLOCATION_TABLE_SIZE}; use a larger slice size`,
    );
  }
  const header: FvmHeader = {
    majorVersion: FVM_MAJOR_VERSION,
    psliceCount: 0,
    sliceSize,
    fvmPartitionSize: 0,
    vpartitionTableSize: PARTITION_TABLE_SIZE,
    allocationTableSize,
    generation: 0n,
    oldestMinorVersion: FVM_MINOR_VERSION,
  };
  const dataStart = dataStartBytes(header);
  const slices = diskBytes > dataStart ? Math.floor((diskBytes - dataStart) / sliceSize) : 0;
  if (slices === 0) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `a ${diskBytes}-byte disk has no room for a ${sliceSize}-byte slice after the two ${metadataAllocatedBytes(header)}-byte metadata copies; use a larger disk or a smaller slice size`,
    );
  }
  header.psliceCount = slices;
  header.fvmPartitionSize = dataStart + slices * sliceSize;
  return header;
}

/**
 * Formats an empty FVM for a device (or GPT partition) of `diskBytes` bytes.
 * Returns the bytes to write at the FVM's offset 0: copy A, zeros, copy B.
 * Everything after them (the slices) is left as it was.
 */
export function formatFvm(
  diskBytes: number,
  sliceSize: number,
  options: FormatFvmOptions = {},
): Uint8Array {
  const header = headerForDisk(diskBytes, sliceSize, options);
  const copy = encodeMetadataCopy({
    header,
    entries: new Array<undefined>(MAX_VPARTITIONS),
    sliceOwner: new Uint16Array(header.psliceCount + 1),
    sliceVslice: new Uint32Array(header.psliceCount + 1),
  });
  const allocated = metadataAllocatedBytes(header);
  const image = new Uint8Array(2 * allocated);
  image.set(copy, 0);
  image.set(copy, allocated);
  return image;
}
