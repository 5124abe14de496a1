/**
 * Key slots: the data key sealed under a wrap key derived from a root key.
 *
 * wrap key = HKDF-SHA256(ikm = root key, salt = instance GUID,
 *                        info = "wrap key <slot>", 32 bytes)   (the real labels)
 * slot     = nonce 12 | AES-256-GCM(wrap key, nonce, data key, aad = header) 64 | tag 16 | 0 0 0 0
 *
 * The real zxcrypt derives the nonce too ("wrap iv <slot>") and relies on
 * AES-GCM-SIV tolerating its reuse. Plain GCM does not, so each seal draws a
 * fresh random nonce and stores it in the slot.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Status, StatusError } from '@fdf/zx';
import {
  DATA_KEY_LEN,
  NONCE_LEN,
  ROOT_KEY_LENGTHS,
  SLOT_LEN,
  TAG_LEN,
  WRAP_KEY_LEN,
} from './constants.js';

export function checkRootKey(rootKey: Uint8Array): void {
  if (!(rootKey instanceof Uint8Array) || !ROOT_KEY_LENGTHS.includes(rootKey.byteLength)) {
    const got = rootKey instanceof Uint8Array ? `${rootKey.byteLength} bytes` : typeof rootKey;
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `a zxcrypt root key is ${ROOT_KEY_LENGTHS.join(' or ')} bytes, got ${got}`,
    );
  }
}

export function deriveWrapKey(
  rootKey: Uint8Array,
  instanceGuid: Uint8Array,
  slot: number,
): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', rootKey, instanceGuid, `wrap key ${slot}`, WRAP_KEY_LEN),
  );
}

/** Seals `dataKey` into a SLOT_LEN-byte slot. */
export function sealSlot(wrapKey: Uint8Array, header: Uint8Array, dataKey: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LEN);
  const cipher = createCipheriv('aes-256-gcm', wrapKey, nonce, { authTagLength: TAG_LEN });
  cipher.setAAD(header);
  const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  const slot = new Uint8Array(SLOT_LEN);
  slot.set(nonce, 0);
  slot.set(sealed, NONCE_LEN);
  slot.set(cipher.getAuthTag(), NONCE_LEN + DATA_KEY_LEN);
  return slot;
}

/** The data key, or undefined when the tag does not verify (wrong root key, or a forged slot). */
export function openSlot(
  wrapKey: Uint8Array,
  header: Uint8Array,
  slot: Uint8Array,
): Uint8Array | undefined {
  const nonce = slot.subarray(0, NONCE_LEN);
  const sealed = slot.subarray(NONCE_LEN, NONCE_LEN + DATA_KEY_LEN);
  const tag = slot.subarray(NONCE_LEN + DATA_KEY_LEN, NONCE_LEN + DATA_KEY_LEN + TAG_LEN);
  const decipher = createDecipheriv('aes-256-gcm', wrapKey, nonce, { authTagLength: TAG_LEN });
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  const key = decipher.update(sealed);
  try {
    decipher.final();
  } catch {
    // Only the tag check throws here; the caller turns it into ERR_ACCESS_DENIED.
    key.fill(0);
    return undefined;
  }
  return new Uint8Array(key);
}
