/**
 * The volume manager over one loaded FVM: allocate, extend, shrink and
 * destroy volumes, answer QuerySlices and GetInfo, and map ops to the device.
 *
 * Every change follows the real FVM's A/B protocol: edit the in-memory state,
 * bump the generation, write the whole used part of the *inactive* copy, and
 * only then treat that copy as the active one. A failed write rolls the
 * in-memory state back, so memory never runs ahead of what a reload shows.
 * Changes are serialized: each waits for the previous one's write.
 */
import { Status, StatusError } from '@fdf/zx';
import {
  FVM_MINOR_VERSION,
  MAX_SLICE_QUERY_REQUESTS,
  MAX_VPARTITIONS,
  MAX_VSLICES,
  VPARTITION_FLAG_INACTIVE,
  VPARTITION_FLAG_MASK,
} from './constants.js';
import { dataStartBytes, metadataAllocatedBytes, metadataUsedBytes } from './header.js';
import { mapOp, type PhysicalExtent } from './mapOp.js';
import { cloneState, encodeMetadataCopy, type FvmState } from './metadataCopy.js';
import { checkGuid, encodeName, entryName, type PartitionEntry } from './partitionEntry.js';
import { SliceMap, type SliceRange } from './sliceMap.js';
import type { FvmInfo, FvmMetadataInfo, FvmVolume, FvmWrite, SliceAllocation } from './types.js';

export class Fvm {
  private state: FvmState;
  private active: 'A' | 'B';
  private readonly write: FvmWrite | undefined;
  /** Indexed by vpartition; undefined for free entries. */
  private maps: (SliceMap | undefined)[] = [];
  private assigned = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** Use `loadFvm`; this wraps a state that has already been validated. */
  constructor(state: FvmState, activeCopy: 'A' | 'B', write: FvmWrite | undefined) {
    this.state = state;
    this.active = activeCopy;
    this.write = write;
    this.rebuildMaps();
  }

  getInfo(): FvmInfo {
    const header = this.state.header;
    return {
      sliceSize: header.sliceSize,
      sliceCount: header.psliceCount,
      assignedSliceCount: this.assigned,
      maximumSliceCount: header.allocationTableSize / 8 - 1,
      maxVirtualSlice: MAX_VSLICES,
    };
  }

  metadataInfo(): FvmMetadataInfo {
    const header = this.state.header;
    return {
      activeCopy: this.active,
      generation: header.generation,
      majorVersion: header.majorVersion,
      oldestMinorVersion: header.oldestMinorVersion,
      metadataAllocatedBytes: metadataAllocatedBytes(header),
      metadataUsedBytes: metadataUsedBytes(header),
      dataStartBytes: dataStartBytes(header),
      fvmPartitionSize: header.fvmPartitionSize,
    };
  }

  /** The allocated volumes, by vpartition number. */
  volumes(): FvmVolume[] {
    const out: FvmVolume[] = [];
    this.state.entries.forEach((entry, index) => {
      if (entry !== undefined) out.push(describe(index, entry));
    });
    return out;
  }

  volume(vpartition: number): FvmVolume {
    return describe(vpartition, this.entry(vpartition));
  }

  /** Blocks the volume's allocated slices hold, the block_count its BlockInfo reports. */
  volumeBlockCount(vpartition: number, blockSize: number): number {
    return (this.entry(vpartition).slices * this.state.header.sliceSize) / blockSize;
  }

  /** Every owned physical slice, ascending. */
  allocations(): SliceAllocation[] {
    const out: SliceAllocation[] = [];
    const { sliceOwner, sliceVslice } = this.state;
    for (let pslice = 1; pslice < sliceOwner.length; pslice++) {
      const vpartition = sliceOwner[pslice] ?? 0;
      if (vpartition !== 0) out.push({ pslice, vpartition, vslice: sliceVslice[pslice] ?? 0 });
    }
    return out;
  }

