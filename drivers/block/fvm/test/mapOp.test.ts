import { Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { formatFvm, loadFvm, MAX_VSLICES, type Fvm, type PhysicalExtent } from '../src/index.js';
import { instance, memoryDisk, statusOf, TYPE_A, TYPE_B, type MemoryDisk } from './memoryDisk.js';

const SLICE = 64 * 1024;
const BLOCK = 512;
const PER_SLICE = SLICE / BLOCK; // 128
const DATA_START = 163840 / BLOCK; // 320: after two 80 KiB metadata copies
const SIZE = 2 * 81920 + 16 * SLICE;

/**
 * Volume "a" owns pslices 1, 2 (vslices 0, 1) and 5 (vslice 2); volume "b"
 * owns pslices 3 and 4 in between: a's vslice 1 -> 2 crosses a gap.
 */
async function interleaved(): Promise<{ fvm: Fvm; disk: MemoryDisk; a: number; b: number }> {
  const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
  const fvm = await loadFvm(disk.read, { write: disk.write });
  const a = await fvm.allocateVolume('a', TYPE_A, instance(1), 2);
  const b = await fvm.allocateVolume('b', TYPE_B, instance(2), 2);
  await fvm.extend(a, 2, 1);
  return { fvm, disk, a, b };
}

function pslice(n: number): number {
  return DATA_START + (n - 1) * PER_SLICE;
}

describe('mapOp', () => {
  it('maps an op inside one slice to one extent', async () => {
    const { fvm, b } = await interleaved();
    expect(fvm.mapOp(b, PER_SLICE + 5, 10, BLOCK)).toEqual([
      { devOffsetBlocks: pslice(4) + 5, lengthBlocks: 10, opOffsetBlocks: 0 },
    ]);
  });

  it('keeps physically contiguous slices as one extent', async () => {
    const { fvm, a } = await interleaved();
    expect(fvm.mapOp(a, 0, 2 * PER_SLICE, BLOCK)).toEqual([
      { devOffsetBlocks: pslice(1), lengthBlocks: 2 * PER_SLICE, opOffsetBlocks: 0 },
    ]);
  });

  it('splits exactly where the slices stop being contiguous', async () => {
    const { fvm, a } = await interleaved();
    const extents = fvm.mapOp(a, 100, 200, BLOCK);
    expect(extents).toEqual([
      { devOffsetBlocks: pslice(1) + 100, lengthBlocks: 156, opOffsetBlocks: 0 },
      { devOffsetBlocks: pslice(5), lengthBlocks: 44, opOffsetBlocks: 156 },
    ]);
    expect(extents.reduce((sum, e) => sum + e.lengthBlocks, 0)).toBe(200);
  });

  it('works in other block sizes that divide the slice', async () => {
    const { fvm, a } = await interleaved();
    // 16 blocks per slice: blocks 15 and 16 sit in pslices 1 and 2, which touch.
    expect(fvm.mapOp(a, 15, 2, 4096)).toEqual([
      { devOffsetBlocks: 163840 / 4096 + 15, lengthBlocks: 2, opOffsetBlocks: 0 },
    ]);
    expect(fvm.mapOp(a, 2 * 16 - 1, 2, 4096)).toEqual([
      { devOffsetBlocks: 163840 / 4096 + 31, lengthBlocks: 1, opOffsetBlocks: 0 },
      { devOffsetBlocks: 163840 / 4096 + 4 * 16, lengthBlocks: 1, opOffsetBlocks: 1 },
    ]);
    const bad = await statusOf(() => fvm.mapOp(a, 0, 1, 3000));
    expect(bad.status).toBe(Status.ERR_INVALID_ARGS);
    expect((await statusOf(() => fvm.mapOp(a, 0, 1, 16384))).status).toBe(Status.ERR_INVALID_ARGS);
  });

  it('fails with ERR_OUT_OF_RANGE naming the unallocated slice and the volume', async () => {
    const { fvm, a } = await interleaved();
    const err = await statusOf(() => fvm.mapOp(a, 3 * PER_SLICE - 1, 2, BLOCK));
    expect(err.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(err.message).toMatch(/virtual slice 3 of volume "a" \(vpartition 1\) is not allocated/);
    expect(err.message).toMatch(/extend the volume/);
  });

  it('refuses empty ops and ops past the virtual space', async () => {
    const { fvm, a } = await interleaved();
    expect((await statusOf(() => fvm.mapOp(a, 0, 0, BLOCK))).status).toBe(Status.ERR_INVALID_ARGS);
    const end = MAX_VSLICES * PER_SLICE;
    expect((await statusOf(() => fvm.mapOp(a, end - 1, 2, BLOCK))).status).toBe(
      Status.ERR_OUT_OF_RANGE,
    );
    expect((await statusOf(() => fvm.mapOp(a, -1, 1, BLOCK))).status).toBe(Status.ERR_OUT_OF_RANGE);
    // The last block is in range; it is just not allocated.
    expect((await statusOf(() => fvm.mapOp(a, end - 1, 1, BLOCK))).message).toMatch(
      /virtual slice 2147483647/,
    );
  });

  it('moves data to the right physical bytes and back', async () => {
    const { fvm, disk, a, b } = await interleaved();
    const length = 3 * PER_SLICE - 10;
    const payload = Uint8Array.from({ length: length * BLOCK }, (_, i) => (i * 7 + 3) & 0xff);
    const copy = (extents: PhysicalExtent[], toDisk: boolean, buffer: Uint8Array): void => {
      for (const e of extents) {
        const dev = e.devOffsetBlocks * BLOCK;
        const op = e.opOffsetBlocks * BLOCK;
        const n = e.lengthBlocks * BLOCK;
        if (toDisk) disk.bytes.set(buffer.subarray(op, op + n), dev);
        else buffer.set(disk.bytes.subarray(dev, dev + n), op);
      }
    };
    copy(fvm.mapOp(a, 5, length, BLOCK), true, payload);
    // Volume b's slices (pslices 3 and 4) were not touched.
    expect(disk.bytes.subarray(pslice(3) * BLOCK, pslice(5) * BLOCK).every((x) => x === 0)).toBe(
      true,
    );
    const back = new Uint8Array(payload.length);
    copy(fvm.mapOp(a, 5, length, BLOCK), false, back);
    expect(Buffer.compare(back, payload)).toBe(0);
    // The byte at volume block PER_SLICE*2 (vslice 2) lives at the start of pslice 5.
    expect(disk.bytes[pslice(5) * BLOCK]).toBe(payload[(2 * PER_SLICE - 5) * BLOCK]);
    expect(b).toBe(2);
  });
});
