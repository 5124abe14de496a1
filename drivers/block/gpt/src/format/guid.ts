import { randomUUID } from 'node:crypto';
import { Status, StatusError } from '@fdf/zx';

/**
 * GUIDs as GPT stores them. In this module a GUID is always its canonical
 * text, upper case ("0FC63DAF-8483-4772-8E79-3D69D8477DE4"), so that two GUIDs
 * compare with `===` and print the way sgdisk prints them. On disk a GUID is 16
 * bytes in the mixed-endian order of the UEFI spec: the first three fields
 * little-endian, the last two (8 bytes) in text order.
 */

export const GUID_BYTES = 16;

/** The all-zero GUID: in a partition entry's type field it marks the slot unused. */
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

const GUID_TEXT = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** True when `text` is a GUID in 8-4-4-4-12 hex form (either case). */
export function isGuid(text: string): boolean {
  return GUID_TEXT.test(text.toUpperCase());
}

/** The canonical (upper-case) form of `text`, or ERR_INVALID_ARGS naming `what`. */
export function parseGuid(text: string, what = 'GUID'): string {
  const upper = text.trim().toUpperCase();
  if (!GUID_TEXT.test(upper)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} '${text}' is not a GUID; write it as 8-4-4-4-12 hex digits, e.g. 0FC63DAF-8483-4772-8E79-3D69D8477DE4`,
    );
  }
  return upper;
}

/** A new random (version 4) GUID. */
export function randomGuid(): string {
  return randomUUID().toUpperCase();
}

/** Hex pairs of the text form, in the order the bytes are stored on disk. */
const DISK_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** Writes the 16 on-disk bytes of `guid` (canonical text) at `offset` of `out`. */
export function encodeGuid(guid: string, out: Uint8Array, offset: number): void {
  const hex = parseGuid(guid).replaceAll('-', '');
  for (let i = 0; i < GUID_BYTES; i++) {
    const at = DISK_ORDER[i]! * 2;
    out[offset + i] = parseInt(hex.slice(at, at + 2), 16);
  }
}

/** Reads the 16 on-disk bytes at `offset` of `bytes` as canonical text. */
export function decodeGuid(bytes: Uint8Array, offset: number): string {
  const pairs = new Array<string>(GUID_BYTES);
  for (let i = 0; i < GUID_BYTES; i++) {
    pairs[DISK_ORDER[i]!] = bytes[offset + i]!.toString(16).toUpperCase().padStart(2, '0');
  }
  const hex = pairs.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
