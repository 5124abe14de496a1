/**
 * Loading an FVM: read both metadata copies, keep the valid one with the
 * newest generation (real fvm::PickValidHeader), fail with both reasons when
 * neither is valid.
 */
import { Status, StatusError } from '@fdf/zx';
import { ALLOCATION_TABLE_OFFSET, FVM_BLOCK_SIZE } from './constants.js';
import { readTableSizes, tableSizeProblem } from './header.js';
import { Fvm } from './fvm.js';
import { decodeMetadataCopy, type FvmState } from './metadataCopy.js';
import type { FvmRead, FvmWrite } from './types.js';

export interface LoadFvmOptions {
  /** Size of the device or partition holding the FVM; headers claiming more are invalid. */
  diskBytes?: number;
  /** Where metadata changes are written. Without it the FVM is read-only. */
  write?: FvmWrite;
}

/** Reads the FVM at offset 0 of what `read` addresses. */
export async function loadFvm(read: FvmRead, options: LoadFvmOptions = {}): Promise<Fvm> {
  const diskBytes = options.diskBytes ?? Number.MAX_SAFE_INTEGER;
  const first = await readCopy(read, 0, FVM_BLOCK_SIZE, 'the first header block');
  if (typeof first === 'string')
    throw new StatusError(Status.ERR_IO, `${first}; this device is too small to hold an FVM`);

  // Copy B sits right after copy A, so only copy A's table sizes can say
  // where it is. If they are unusable, B cannot be found (as in the real FVM).
  const sizes = readTableSizes(first);
  const sizeProblem = tableSizeProblem(sizes);
  if (sizeProblem !== undefined) {
    throw new StatusError(
      Status.ERR_IO_DATA_INTEGRITY,
      `FVM metadata copy A at offset 0 is unusable (${sizeProblem}), so copy B cannot be located either; this is not an FVM or its header is destroyed: reformat it with formatFvm`,
    );
  }
  const allocated = ALLOCATION_TABLE_OFFSET + Number(sizes.allocationTableSize);
  const rawA = await readCopy(read, 0, allocated, 'metadata copy A');
  const rawB = await readCopy(read, allocated, allocated, 'metadata copy B');
  const a = typeof rawA === 'string' ? rawA : decodeMetadataCopy(rawA, diskBytes);
  let b = typeof rawB === 'string' ? rawB : decodeMetadataCopy(rawB, diskBytes);
  if (typeof b !== 'string' && b.header.allocationTableSize !== Number(sizes.allocationTableSize)) {
    // A copy B whose geometry disagrees with the offset it was found at is stale.
    b = `its allocation table size ${b.header.allocationTableSize} differs from copy A's ${sizes.allocationTableSize}`;
  }

  if (typeof a === 'string' && typeof b === 'string') {
    throw new StatusError(
      Status.ERR_IO_DATA_INTEGRITY,
      `both FVM metadata copies are invalid. Copy A (offset 0): ${a}. Copy B (offset ${allocated}): ${b}. The volumes cannot be found; restore the image or reformat it with formatFvm`,
    );
  }
  const pick = pickCopy(a, b);
  return new Fvm(pick.state, pick.copy, options.write);
}

/** Both valid: the newer generation wins, A on a tie. */
function pickCopy(
  a: FvmState | string,
  b: FvmState | string,
): { state: FvmState; copy: 'A' | 'B' } {
  if (
    typeof a !== 'string' &&
    (typeof b === 'string' || generationAtLeast(a.header.generation, b.header.generation))
  ) {
    return { state: a, copy: 'A' };
  }
  if (typeof b === 'string')
    throw new StatusError(Status.ERR_INTERNAL, 'pickCopy called with two invalid copies');
  return { state: b, copy: 'B' };
}

const U64_MAX = 0xffffffffffffffffn;

/** g1 >= g2, treating 0 as newer than 2^64-1 (a wrapped counter), as the real GenerationGE. */
export function generationAtLeast(g1: bigint, g2: bigint): boolean {
  if (g1 === U64_MAX && g2 === 0n) return false;
  if (g1 === 0n && g2 === U64_MAX) return true;
  return g1 >= g2;
}

/** The bytes, or a reason when the device returned fewer than asked (the copy is then invalid). */
async function readCopy(
  read: FvmRead,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array | string> {
  let bytes: Uint8Array;
  try {
    bytes = await read(offset, length);
  } catch (err) {
    const context = `reading ${what} (${length} bytes at offset ${offset})`;
    if (err instanceof StatusError) throw new StatusError(err.status, `${context}: ${err.message}`);
    throw new StatusError(
      Status.ERR_IO,
      `${context} failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < length) {
    const got = bytes instanceof Uint8Array ? bytes.byteLength : 0;
    return `reading ${what} returned ${got} of ${length} bytes at offset ${offset}`;
  }
  return bytes;
}
