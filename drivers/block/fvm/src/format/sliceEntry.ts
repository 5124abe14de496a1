/**
 * One 8-byte entry of the slice allocation table, packed like the real
 * SliceEntry: bits 0..15 the owning vpartition (0 = free), bits 16..47 the
 * virtual slice, bits 48..63 reserved (written as zero, ignored on read).
 */

export interface SliceEntry {
  vpartition: number;
  vslice: number;
}

export function readSliceEntry(view: DataView, offset: number): SliceEntry {
  const low = view.getUint32(offset, true);
  const high = view.getUint32(offset + 4, true);
  return { vpartition: low & 0xffff, vslice: (low >>> 16) + (high & 0xffff) * 0x10000 };
}

export function writeSliceEntry(
  view: DataView,
  offset: number,
  vpartition: number,
  vslice: number,
): void {
  view.setUint32(offset, (vpartition & 0xffff) | ((vslice & 0xffff) << 16), true);
  view.setUint32(offset + 4, Math.floor(vslice / 0x10000) & 0xffff, true);
}
