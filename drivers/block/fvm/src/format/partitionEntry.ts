/**
 * One 64-byte entry of the partition (vpartition) table: who a volume is.
 * Layout: type GUID 16 | instance GUID 16 | slices u32 | flags u32 | name 24.
 */
import { Status, StatusError } from '@fdf/zx';
import { GUID_SIZE, MAX_NAME_LENGTH, VPARTITION_FLAG_MASK } from './constants.js';

export interface PartitionEntry {
  type: Uint8Array;
  instance: Uint8Array;
  /** Slices owned; an entry with 0 slices is free. */
  slices: number;
  flags: number;
  /** The name as stored: up to 24 bytes, ended by the first NUL or the field's end. */
  nameBytes: Uint8Array;
}

const TYPE = 0;
const INSTANCE = 16;
const SLICES = 32;
const FLAGS = 36;
const NAME = 40;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function decodePartitionEntry(table: Uint8Array, offset: number): PartitionEntry {
  const v = new DataView(table.buffer, table.byteOffset + offset, 64);
  const rawName = table.subarray(offset + NAME, offset + NAME + MAX_NAME_LENGTH);
  const end = rawName.indexOf(0);
  return {
    type: table.slice(offset + TYPE, offset + TYPE + GUID_SIZE),
    instance: table.slice(offset + INSTANCE, offset + INSTANCE + GUID_SIZE),
    slices: v.getUint32(SLICES, true),
    // Unknown flag bits are dropped, as the real FVM does.
    flags: v.getUint32(FLAGS, true) & VPARTITION_FLAG_MASK,
    nameBytes: rawName.slice(0, end === -1 ? MAX_NAME_LENGTH : end),
  };
}

export function encodePartitionEntry(
  entry: PartitionEntry,
  table: Uint8Array,
  offset: number,
): void {
  const v = new DataView(table.buffer, table.byteOffset + offset, 64);
  table.fill(0, offset, offset + 64);
  table.set(entry.type, offset + TYPE);
  table.set(entry.instance, offset + INSTANCE);
  v.setUint32(SLICES, entry.slices, true);
  v.setUint32(FLAGS, entry.flags, true);
  table.set(entry.nameBytes, offset + NAME);
}

export function entryName(entry: PartitionEntry): string {
  return utf8Decoder.decode(entry.nameBytes);
}

/** The stored form of a volume name; ERR_INVALID_ARGS when it cannot be stored. */
export function encodeName(name: string): Uint8Array {
  const bytes = utf8.encode(name);
  if (bytes.includes(0)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `volume name ${JSON.stringify(name)} contains a NUL byte; names end at the first NUL on disk, so remove it`,
    );
  }
  if (bytes.byteLength > MAX_NAME_LENGTH) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `volume name ${JSON.stringify(name)} is ${bytes.byteLength} bytes of UTF-8; the partition table stores at most ${MAX_NAME_LENGTH}`,
    );
  }
  return bytes;
}

/** Checks a caller's GUID argument; GUIDs are stored as their 16 raw bytes. */
export function checkGuid(guid: Uint8Array, what: string): Uint8Array {
  if (!(guid instanceof Uint8Array) || guid.byteLength !== GUID_SIZE) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} GUID must be a Uint8Array of ${GUID_SIZE} bytes`,
    );
  }
  return guid.slice();
}
