/**
 * The integrity check of one metadata copy: SHA-256 over the copy's used
 * bytes with the header's hash field read as zeros (real fvm::UpdateHash).
 */
import { createHash } from 'node:crypto';
import { HASH_SIZE, HEADER_HASH_OFFSET } from './constants.js';

const ZERO_HASH = new Uint8Array(HASH_SIZE);

export function metadataHash(copy: Uint8Array, usedBytes: number): Uint8Array {
  return createHash('sha256')
    .update(copy.subarray(0, HEADER_HASH_OFFSET))
    .update(ZERO_HASH)
    .update(copy.subarray(HEADER_HASH_OFFSET + HASH_SIZE, usedBytes))
    .digest();
}

export function storedHash(copy: Uint8Array): Uint8Array {
  return copy.subarray(HEADER_HASH_OFFSET, HEADER_HASH_OFFSET + HASH_SIZE);
}

export function sealHash(copy: Uint8Array, usedBytes: number): void {
  copy.set(metadataHash(copy, usedBytes), HEADER_HASH_OFFSET);
}

export function hashMatches(copy: Uint8Array, usedBytes: number): boolean {
  const expected = metadataHash(copy, usedBytes);
  const actual = storedHash(copy);
  return expected.every((byte, i) => byte === actual[i]);
}
