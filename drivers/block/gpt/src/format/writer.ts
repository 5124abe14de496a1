import { Status, StatusError } from '@fdf/zx';
import {
  checkPartitionIdentity,
  checkPartitionLayout,
  checkPartitionName,
  encodeEntries,
  entriesCrc32,
  type GptPartition,
} from './entries.js';
import {
  DEFAULT_ENTRY_COUNT,
  ENTRY_SIZE,
  MAX_ENTRY_ARRAY_BYTES,
  PRIMARY_ENTRIES_LBA,
  PRIMARY_HEADER_LBA,
  checkBlockSize,
  gptGeometry,
  type GptGeometry,
} from './geometry.js';
import { ZERO_GUID, parseGuid, randomGuid } from './guid.js';
import { encodeHeader, type GptHeader } from './header.js';
import { encodeProtectiveMbr } from './mbr.js';
import { resolvePartitionType } from './partitionTypes.js';

/** One partition to create. Sizes and positions are in blocks. */
export interface PartitionSpec {
  name: string;
  /** A type GUID or an alias (`fvm`, `linux`, `efi`, `data`, ...). */
  type: string;
  /** Random when omitted. */
  uniqueGuid?: string;
  /** Where it starts; by default the first aligned block after the previous partition. */
  firstLba?: bigint;
  /** Its size; when omitted (last partition only) it takes the rest of the disk, ending on an alignment boundary. */
  blocks?: bigint;
  attributes?: bigint;
}

export interface GptWriteOptions {
  blockSize: number;
  blockCount: bigint | number;
  partitions: readonly PartitionSpec[];
  /** Random when omitted. */
  diskGuid?: string;
  /** Partition start alignment in blocks; 1 MiB worth by default (2048 at 512 bytes, 256 at 4096), as sgdisk does. */
  alignment?: number;
  /** Entry slots; 128 by default (the UEFI minimum of 16 KiB). */
  entryCount?: number;
  /** Source of new GUIDs, for reproducible images. */
  newGuid?: () => string;
}

/** Bytes to write at a block address. */
export interface GptRegion {
  lba: bigint;
  bytes: Uint8Array;
}

/** A complete GPT for one disk: the headers, the partitions, and the blocks that hold them. */
export interface GptLayout {
  blockSize: number;
  blockCount: bigint;
  geometry: GptGeometry;
  primary: GptHeader;
  backup: GptHeader;
  partitions: GptPartition[];
  /** Protective MBR, primary header, primary entries, backup entries, backup header; nothing else is touched. */
  regions: GptRegion[];
}

export const ONE_MIB = 1024 * 1024;

export function defaultAlignment(blockSize: number): number {
  return Math.max(1, ONE_MIB / blockSize);
}

function alignUp(lba: bigint, alignment: bigint): bigint {
  return ((lba + alignment - 1n) / alignment) * alignment;
}

function positiveInteger(value: number, what: string, hint: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} ${value} is not a positive integer; ${hint}`,
    );
  }
}

/** Places the partitions one after another on aligned starts, checking that they fit. */
function place(
  specs: readonly PartitionSpec[],
  g: GptGeometry,
  alignment: bigint,
  newGuid: () => string,
): GptPartition[] {
  const partitions: GptPartition[] = [];
  const names = new Set<string>();
  let next = g.firstUsableLba;
  specs.forEach((spec, i) => {
    checkPartitionName(spec.name);
    if (names.has(spec.name)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `two partitions are named '${spec.name}'; give each partition its own name`,
      );
    }
    names.add(spec.name);
    const typeGuid = resolvePartitionType(spec.type);
    if (typeGuid === ZERO_GUID) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `partition '${spec.name}' has the zero type GUID, which marks an unused slot; give it a real type`,
      );
    }
    const firstLba = spec.firstLba ?? alignUp(next, alignment);
    let lastLba: bigint;
    if (spec.blocks === undefined) {
      if (i !== specs.length - 1) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `partition '${spec.name}' has no size but is not the last one; only the last partition can take the rest of the disk`,
        );
      }
      // End on an alignment boundary when there is room, so the size is whole MiBs.
      const alignedEnd = ((g.lastUsableLba + 1n) / alignment) * alignment - 1n;
      lastLba = alignedEnd >= firstLba ? alignedEnd : g.lastUsableLba;
    } else {
      if (spec.blocks < 1n) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `partition '${spec.name}' has ${spec.blocks} blocks; a partition needs at least one`,
        );
      }
      lastLba = firstLba + spec.blocks - 1n;
    }
    if (firstLba < g.firstUsableLba || lastLba > g.lastUsableLba || firstLba > lastLba) {
      const free = g.lastUsableLba >= firstLba ? g.lastUsableLba - firstLba + 1n : 0n;
      throw new StatusError(
        Status.ERR_NO_SPACE,
        `partition '${spec.name}' (LBA ${firstLba}..${lastLba}) does not fit in the usable range LBA ${g.firstUsableLba}..${g.lastUsableLba} (${free} blocks free from LBA ${firstLba}); make the disk bigger or the partition smaller`,
      );
    }
    partitions.push({
      index: i + 1,
      typeGuid,
      uniqueGuid: parseGuid(
        spec.uniqueGuid ?? newGuid(),
        `unique GUID of partition '${spec.name}'`,
      ),
      firstLba,
      lastLba,
      attributes: spec.attributes ?? 0n,
      name: spec.name,
    });
    next = lastLba + 1n;
  });
  const shared = checkPartitionIdentity(partitions);
  if (shared.length > 0) throw new StatusError(Status.ERR_INVALID_ARGS, shared.join('; '));
  const overlaps = checkPartitionLayout(partitions, g.firstUsableLba, g.lastUsableLba);
  if (overlaps.length > 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${overlaps.join('; ')}; move the explicit start LBAs apart`,
    );
  }
  return partitions;
}

