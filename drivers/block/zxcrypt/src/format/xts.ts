/**
 * Data encryption: AES-256-XTS per device block, the tweak being the block's
 * offset on the device under zxcrypt as a little-endian u64 (the upper 8
 * tweak bytes zero). Equal plaintext in two blocks encrypts differently, and
 * a block decrypts only at the offset it was written to.
 *
 * The real zxcrypt adds the block number to a random per-volume IV instead
 * of to zero (README: "Differences"). With a zero IV our tweak is exactly the
 * IEEE 1619 "data unit sequence number", which the known-answer test uses.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type Cipher,
  type Decipher,
  type KeyObject,
} from 'node:crypto';
import { Status, StatusError } from '@fdf/zx';
import { AES_BLOCK, DATA_KEY_LEN } from './constants.js';

// One tweak buffer for all calls: createCipheriv copies the IV it is given.
const tweak = new Uint8Array(16);
const tweakView = new DataView(tweak.buffer);

/** A data key prepared once for many calls (saves re-importing the key per block). */
export function prepareDataKey(dataKey: Uint8Array): KeyObject {
  if (!(dataKey instanceof Uint8Array) || dataKey.byteLength !== DATA_KEY_LEN) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `an AES-256-XTS data key is ${DATA_KEY_LEN} bytes`,
    );
  }
  return createSecretKey(dataKey);
}

/** Encrypts whole blocks of `input` into `out` (which may be `input`, for in place). */
export function encryptBlocks(
  dataKey: Uint8Array | KeyObject,
  deviceBlockOffset: number,
  input: Uint8Array,
  out: Uint8Array,
  blockSize: number,
): void {
  transform(true, dataKey, deviceBlockOffset, input, out, blockSize);
}

/** Decrypts whole blocks of `input` into `out` (which may be `input`, for in place). */
export function decryptBlocks(
  dataKey: Uint8Array | KeyObject,
  deviceBlockOffset: number,
  input: Uint8Array,
  out: Uint8Array,
  blockSize: number,
): void {
  transform(false, dataKey, deviceBlockOffset, input, out, blockSize);
}

function transform(
  encrypt: boolean,
  dataKey: Uint8Array | KeyObject,
  deviceBlockOffset: number,
  input: Uint8Array,
  out: Uint8Array,
  blockSize: number,
): void {
  const key = dataKey instanceof Uint8Array ? prepareDataKey(dataKey) : dataKey;
  if (!Number.isSafeInteger(blockSize) || blockSize < AES_BLOCK || blockSize % AES_BLOCK !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `XTS block size ${blockSize} must be a positive multiple of ${AES_BLOCK}`,
    );
  }
  if (input.byteLength % blockSize !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${input.byteLength} bytes are not whole ${blockSize}-byte blocks`,
    );
  }
  if (out.byteLength < input.byteLength) {
    throw new StatusError(
      Status.ERR_BUFFER_TOO_SMALL,
      `output of ${out.byteLength} bytes cannot hold ${input.byteLength}`,
    );
  }
  const blocks = input.byteLength / blockSize;
  if (
    !Number.isSafeInteger(deviceBlockOffset) ||
    deviceBlockOffset < 0 ||
    !Number.isSafeInteger(deviceBlockOffset + blocks)
  ) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `device block offset ${deviceBlockOffset} is not a usable block number`,
    );
  }
  for (let i = 0; i < blocks; i++) {
    const block = deviceBlockOffset + i;
    tweakView.setUint32(0, block % 0x100000000, true);
    tweakView.setUint32(4, Math.floor(block / 0x100000000), true);
    const cipher = newCipher(encrypt, key);
    const start = i * blockSize;
    // update() returns a new buffer, so writing it back over `input` is safe.
    out.set(cipher.update(input.subarray(start, start + blockSize)), start);
    cipher.final();
  }
}

function newCipher(encrypt: boolean, key: KeyObject): Cipher | Decipher {
  try {
    return encrypt
      ? createCipheriv('aes-256-xts', key, tweak)
      : createDecipheriv('aes-256-xts', key, tweak);
  } catch (err) {
    // OpenSSL refuses a key of the wrong size, and (when encrypting) one with two equal halves.
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `AES-256-XTS refused the data key (${err instanceof Error ? err.message : String(err)}); use the 64-byte key unseal returned`,
    );
  }
}