  /**
   * Creates a volume owning virtual slices [0, slices) and returns its
   * vpartition number. ERR_NO_SPACE when the partition table is full or
   * fewer than `slices` physical slices are free.
   */
  allocateVolume(
    name: string,
    type: Uint8Array,
    instance: Uint8Array,
    slices: number,
    options: { inactive?: boolean } = {},
  ): Promise<number> {
    let index = 0;
    return this.mutate(`allocate volume ${JSON.stringify(name)}`, (state) => {
      if (!Number.isSafeInteger(slices) || slices <= 0 || slices >= 0xffffffff) {
        throw new StatusError(
          Status.ERR_OUT_OF_RANGE,
          `a new volume needs 1..${0xffffffff - 1} slices, got ${slices}`,
        );
      }
      const entry: PartitionEntry = {
        type: checkGuid(type, 'type'),
        instance: checkGuid(instance, 'instance'),
        slices: 0,
        flags: options.inactive === true ? VPARTITION_FLAG_INACTIVE : 0,
        nameBytes: encodeName(name),
      };
      index = state.entries.findIndex((e, i) => i > 0 && e === undefined);
      if (index === -1 || index >= MAX_VPARTITIONS) {
        throw new StatusError(
          Status.ERR_NO_SPACE,
          `the partition table is full (${MAX_VPARTITIONS - 1} volumes); destroy a volume first`,
        );
      }
      this.requireFree(slices, `volume ${JSON.stringify(name)}`);
      state.entries[index] = entry;
      this.maps[index] = new SliceMap();
      this.allocate(index, 0, slices);
      return true;
    }).then(() => index);
  }

