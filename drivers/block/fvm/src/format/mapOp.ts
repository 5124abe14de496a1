/**
 * The mapping the fvm driver applies to every read, write and trim: a run of
 * volume blocks becomes one or more runs of device blocks. Consecutive
 * virtual slices backed by consecutive physical slices stay one extent, so
 * the common case forwards the op unsplit.
 */
import { Status, StatusError } from '@fdf/zx';
import { FVM_BLOCK_SIZE, MAX_VSLICES } from './constants.js';
import type { SliceMap } from './sliceMap.js';

/** One piece of a mapped op. */
export interface PhysicalExtent {
  /** Where the piece starts on the device under the FVM, in blocks from the FVM's start. */
  devOffsetBlocks: number;
  lengthBlocks: number;
  /** Where the piece starts inside the op: add it to the op's offset_vmo. */
  opOffsetBlocks: number;
}

export interface MapGeometry {
  sliceSize: number;
  /** Byte offset of physical slice 1. */
  dataStartBytes: number;
}

/** Checks that `blockSize` can address slices and the data start exactly. */
export function checkBlockSize(blockSize: number, sliceSize: number): void {
  if (
    !Number.isSafeInteger(blockSize) ||
    blockSize <= 0 ||
    FVM_BLOCK_SIZE % blockSize !== 0 ||
    sliceSize % blockSize !== 0
  ) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block size ${blockSize} must be a positive divisor of ${FVM_BLOCK_SIZE} (the FVM metadata unit) and of the slice size ${sliceSize}`,
    );
  }
}

export function mapOp(
  map: SliceMap,
  geometry: MapGeometry,
  /** Names the volume in error messages; called only on failure (this is the hot path). */
  volumeLabel: () => string,
  offsetBlocks: number,
  lengthBlocks: number,
  blockSize: number,
): PhysicalExtent[] {
  checkBlockSize(blockSize, geometry.sliceSize);
  if (!Number.isSafeInteger(lengthBlocks) || lengthBlocks <= 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `op length ${lengthBlocks} on ${volumeLabel()} must be a positive number of blocks`,
    );
  }
  const blocksPerSlice = geometry.sliceSize / blockSize;
  const end = offsetBlocks + lengthBlocks;
  if (
    !Number.isSafeInteger(offsetBlocks) ||
    offsetBlocks < 0 ||
    !Number.isSafeInteger(end) ||
    Math.floor((end - 1) / blocksPerSlice) >= MAX_VSLICES
  ) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `blocks [${offsetBlocks}, ${end}) of ${volumeLabel()} lie outside its virtual space of ${MAX_VSLICES} slices x ${blocksPerSlice} blocks`,
    );
  }
  const dataStartBlocks = geometry.dataStartBytes / blockSize;
  const extents: PhysicalExtent[] = [];
  let last: PhysicalExtent | undefined;
  for (let pos = offsetBlocks; pos < end;) {
    const vslice = Math.floor(pos / blocksPerSlice);
    const within = pos - vslice * blocksPerSlice;
    const length = Math.min(blocksPerSlice - within, end - pos);
    const pslice = map.get(vslice);
    if (pslice === undefined) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `virtual slice ${vslice} of ${volumeLabel()} is not allocated (op blocks [${offsetBlocks}, ${end}), slice of ${blocksPerSlice} blocks); extend the volume before using it`,
      );
    }
    const dev = dataStartBlocks + (pslice - 1) * blocksPerSlice + within;
    if (last !== undefined && last.devOffsetBlocks + last.lengthBlocks === dev) {
      last.lengthBlocks += length;
    } else {
      last = { devOffsetBlocks: dev, lengthBlocks: length, opOffsetBlocks: pos - offsetBlocks };
      extents.push(last);
    }
    pos += length;
  }
  return extents;
}
