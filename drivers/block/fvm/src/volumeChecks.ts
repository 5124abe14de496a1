/**
 * The rules Fvm.extend and Fvm.shrink apply, checked synchronously from the
 * public slice map (QuerySlices, GetInfo) so that the Banjo variant can
 * answer before the metadata write (volumeControl.ts). The FVM still checks
 * again when the change runs; these only decide the answer.
 */
import { Status, StatusError } from '@fdf/zx';
import { MAX_VSLICES } from './format/constants.js';
import type { Fvm } from './format/fvm.js';

function checkRange(what: string, vpartition: number, vslice: number, count: number): void {
  if (vslice === 0) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `cannot ${what} vpartition ${vpartition} at virtual slice 0: it belongs to the volume until it is destroyed; use slices 1..${MAX_VSLICES - 1}`,
    );
  }
  if (vslice + count > MAX_VSLICES) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `cannot ${what} vpartition ${vpartition} over [${vslice}, ${vslice + count}): the virtual space ends at ${MAX_VSLICES}`,
    );
  }
}

/** Extend: the whole range must be free, and that many physical slices too. */
export function checkExtend(fvm: Fvm, vpartition: number, vslice: number, count: number): void {
  checkRange('extend', vpartition, vslice, count);
  if (count === 0) return;
  const [run] = fvm.querySlices(vpartition, [vslice]);
  if (run === undefined || run.allocated || run.count < count) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `cannot extend vpartition ${vpartition} over [${vslice}, ${vslice + count}): part of it is already allocated; query the volume and extend only free ranges`,
    );
  }
  const info = fvm.getInfo();
  const free = info.sliceCount - info.assignedSliceCount;
  if (count > free) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `vpartition ${vpartition} needs ${count} slices but only ${free} are free; shrink or destroy another volume`,
    );
  }
}

/** Shrink: at least one slice of the range must be allocated. */
export function checkShrink(fvm: Fvm, vpartition: number, vslice: number, count: number): void {
  checkRange('shrink', vpartition, vslice, count);
  if (count === 0) return;
  const [run] = fvm.querySlices(vpartition, [vslice]);
  if (run === undefined || (!run.allocated && run.count >= count)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `cannot shrink vpartition ${vpartition}: none of virtual slices [${vslice}, ${vslice + count}) is allocated`,
    );
  }
}
