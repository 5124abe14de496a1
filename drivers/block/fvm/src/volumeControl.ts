/**
 * fdf.block/Volume for one volume, written once for both variants:
 * QuerySlices and GetInfo answer from the slice map; Extend and Shrink edit
 * it and write the metadata through the parent (format/fvm.ts keeps the
 * A/B copies), with the ChangeGate holding this FVM's block ops meanwhile.
 *
 * Banjo's Volume calls are synchronous but a metadata write is not, so the
 * Banjo variant answers Extend and Shrink from a synchronous check of the
 * same rules the FVM applies (volumeChecks.ts), then starts the change; ops
 * queued after the answer wait for the write in the gate. A write that then
 * fails rolls the change back, is logged as an error and counted
 * (`volume.errors`); the caller already heard ZX_OK. One change at a time:
 * a Banjo call while one is in flight answers ZX_ERR_SHOULD_WAIT.
 */
import type { block } from '@fdf/bindings';
import type { DriverCounters, DriverLogger } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import type { ChangeGate } from './changeGate.js';
import type { Fvm } from './format/fvm.js';
import { checkExtend, checkShrink } from './volumeChecks.js';

export class VolumeControl {
  readonly #fvm: Fvm;
  readonly #vpartition: number;
  readonly #gate: ChangeGate;
  readonly #counters: DriverCounters;
  readonly #logger: DriverLogger;

  constructor(
    fvm: Fvm,
    vpartition: number,
    gate: ChangeGate,
    counters: DriverCounters,
    logger: DriverLogger,
  ) {
    this.#fvm = fvm;
    this.#vpartition = vpartition;
    this.#gate = gate;
    this.#counters = counters;
    this.#logger = logger;
  }

  querySlices(startSlices: readonly bigint[]): block.VsliceRange[] {
    const starts = startSlices.map((s) => sliceNumber(s, 'start slice'));
    return this.#fvm
      .querySlices(this.#vpartition, starts)
      .map((r) => ({ allocated: r.allocated, count: BigInt(r.count) }));
  }

  getInfo(): block.Volume_GetInfo_Response {
    const info = this.#fvm.getInfo();
    return {
      manager: {
        sliceSize: BigInt(info.sliceSize),
        sliceCount: BigInt(info.sliceCount),
        assignedSliceCount: BigInt(info.assignedSliceCount),
        maximumSliceCount: BigInt(info.maximumSliceCount),
        maxVirtualSlice: BigInt(info.maxVirtualSlice),
      },
      volume: {
        partitionSliceCount: BigInt(this.#fvm.volume(this.#vpartition).sliceCount),
        // Slice limits are not implemented (format README): 0 means no limit.
        sliceLimit: 0n,
      },
    };
  }

  extend(offsetSlice: bigint, sliceCount: bigint): Promise<void> {
    return this.#change('extend', offsetSlice, sliceCount, (v, s, n) => this.#fvm.extend(v, s, n));
  }

  shrink(offsetSlice: bigint, sliceCount: bigint): Promise<void> {
    return this.#change('shrink', offsetSlice, sliceCount, (v, s, n) => this.#fvm.shrink(v, s, n));
  }

  /** Banjo's Extend: the answer now, the metadata write after (see the module comment). */
  extendNow(offsetSlice: bigint, sliceCount: bigint): Status {
    return this.#now('extend', offsetSlice, sliceCount, checkExtend, (s, n) => this.extend(s, n));
  }

  shrinkNow(offsetSlice: bigint, sliceCount: bigint): Status {
    return this.#now('shrink', offsetSlice, sliceCount, checkShrink, (s, n) => this.shrink(s, n));
  }

  #change(
    what: string,
    offsetSlice: bigint,
    sliceCount: bigint,
    apply: (vpartition: number, vslice: number, count: number) => Promise<void>,
  ): Promise<void> {
    this.#counters.add('volume.changes');
    return this.#gate
      .run(() =>
        apply(
          this.#vpartition,
          sliceNumber(offsetSlice, `${what} offset`),
          sliceNumber(sliceCount, `${what} count`),
        ),
      )
      .catch((err: unknown) => {
        this.#counters.add('volume.errors');
        throw err;
      });
  }

  #now(
    what: string,
    offsetSlice: bigint,
    sliceCount: bigint,
    check: (fvm: Fvm, vpartition: number, vslice: number, count: number) => void,
    start: (offsetSlice: bigint, sliceCount: bigint) => Promise<void>,
  ): Status {
    if (this.#gate.busy) {
      this.#logger.warn(
        `Banjo ${what} of vpartition ${this.#vpartition} refused with ZX_ERR_SHOULD_WAIT: another volume change is still writing metadata; retry once it finished`,
      );
      return Status.ERR_SHOULD_WAIT;
    }
    try {
      check(
        this.#fvm,
        this.#vpartition,
        sliceNumber(offsetSlice, `${what} offset`),
        sliceNumber(sliceCount, `${what} count`),
      );
    } catch (err) {
      this.#counters.add('volume.errors');
      return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
    }
    start(offsetSlice, sliceCount).catch((err: unknown) => {
      this.#logger.error(
        `Banjo ${what} of vpartition ${this.#vpartition} at slice ${offsetSlice} (+${sliceCount}) was answered ZX_OK but failed while writing metadata, and was rolled back: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return Status.OK;
  }
}

/** A slice number or count from the wire (u64) as a JS number; past 2^53 is out of any range. */
function sliceNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `${what} ${value} is past the FVM's virtual slice space; use values below 2^31`,
    );
  }
  return Number(value);
}
