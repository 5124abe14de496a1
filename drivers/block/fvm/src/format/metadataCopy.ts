/**
 * One metadata copy (A or B) as a whole: header, partition table and slice
 * allocation table, decoded into an in-memory state and encoded back.
 * Decoding checks everything a copy promises, so a copy either yields a
 * consistent state or a sentence naming the first thing wrong with it.
 */
import {
  ALLOCATION_TABLE_OFFSET,
  FVM_BLOCK_SIZE,
  MAX_VPARTITIONS,
  MAX_VSLICES,
  PARTITION_TABLE_OFFSET,
  SLICE_ENTRY_SIZE,
  VPARTITION_ENTRY_SIZE,
} from './constants.js';
import { decodeHeader, encodeHeader, metadataUsedBytes, type FvmHeader } from './header.js';
import { hashMatches, sealHash } from './metadataHash.js';
import {
  decodePartitionEntry,
  encodePartitionEntry,
  type PartitionEntry,
} from './partitionEntry.js';
import { readSliceEntry, writeSliceEntry } from './sliceEntry.js';

/** Everything one metadata copy says, in a form the volume manager edits. */
export interface FvmState {
  header: FvmHeader;
  /** Indexed by vpartition 0..1023; undefined for free entries (and always for 0). */
  entries: (PartitionEntry | undefined)[];
  /** Indexed by pslice 0..psliceCount: the owning vpartition, 0 when free. Index 0 is unused. */
  sliceOwner: Uint16Array;
  /** Indexed by pslice: the virtual slice it backs (meaningful when owned). */
  sliceVslice: Uint32Array;
}

export function cloneState(state: FvmState): FvmState {
  return {
    header: { ...state.header },
    entries: state.entries.map((entry) => (entry === undefined ? undefined : { ...entry })),
    sliceOwner: state.sliceOwner.slice(),
    sliceVslice: state.sliceVslice.slice(),
  };
}

/**
 * Decodes one copy. `copy` holds at least the copy's used bytes.
 * `diskBytes` bounds the FVM partition size.
 */
export function decodeMetadataCopy(copy: Uint8Array, diskBytes: number): FvmState | string {
  const header = decodeHeader(copy, diskBytes);
  if (typeof header === 'string') return `header: ${header}`;
  const used = metadataUsedBytes(header);
  if (copy.byteLength < used)
    return `only ${copy.byteLength} bytes were read, the copy uses ${used}`;
  if (!hashMatches(copy, used))
    return `SHA-256 over the first ${used} bytes does not match the hash in the header`;

  const entries: (PartitionEntry | undefined)[] = new Array<PartitionEntry | undefined>(
    MAX_VPARTITIONS,
  );
  for (let i = 1; i < MAX_VPARTITIONS; i++) {
    const entry = decodePartitionEntry(copy, PARTITION_TABLE_OFFSET + i * VPARTITION_ENTRY_SIZE);
    if (entry.slices !== 0) entries[i] = entry;
  }

  const count = header.psliceCount;
  const sliceOwner = new Uint16Array(count + 1);
  const sliceVslice = new Uint32Array(count + 1);
  const seen = new Map<number, Set<number>>();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  for (let pslice = 1; pslice <= count; pslice++) {
    const { vpartition, vslice } = readSliceEntry(
      view,
      ALLOCATION_TABLE_OFFSET + pslice * SLICE_ENTRY_SIZE,
    );
    if (vpartition === 0) continue;
    if (vpartition >= MAX_VPARTITIONS)
      return `slice entry ${pslice} names vpartition ${vpartition}, beyond the table's ${MAX_VPARTITIONS - 1}`;
    if (entries[vpartition] === undefined)
      return `slice entry ${pslice} belongs to vpartition ${vpartition}, whose partition entry is free`;
    if (vslice >= MAX_VSLICES)
      return `slice entry ${pslice} maps virtual slice ${vslice}, beyond the limit ${MAX_VSLICES - 1}`;
    let vslices = seen.get(vpartition);
    if (vslices === undefined) seen.set(vpartition, (vslices = new Set()));
    if (vslices.has(vslice))
      return `virtual slice ${vslice} of vpartition ${vpartition} is mapped by two physical slices`;
    vslices.add(vslice);
    sliceOwner[pslice] = vpartition;
    sliceVslice[pslice] = vslice;
  }
  for (let i = 1; i < MAX_VPARTITIONS; i++) {
    const entry = entries[i];
    if (entry === undefined) continue;
    const owned = seen.get(i)?.size ?? 0;
    if (owned !== entry.slices)
      return `partition entry ${i} claims ${entry.slices} slices but the allocation table gives it ${owned}`;
  }
  return { header, entries, sliceOwner, sliceVslice };
}

/** Encodes a copy's used bytes, hash included, ready to be written at the copy's offset. */
export function encodeMetadataCopy(state: FvmState): Uint8Array {
  const used = metadataUsedBytes(state.header);
  const copy = new Uint8Array(used);
  encodeHeader(state.header, copy.subarray(0, FVM_BLOCK_SIZE));
  for (let i = 1; i < MAX_VPARTITIONS; i++) {
    const entry = state.entries[i];
    if (entry !== undefined)
      encodePartitionEntry(entry, copy, PARTITION_TABLE_OFFSET + i * VPARTITION_ENTRY_SIZE);
  }
  const view = new DataView(copy.buffer);
  for (let pslice = 1; pslice <= state.header.psliceCount; pslice++) {
    const owner = state.sliceOwner[pslice] ?? 0;
    if (owner !== 0) {
      writeSliceEntry(
        view,
        ALLOCATION_TABLE_OFFSET + pslice * SLICE_ENTRY_SIZE,
        owner,
        state.sliceVslice[pslice] ?? 0,
      );
    }
  }
  sealHash(copy, used);
  return copy;
}
