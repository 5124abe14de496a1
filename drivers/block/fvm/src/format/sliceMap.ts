/**
 * One volume's virtual -> physical slice map. The hot lookup (`get`) is a
 * Map; the questions about runs (`query`, `allocatedIn`) use a sorted list of
 * virtual slices, rebuilt lazily after a change since changes are rare.
 */
import { MAX_VSLICES } from './constants.js';

/** A run of virtual slices that are all allocated or all free (QuerySlices' answer). */
export interface SliceRange {
  allocated: boolean;
  count: number;
}

export class SliceMap {
  private readonly map = new Map<number, number>();
  private sorted: number[] | undefined;

  get size(): number {
    return this.map.size;
  }

  /** The physical slice behind `vslice`, or undefined when it is not allocated. */
  get(vslice: number): number | undefined {
    return this.map.get(vslice);
  }

  set(vslice: number, pslice: number): void {
    this.map.set(vslice, pslice);
    this.sorted = undefined;
  }

  delete(vslice: number): void {
    this.map.delete(vslice);
    this.sorted = undefined;
  }

  /** Allocated virtual slices in ascending order. */
  vslices(): readonly number[] {
    this.sorted ??= [...this.map.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  /** Allocated virtual slices in [start, end), ascending. */
  allocatedIn(start: number, end: number): number[] {
    const all = this.vslices();
    const out: number[] = [];
    for (let i = lowerBound(all, start); i < all.length && (all[i] ?? end) < end; i++)
      out.push(all[i] ?? 0);
    return out;
  }

  /**
   * The run that starts at `vslice`: how many consecutive virtual slices from
   * there are allocated (or free, up to the next allocated one or the end of
   * the virtual space).
   */
  query(vslice: number): SliceRange {
    const all = this.vslices();
    const i = lowerBound(all, vslice);
    if (all[i] === vslice) {
      let j = i;
      while (j + 1 < all.length && all[j + 1] === (all[j] ?? 0) + 1) j++;
      return { allocated: true, count: j - i + 1 };
    }
    const next = all[i];
    return { allocated: false, count: (next ?? MAX_VSLICES) - vslice };
  }
}

/** Index of the first element >= value. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Infinity) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
