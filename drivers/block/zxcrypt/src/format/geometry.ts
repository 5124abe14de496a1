/**
 * How much of the device zxcrypt keeps for itself. Clients see block
 * `reservedBlocks` of the device as their block 0, and the volume is
 * `reservedBlocks` smaller than the device.
 */
import { Status, StatusError } from '@fdf/zx';
import { AES_BLOCK, CHECKSUM_LEN, HEADER_LEN, METADATA_BLOCKS, SLOT_LEN } from './constants.js';

export interface ZxcryptGeometry {
  /** Device blocks before the client's block 0: the superblock copies, rounded up to a slice on FVM. */
  reservedBlocks: number;
  /** FVM slices the reserved blocks fill (0 off FVM). */
  reservedSlices: number;
  /**
   * On FVM, virtual slices [0, requiredSlices) must be allocated before the
   * volume is used: the reserved ones plus one for data (real Volume::Init).
   */
  requiredSlices: number;
  /** Blocks the zxcrypt volume exposes to its clients. */
  clientBlockCount: number;
  /** Key slots one superblock holds at this block size. */
  slotCount: number;
}

/** Checks a device block size for zxcrypt: whole AES blocks, room for a header, one slot and the checksum. */
export function checkBlockSize(blockSize: number): void {
  const minimum = HEADER_LEN + SLOT_LEN + CHECKSUM_LEN;
  if (!Number.isSafeInteger(blockSize) || blockSize < minimum || blockSize % AES_BLOCK !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block size ${blockSize} cannot hold a zxcrypt superblock: it must be a multiple of ${AES_BLOCK} bytes and at least ${minimum}`,
    );
  }
}

export function slotCount(blockSize: number): number {
  return Math.floor((blockSize - HEADER_LEN - CHECKSUM_LEN) / SLOT_LEN);
}

/**
 * The real zxcrypt's Volume::Init: two metadata blocks, rounded up to a whole
 * FVM slice when the device is an FVM volume (so the data starts on a slice).
 */
export function zxcryptReservedBlocks(blockSize: number, fvmSliceSize?: number): number {
  checkBlockSize(blockSize);
  if (fvmSliceSize === undefined) return METADATA_BLOCKS;
  if (!Number.isSafeInteger(fvmSliceSize) || fvmSliceSize <= 0 || fvmSliceSize % blockSize !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `FVM slice size ${fvmSliceSize} must be a positive multiple of the block size ${blockSize}`,
    );
  }
  const perSlice = fvmSliceSize / blockSize;
  return Math.ceil(METADATA_BLOCKS / perSlice) * perSlice;
}

export function zxcryptGeometry(
  blockCount: number,
  blockSize: number,
  fvmSliceSize?: number,
): ZxcryptGeometry {
  const reservedBlocks = zxcryptReservedBlocks(blockSize, fvmSliceSize);
  if (!Number.isSafeInteger(blockCount) || blockCount <= reservedBlocks) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `a device of ${blockCount} blocks has no room for data after zxcrypt's ${reservedBlocks} reserved blocks; use a larger device`,
    );
  }
  const reservedSlices =
    fvmSliceSize === undefined ? 0 : (reservedBlocks * blockSize) / fvmSliceSize;
  return {
    reservedBlocks,
    reservedSlices,
    requiredSlices: fvmSliceSize === undefined ? 0 : reservedSlices + 1,
    clientBlockCount: blockCount - reservedBlocks,
    slotCount: slotCount(blockSize),
  };
}
