import { Status, StatusError } from '@fdf/zx';
import { crc32 } from './crc32.js';
import { MAX_ENTRY_ARRAY_BYTES } from './geometry.js';
import { ZERO_GUID, decodeGuid, encodeGuid } from './guid.js';

/**
 * Partition entries: 128 bytes each (type GUID, unique GUID, first and last
 * LBA, attributes, a 36-unit UTF-16LE name). An entry whose type GUID is zero
 * is an unused slot.
 */
export interface GptPartition {
  /**
   * The partition number as sgdisk and Linux print it: entry slot + 1. Slots
   * may be empty, so numbers can have gaps.
   */
  index: number;
  typeGuid: string;
  uniqueGuid: string;
  firstLba: bigint;
  /** Inclusive, as on disk. */
  lastLba: bigint;
  /** The 64 attribute bits (bit 0 required, 2 legacy BIOS bootable, 48..63 type-specific). */
  attributes: bigint;
  name: string;
}

/** Name capacity in UTF-16 code units. */
export const NAME_UNITS = 36;

const OFF = { type: 0, unique: 16, first: 32, last: 40, attributes: 48, name: 56 } as const;

/** Throws ERR_INVALID_ARGS when `name` does not fit an entry. */
export function checkPartitionName(name: string): void {
  // String length counts UTF-16 code units, which is exactly what the entry holds.
  if (name.length > NAME_UNITS) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `partition name '${name}' is ${name.length} UTF-16 code units; GPT names hold at most ${NAME_UNITS}, shorten it`,
    );
  }
}

function encodeName(name: string, out: Uint8Array, offset: number): void {
  checkPartitionName(name);
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < name.length; i++) v.setUint16(offset + i * 2, name.charCodeAt(i), true);
}

const utf16 = new TextDecoder('utf-16le');

function decodeName(bytes: Uint8Array, offset: number): string {
  let units = 0;
  while (units < NAME_UNITS && (bytes[offset + units * 2]! | bytes[offset + units * 2 + 1]!) !== 0)
    units++;
  return utf16.decode(bytes.subarray(offset, offset + units * 2));
}

/**
 * The entry array for `partitions`, each in slot `index - 1`; unlisted slots
 * stay zero. Throws ERR_INVALID_ARGS for an index outside 1..entryCount.
 */
export function encodeEntries(
  partitions: readonly GptPartition[],
  entryCount: number,
  entrySize: number,
): Uint8Array {
  if (entryCount * entrySize > MAX_ENTRY_ARRAY_BYTES) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `an entry array of ${entryCount} x ${entrySize} bytes is larger than the ${MAX_ENTRY_ARRAY_BYTES}-byte limit; use fewer entries`,
    );
  }
  const bytes = new Uint8Array(entryCount * entrySize);
  const v = new DataView(bytes.buffer);
  for (const p of partitions) {
    if (!Number.isInteger(p.index) || p.index < 1 || p.index > entryCount) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `partition '${p.name}' has number ${p.index}; the table has slots 1..${entryCount}`,
      );
    }
    const at = (p.index - 1) * entrySize;
    encodeGuid(p.typeGuid, bytes, at + OFF.type);
    encodeGuid(p.uniqueGuid, bytes, at + OFF.unique);
    v.setBigUint64(at + OFF.first, p.firstLba, true);
    v.setBigUint64(at + OFF.last, p.lastLba, true);
    v.setBigUint64(at + OFF.attributes, p.attributes, true);
    encodeName(p.name, bytes, at + OFF.name);
  }
  return bytes;
}

/** The CRC32 the header stores for an entry array (over count x size bytes only). */
export function entriesCrc32(bytes: Uint8Array, entryCount: number, entrySize: number): number {
  return crc32(bytes.subarray(0, entryCount * entrySize));
}

/** The used entries of an array, in slot order. */
export function decodeEntries(
  bytes: Uint8Array,
  entryCount: number,
  entrySize: number,
): GptPartition[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const partitions: GptPartition[] = [];
  for (let slot = 0; slot < entryCount; slot++) {
    const at = slot * entrySize;
    const typeGuid = decodeGuid(bytes, at + OFF.type);
    if (typeGuid === ZERO_GUID) continue;
    partitions.push({
      index: slot + 1,
      typeGuid,
      uniqueGuid: decodeGuid(bytes, at + OFF.unique),
      firstLba: v.getBigUint64(at + OFF.first, true),
      lastLba: v.getBigUint64(at + OFF.last, true),
      attributes: v.getBigUint64(at + OFF.attributes, true),
      name: decodeName(bytes, at + OFF.name),
    });
  }
  return partitions;
}

function describe(p: GptPartition): string {
  return `partition ${p.index} '${p.name}' (LBA ${p.firstLba}..${p.lastLba})`;
}

/**
 * Checks partitions against the usable range and each other. Returns the
 * failures that make the layout unsafe to use: an inverted range, a range
 * outside the usable area, two partitions sharing blocks.
 */
export function checkPartitionLayout(
  partitions: readonly GptPartition[],
  firstUsableLba: bigint,
  lastUsableLba: bigint,
): string[] {
  const failures: string[] = [];
  for (const p of partitions) {
    if (p.firstLba > p.lastLba) {
      failures.push(`${describe(p)} ends before it starts`);
    } else if (p.firstLba < firstUsableLba || p.lastLba > lastUsableLba) {
      failures.push(
        `${describe(p)} is outside the usable range LBA ${firstUsableLba}..${lastUsableLba}`,
      );
    }
  }
  const sorted = partitions
    .filter((p) => p.firstLba <= p.lastLba)
    .sort((a, b) => (a.firstLba < b.firstLba ? -1 : a.firstLba > b.firstLba ? 1 : 0));
  // After sorting by start, a partition overlaps an earlier one exactly when it
  // starts at or before the furthest end seen so far.
  let furthest: GptPartition | undefined;
  for (const p of sorted) {
    if (furthest !== undefined && p.firstLba <= furthest.lastLba) {
      failures.push(`${describe(furthest)} and ${describe(p)} overlap`);
    }
    if (furthest === undefined || p.lastLba > furthest.lastLba) furthest = p;
  }
  return failures;
}

/** Problems that do not make the layout unsafe but that tools will complain about. */
export function checkPartitionIdentity(partitions: readonly GptPartition[]): string[] {
  const seen = new Map<string, GptPartition>();
  const problems: string[] = [];
  for (const p of partitions) {
    const other = seen.get(p.uniqueGuid);
    if (other !== undefined) {
      problems.push(
        `partitions ${other.index} and ${p.index} share the unique GUID ${p.uniqueGuid}; give each partition its own (sgdisk -u)`,
      );
    } else {
      seen.set(p.uniqueGuid, p);
    }
  }
  return problems;
}