/**
 * Lays out a complete GPT for a disk: protective MBR, primary header and
 * entries at the front, backup entries and header at the end, all CRCs filled
 * in. Returns the regions to write; the rest of the disk is left alone (zero
 * in a new image).
 */
export function writeGpt(options: GptWriteOptions): GptLayout {
  const { blockSize } = options;
  checkBlockSize(blockSize);
  const blockCount = BigInt(options.blockCount);
  const entryCount = options.entryCount ?? DEFAULT_ENTRY_COUNT;
  positiveInteger(entryCount, 'entry count', 'use 128 unless more partitions are needed');
  if (entryCount < DEFAULT_ENTRY_COUNT || entryCount * ENTRY_SIZE > MAX_ENTRY_ARRAY_BYTES) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `entry count ${entryCount} is outside ${DEFAULT_ENTRY_COUNT}..${MAX_ENTRY_ARRAY_BYTES / ENTRY_SIZE} (UEFI reserves at least 16 KiB of entries)`,
    );
  }
  if (options.partitions.length > entryCount) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${options.partitions.length} partitions do not fit in ${entryCount} entry slots; raise the entry count`,
    );
  }
  const alignment = options.alignment ?? defaultAlignment(blockSize);
  positiveInteger(
    alignment,
    'alignment',
    'give it in blocks, e.g. 2048 for 1 MiB at 512-byte blocks',
  );
  const g = gptGeometry(blockSize, blockCount, entryCount, ENTRY_SIZE);
  const newGuid = options.newGuid ?? randomGuid;
  const partitions = place(options.partitions, g, BigInt(alignment), newGuid);
  const diskGuid = parseGuid(options.diskGuid ?? newGuid(), 'disk GUID');

  const entries = encodeEntries(partitions, entryCount, ENTRY_SIZE);
  // Pad the array to whole blocks so the regions are block writes.
  const entryBlocks = new Uint8Array(Number(g.entryBlocks) * blockSize);
  entryBlocks.set(entries);
  const shared = {
    firstUsableLba: g.firstUsableLba,
    lastUsableLba: g.lastUsableLba,
    diskGuid,
    partitionEntryCount: entryCount,
    partitionEntrySize: ENTRY_SIZE,
    partitionEntryArrayCrc32: entriesCrc32(entries, entryCount, ENTRY_SIZE),
  };
  const primary = encodeHeader(
    {
      ...shared,
      myLba: PRIMARY_HEADER_LBA,
      alternateLba: g.backupHeaderLba,
      partitionEntryLba: PRIMARY_ENTRIES_LBA,
    },
    blockSize,
  );
  const backup = encodeHeader(
    {
      ...shared,
      myLba: g.backupHeaderLba,
      alternateLba: PRIMARY_HEADER_LBA,
      partitionEntryLba: g.backupEntriesLba,
    },
    blockSize,
  );
  return {
    blockSize,
    blockCount,
    geometry: g,
    primary: primary.header,
    backup: backup.header,
    partitions,
    regions: [
      { lba: 0n, bytes: encodeProtectiveMbr(blockSize, blockCount) },
      { lba: PRIMARY_HEADER_LBA, bytes: primary.block },
      { lba: PRIMARY_ENTRIES_LBA, bytes: entryBlocks },
      { lba: g.backupEntriesLba, bytes: entryBlocks },
      { lba: g.backupHeaderLba, bytes: backup.block },
    ],
  };
}

/** The largest image renderImage builds in memory; bigger disks should write the regions to a file. */
export const MAX_IN_MEMORY_IMAGE = 1024 * ONE_MIB;

/** The whole disk as bytes: zeros with the layout's regions written in. For tests and ramdisks. */
export function renderImage(layout: GptLayout): Uint8Array {
  const size = layout.blockCount * BigInt(layout.blockSize);
  if (size > BigInt(MAX_IN_MEMORY_IMAGE)) {
    throw new StatusError(
      Status.ERR_NO_MEMORY,
      `an image of ${size} bytes is too big to build in memory (limit ${MAX_IN_MEMORY_IMAGE}); write layout.regions into a file instead`,
    );
  }
  const image = new Uint8Array(Number(size));
  for (const r of layout.regions) image.set(r.bytes, Number(r.lba) * layout.blockSize);
  return image;
}
