/**
 * Formatting and unsealing a zxcrypt volume (the real Volume::Format and
 * Volume::Unlock): a fresh data key and instance GUID sealed under the root
 * key, and the way back from root key to data key.
 */
import { randomBytes } from 'node:crypto';
import { Status, StatusError } from '@fdf/zx';
import { DATA_KEY_LEN, GUID_LEN, METADATA_BLOCKS, SLOT_LEN } from './constants.js';
import { checkBlockSize, zxcryptGeometry, type ZxcryptGeometry } from './geometry.js';
import { checkRootKey, deriveWrapKey, openSlot, sealSlot } from './keySlot.js';
import {
  buildSuperblock,
  headerBytes,
  isProblem,
  parseSuperblock,
  slotOffset,
  type ZxcryptSuperblockInfo,
} from './superblock.js';

export interface FormatZxcryptOptions {
  /** The FVM slice size when the device is an FVM volume: the reserved area is rounded to a slice. */
  fvmSliceSize?: number;
  /** Which key slot receives the root key (default 0). */
  slot?: number;
  /** Fixed key material (to recreate a known volume); random by default. Nonce and fill stay random. */
  dataKey?: Uint8Array;
  instanceGuid?: Uint8Array;
}

export interface FormattedZxcrypt extends ZxcryptGeometry {
  /** METADATA_BLOCKS identical superblocks: write them at device block 0. */
  superblocks: Uint8Array;
  dataKey: Uint8Array;
  instanceGuid: Uint8Array;
}

export function formatZxcrypt(
  blockCount: number,
  blockSize: number,
  rootKey: Uint8Array,
  options: FormatZxcryptOptions = {},
): FormattedZxcrypt {
  checkRootKey(rootKey);
  const geometry = zxcryptGeometry(blockCount, blockSize, options.fvmSliceSize);
  const slot = checkSlot(options.slot ?? 0, geometry.slotCount);
  const dataKey = options.dataKey ?? newDataKey();
  checkDataKey(dataKey);
  const instanceGuid = options.instanceGuid ?? newInstanceGuid();
  if (!(instanceGuid instanceof Uint8Array) || instanceGuid.byteLength !== GUID_LEN) {
    throw new StatusError(Status.ERR_INVALID_ARGS, `the instance GUID must be ${GUID_LEN} bytes`);
  }
  const sealed = sealSlot(
    deriveWrapKey(rootKey, instanceGuid, slot),
    headerBytes(instanceGuid),
    dataKey,
  );
  const block = buildSuperblock(blockSize, instanceGuid, new Map([[slot, sealed]]));
  const superblocks = new Uint8Array(METADATA_BLOCKS * blockSize);
  for (let i = 0; i < METADATA_BLOCKS; i++) superblocks.set(block, i * blockSize);
  return { ...geometry, superblocks, dataKey: dataKey.slice(), instanceGuid: instanceGuid.slice() };
}

export interface UnsealOptions {
  /** The size of one superblock; `superblockBytes` may hold several copies. Default: all of it is one. */
  blockSize?: number;
  /** The key slot the root key was sealed into (default 0). */
  slot?: number;
}

/**
 * Opens the data key with the root key. Tries each superblock copy in order
 * and uses the first that opens. ERR_ACCESS_DENIED: a sound superblock does
 * not open with this key. ERR_IO_DATA_INTEGRITY: every copy is damaged.
 * ERR_NOT_SUPPORTED: no copy is a zxcrypt superblock of this version.
 */
export function unseal(
  superblockBytes: Uint8Array,
  rootKey: Uint8Array,
  options: UnsealOptions = {},
): Uint8Array {
  checkRootKey(rootKey);
  const blockSize = options.blockSize ?? superblockBytes.byteLength;
  checkBlockSize(blockSize);
  if (superblockBytes.byteLength === 0 || superblockBytes.byteLength % blockSize !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `superblock bytes (${superblockBytes.byteLength}) must be whole blocks of ${blockSize} bytes`,
    );
  }
  const reasons: string[] = [];
  let sound = false;
  let corrupt = false;
  for (let copy = 0; copy * blockSize < superblockBytes.byteLength; copy++) {
    const block = superblockBytes.subarray(copy * blockSize, (copy + 1) * blockSize);
    const parsed = parseSuperblock(block);
    if (isProblem(parsed)) {
      reasons.push(`copy ${copy}: ${parsed.reason}`);
      if (parsed.kind === 'corrupt') corrupt = true;
      continue;
    }
    const slot = checkSlot(options.slot ?? 0, parsed.slotCount);
    const wrapKey = deriveWrapKey(rootKey, parsed.instanceGuid, slot);
    const key = openSlot(
      wrapKey,
      block.subarray(0, slotOffset(0)),
      block.subarray(slotOffset(slot), slotOffset(slot) + SLOT_LEN),
    );
    if (key !== undefined) return key;
    sound = true;
    reasons.push(`copy ${copy}: key slot ${slot} does not open with this root key`);
  }
  const detail = reasons.join('; ');
  if (sound) {
    throw new StatusError(
      Status.ERR_ACCESS_DENIED,
      `wrong root key for this zxcrypt volume (${detail}); use the key it was formatted with, or its key slot`,
    );
  }
  if (corrupt) {
    throw new StatusError(
      Status.ERR_IO_DATA_INTEGRITY,
      `no intact zxcrypt superblock (${detail}); the data key cannot be recovered from these blocks`,
    );
  }
  throw new StatusError(
    Status.ERR_NOT_SUPPORTED,
    `no zxcrypt superblock this implementation can open (${detail}); format the volume with formatZxcrypt first`,
  );
}

/** The public facts of one superblock copy, for inspection tools. Throws like `unseal` does. */
export function inspectZxcryptSuperblock(block: Uint8Array): ZxcryptSuperblockInfo {
  checkBlockSize(block.byteLength);
  const parsed = parseSuperblock(block);
  if (!isProblem(parsed)) return parsed;
  const status =
    parsed.kind === 'corrupt' ? Status.ERR_IO_DATA_INTEGRITY : Status.ERR_NOT_SUPPORTED;
  throw new StatusError(status, `not a usable zxcrypt superblock: ${parsed.reason}`);
}

function checkSlot(slot: number, count: number): number {
  if (!Number.isSafeInteger(slot) || slot < 0 || slot >= count) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `key slot ${slot} does not exist; this block size has slots 0..${count - 1}`,
    );
  }
  return slot;
}

/** Two independent AES-256 keys; XTS refuses equal halves (OpenSSL checks), so draw again if equal. */
function newDataKey(): Uint8Array {
  for (;;) {
    const key = new Uint8Array(randomBytes(DATA_KEY_LEN));
    if (!halvesEqual(key)) return key;
  }
}

function checkDataKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== DATA_KEY_LEN || halvesEqual(key)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `a zxcrypt data key is ${DATA_KEY_LEN} bytes whose two 32-byte halves differ (AES-256-XTS key 1 and key 2)`,
    );
  }
}

function halvesEqual(key: Uint8Array): boolean {
  const half = DATA_KEY_LEN / 2;
  for (let i = 0; i < half; i++) if (key[i] !== key[i + half]) return false;
  return true;
}

/** A random RFC 4122 version 4 GUID, as the real CreateBlock makes. */
function newInstanceGuid(): Uint8Array {
  const guid = new Uint8Array(randomBytes(GUID_LEN));
  guid[6] = ((guid[6] ?? 0) & 0x0f) | 0x40;
  guid[8] = ((guid[8] ?? 0) & 0x3f) | 0x80;
  return guid;
}