  /**
   * Allocates virtual slices [vslice, vslice+count) of a volume, all or none.
   * As in the real FVM: vslice 0 or a range past the virtual space is
   * ERR_OUT_OF_RANGE, an already allocated slice in the range is
   * ERR_INVALID_ARGS, too few free physical slices is ERR_NO_SPACE.
   */
  extend(vpartition: number, vslice: number, count: number): Promise<void> {
    return this.mutate(`extend vpartition ${vpartition}`, () => {
      const label = this.label(vpartition);
      checkExtent('extend', label, vslice, count);
      if (count === 0) return false;
      const taken = this.mapOf(vpartition).allocatedIn(vslice, vslice + count);
      if (taken.length > 0) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `cannot extend ${label} over virtual slices [${vslice}, ${vslice + count}): slice ${taken[0]} is already allocated; query the volume and extend only free ranges`,
        );
      }
      this.requireFree(count, label);
      this.allocate(vpartition, vslice, count);
      return true;
    }).then(() => undefined);
  }

  /**
   * Frees the allocated virtual slices in [vslice, vslice+count). ERR_INVALID_ARGS
   * when none of them is allocated; vslice 0 is ERR_OUT_OF_RANGE (a volume
   * keeps slice 0 until destroyVolume).
   */
  shrink(vpartition: number, vslice: number, count: number): Promise<void> {
    return this.mutate(`shrink vpartition ${vpartition}`, () => {
      const label = this.label(vpartition);
      checkExtent('shrink', label, vslice, count);
      if (count === 0) return false;
      const owned = this.mapOf(vpartition).allocatedIn(vslice, vslice + count);
      if (owned.length === 0) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `cannot shrink ${label}: none of virtual slices [${vslice}, ${vslice + count}) is allocated`,
        );
      }
      for (const v of owned) this.free(vpartition, v);
      return true;
    }).then(() => undefined);
  }

  /** Frees all of a volume's slices and its partition entry. */
  destroyVolume(vpartition: number): Promise<void> {
    return this.mutate(`destroy vpartition ${vpartition}`, (state) => {
      const map = this.mapOf(vpartition);
      for (const v of [...map.vslices()]) this.free(vpartition, v);
      state.entries[vpartition] = undefined;
      this.maps[vpartition] = undefined;
      return true;
    }).then(() => undefined);
  }

  /**
   * For each start slice, the run of allocated or free virtual slices that
   * begins there (fuchsia.hardware.block.volume QuerySlices).
   */
  querySlices(vpartition: number, vslices: readonly number[]): SliceRange[] {
    const map = this.mapOf(vpartition);
    if (vslices.length > MAX_SLICE_QUERY_REQUESTS) {
      throw new StatusError(
        Status.ERR_BUFFER_TOO_SMALL,
        `querySlices takes at most ${MAX_SLICE_QUERY_REQUESTS} start slices, got ${vslices.length}; split the query`,
      );
    }
    return vslices.map((vslice) => {
      if (!Number.isSafeInteger(vslice) || vslice < 0 || vslice >= MAX_VSLICES) {
        throw new StatusError(
          Status.ERR_OUT_OF_RANGE,
          `virtual slice ${vslice} of ${this.label(vpartition)} is outside 0..${MAX_VSLICES - 1}`,
        );
      }
      return map.query(vslice);
    });
  }

  /**
   * Maps an op on a volume, in blocks of `blockSize`, to extents on the
   * device under the FVM (offsets from the FVM's start). ERR_OUT_OF_RANGE
   * names the first unallocated slice.
   */
  mapOp(
    vpartition: number,
    offsetBlocks: number,
    lengthBlocks: number,
    blockSize: number,
  ): PhysicalExtent[] {
    const geometry = {
      sliceSize: this.state.header.sliceSize,
      dataStartBytes: dataStartBytes(this.state.header),
    };
    return mapOp(
      this.mapOf(vpartition),
      geometry,
      () => this.label(vpartition),
      offsetBlocks,
      lengthBlocks,
      blockSize,
    );
  }

  // --- internals -----------------------------------------------------------

  private entry(vpartition: number): PartitionEntry {
    const entry = Number.isInteger(vpartition) ? this.state.entries[vpartition] : undefined;
    if (vpartition <= 0 || entry === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no volume at vpartition ${vpartition}; volumes are numbered 1..${MAX_VPARTITIONS - 1} and volumes() lists the allocated ones`,
      );
    }
    return entry;
  }

  private mapOf(vpartition: number): SliceMap {
    this.entry(vpartition);
    const map = this.maps[vpartition];
    if (map === undefined)
      throw new StatusError(
        Status.ERR_INTERNAL,
        `vpartition ${vpartition} has an entry but no slice map`,
      );
    return map;
  }

  private label(vpartition: number): string {
    return `volume ${JSON.stringify(entryName(this.entry(vpartition)))} (vpartition ${vpartition})`;
  }

  private requireFree(count: number, label: string): void {
    const free = this.state.header.psliceCount - this.assigned;
    if (count > free) {
      throw new StatusError(
        Status.ERR_NO_SPACE,
        `${label} needs ${count} slices but only ${free} of ${this.state.header.psliceCount} are free; shrink or destroy another volume`,
      );
    }
  }

  /** Backs [vslice, vslice+count) with the lowest free physical slices. Space was checked. */
  private allocate(vpartition: number, vslice: number, count: number): void {
    const { sliceOwner, sliceVslice } = this.state;
    const entry = this.entry(vpartition);
    const map = this.mapOf(vpartition);
    let pslice = 1;
    for (let i = 0; i < count; i++) {
      while (pslice < sliceOwner.length && sliceOwner[pslice] !== 0) pslice++;
      if (pslice >= sliceOwner.length) {
        throw new StatusError(
          Status.ERR_INTERNAL,
          `ran out of free slices after the free count said ${count} were available`,
        );
      }
      sliceOwner[pslice] = vpartition;
      sliceVslice[pslice] = vslice + i;
      map.set(vslice + i, pslice);
      entry.slices++;
      this.assigned++;
    }
  }

  private free(vpartition: number, vslice: number): void {
    const map = this.mapOf(vpartition);
    const pslice = map.get(vslice);
    if (pslice === undefined) return;
    this.state.sliceOwner[pslice] = 0;
    this.state.sliceVslice[pslice] = 0;
    map.delete(vslice);
    this.entry(vpartition).slices--;
    this.assigned--;
  }

  private rebuildMaps(): void {
    const { entries, sliceOwner, sliceVslice } = this.state;
    this.maps = entries.map((entry) => (entry === undefined ? undefined : new SliceMap()));
    this.assigned = 0;
    for (let pslice = 1; pslice < sliceOwner.length; pslice++) {
      const owner = sliceOwner[pslice] ?? 0;
      if (owner === 0) continue;
      this.maps[owner]?.set(sliceVslice[pslice] ?? 0, pslice);
      this.assigned++;
    }
  }

  /**
   * Runs `change` after every earlier change, then persists it to the
   * inactive copy. `change` returns false when there is nothing to write.
   * Any throw, from `change` or from the write, leaves the state as it was.
   */
  private mutate(what: string, change: (state: FvmState) => boolean): Promise<void> {
    const run = async (): Promise<void> => {
      const write = this.write;
      if (write === undefined) {
        throw new StatusError(
          Status.ERR_ACCESS_DENIED,
          `cannot ${what}: this FVM was loaded without a write callback (read-only); pass { write } to loadFvm`,
        );
      }
      const before = cloneState(this.state);
      try {
        if (!change(this.state)) return;
        const header = this.state.header;
        header.generation = (header.generation + 1n) & 0xffffffffffffffffn;
        header.oldestMinorVersion = Math.min(header.oldestMinorVersion, FVM_MINOR_VERSION);
        const target = this.active === 'A' ? 'B' : 'A';
        const offset = target === 'A' ? 0 : metadataAllocatedBytes(header);
        const bytes = encodeMetadataCopy(this.state);
        try {
          await write(offset, bytes);
        } catch (err) {
          throw writeFailure(
            err,
            `writing FVM metadata copy ${target} (${bytes.byteLength} bytes at offset ${offset}) to ${what}`,
          );
        }
        this.active = target;
      } catch (err) {
        this.state = before;
        this.rebuildMaps();
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function describe(index: number, entry: PartitionEntry): FvmVolume {
  return {
    index,
    name: entryName(entry),
    type: entry.type.slice(),
    instance: entry.instance.slice(),
    sliceCount: entry.slices,
    flags: entry.flags & VPARTITION_FLAG_MASK,
    inactive: (entry.flags & VPARTITION_FLAG_INACTIVE) !== 0,
  };
}

/** The real RequestBoundCheck: slice 0 and ranges past the virtual space are out of range. */
function checkExtent(what: string, label: string, vslice: number, count: number): void {
  if (!Number.isSafeInteger(vslice) || !Number.isSafeInteger(count) || count < 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} ${label}: start ${vslice} and count ${count} must be non-negative integers`,
    );
  }
  if (vslice === 0) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `cannot ${what} ${label} at virtual slice 0: slice 0 belongs to the volume from allocation until destroyVolume; use slices 1..${MAX_VSLICES - 1}`,
    );
  }
  if (vslice > MAX_VSLICES || count > MAX_VSLICES || vslice + count > MAX_VSLICES) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `cannot ${what} ${label} over [${vslice}, ${vslice + count}): the virtual space ends at slice ${MAX_VSLICES}`,
    );
  }
}

function writeFailure(err: unknown, context: string): StatusError {
  if (err instanceof StatusError) return new StatusError(err.status, `${context}: ${err.message}`);
  const reason = err instanceof Error ? err.message : String(err);
  return new StatusError(
    Status.ERR_IO,
    `${context} failed: ${reason}; the active copy is unchanged, retry the operation`,
  );
}
