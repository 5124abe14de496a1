/**
 * The zxcrypt superblock: one device block, stored twice (blocks 0 and 1).
 *
 *   0            16   type GUID (ZXCRYPT_MAGIC)
 *   16           16   instance GUID (random, RFC 4122 version 4)
 *   32            4   version, big-endian
 *   36 + 96*i    96   key slot i (keySlot.ts); unused slots are random bytes
 *   ...               random fill
 *   blockSize-32 32   SHA-256 of bytes [0, blockSize-32)
 *
 * The checksum is ours: it tells a damaged block (ERR_IO_DATA_INTEGRITY)
 * from a wrong root key (ERR_ACCESS_DENIED), which the GCM tag alone cannot.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CHECKSUM_LEN,
  GUID_LEN,
  HEADER_LEN,
  SLOT_LEN,
  ZXCRYPT_MAGIC,
  ZXCRYPT_VERSION,
} from './constants.js';
import { slotCount } from './geometry.js';

/** What a superblock says, once its checksum and magic have been checked. */
export interface ZxcryptSuperblockInfo {
  instanceGuid: Uint8Array;
  version: number;
  slotCount: number;
}

/** Why a block is not a usable superblock, sorted by what the caller should do about it. */
export interface SuperblockProblem {
  /** foreign: not zxcrypt at all; corrupt: damaged; unsupported: a version we cannot open. */
  kind: 'foreign' | 'corrupt' | 'unsupported';
  reason: string;
}

export function headerBytes(instanceGuid: Uint8Array, version = ZXCRYPT_VERSION): Uint8Array {
  const header = new Uint8Array(HEADER_LEN);
  header.set(ZXCRYPT_MAGIC, 0);
  header.set(instanceGuid, 16);
  new DataView(header.buffer).setUint32(16 + GUID_LEN, version, false);
  return header;
}

export function slotOffset(slot: number): number {
  return HEADER_LEN + slot * SLOT_LEN;
}

function checksum(block: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(block.subarray(0, block.byteLength - CHECKSUM_LEN))
    .digest();
}

/** A complete block: random fill, the header, the given slots, the checksum. */
export function buildSuperblock(
  blockSize: number,
  instanceGuid: Uint8Array,
  slots: ReadonlyMap<number, Uint8Array>,
): Uint8Array {
  const block = new Uint8Array(randomBytes(blockSize));
  block.set(headerBytes(instanceGuid), 0);
  for (const [slot, bytes] of slots) block.set(bytes, slotOffset(slot));
  block.set(checksum(block), blockSize - CHECKSUM_LEN);
  return block;
}

export function parseSuperblock(block: Uint8Array): ZxcryptSuperblockInfo | SuperblockProblem {
  const magicOk = ZXCRYPT_MAGIC.every((byte, i) => block[i] === byte);
  const stored = block.subarray(block.byteLength - CHECKSUM_LEN);
  const sumOk = checksum(block).every((byte, i) => byte === stored[i]);
  if (!sumOk) {
    return magicOk
      ? { kind: 'corrupt', reason: 'its SHA-256 checksum does not match (the block is damaged)' }
      : {
          kind: 'foreign',
          reason:
            'it has neither the zxcrypt type GUID nor a valid checksum (not a zxcrypt superblock)',
        };
  }
  if (!magicOk)
    return { kind: 'corrupt', reason: 'its checksum is valid but its type GUID is not zxcrypt' };
  const version = new DataView(block.buffer, block.byteOffset, block.byteLength).getUint32(
    16 + GUID_LEN,
    false,
  );
  if (version !== ZXCRYPT_VERSION) {
    return {
      kind: 'unsupported',
      reason: `version 0x${version.toString(16)} is not this implementation's 0x${ZXCRYPT_VERSION.toString(16)} (AES-256-XTS, AES-256-GCM key slots)`,
    };
  }
  return {
    instanceGuid: block.slice(16, 16 + GUID_LEN),
    version,
    slotCount: slotCount(block.byteLength),
  };
}

export function isProblem(
  parsed: ZxcryptSuperblockInfo | SuperblockProblem,
): parsed is SuperblockProblem {
  return 'kind' in parsed;
}
