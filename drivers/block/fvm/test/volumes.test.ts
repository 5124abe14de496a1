import { Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { formatFvm, headerForDisk, loadFvm, MAX_VSLICES, type Fvm } from '../src/index.js';
import { instance, memoryDisk, statusOf, TYPE_A, TYPE_B } from './memoryDisk.js';

const MiB = 1024 * 1024;
const SLICE = 64 * 1024;

/** An FVM with `slices` physical slices of 64 KiB. */
async function fvmWithSlices(slices: number): Promise<{ fvm: Fvm; writes: () => number }> {
  // Metadata for small disks is 2 x 80 KiB; bigger tables need a little more.
  let size = 2 * 81920 + slices * SLICE;
  while (headerForDisk(size, SLICE).psliceCount < slices) size += SLICE;
  const disk = memoryDisk(size, formatFvm(size, SLICE));
  const fvm = await loadFvm(disk.read, { diskBytes: size, write: disk.write });
  expect(fvm.getInfo().sliceCount).toBe(slices);
  return { fvm, writes: () => disk.writes.length };
}

describe('allocateVolume', () => {
  it('numbers volumes from 1, gives them slices [0, n) and reuses freed numbers', async () => {
    const { fvm } = await fvmWithSlices(10);
    expect(await fvm.allocateVolume('a', TYPE_A, instance(1), 2)).toBe(1);
    expect(await fvm.allocateVolume('b', TYPE_B, instance(2), 3)).toBe(2);
    expect(fvm.querySlices(2, [0, 3])).toEqual([
      { allocated: true, count: 3 },
      { allocated: false, count: MAX_VSLICES - 3 },
    ]);
    expect(fvm.getInfo().assignedSliceCount).toBe(5);
    await fvm.destroyVolume(1);
    expect(fvm.volumes().map((v) => v.index)).toEqual([2]);
    expect(fvm.getInfo().assignedSliceCount).toBe(3);
    expect(await fvm.allocateVolume('c', TYPE_A, instance(3), 1)).toBe(1);
  });

  it('refuses zero slices (ERR_OUT_OF_RANGE) and more slices than are free (ERR_NO_SPACE)', async () => {
    const { fvm, writes } = await fvmWithSlices(4);
    expect((await statusOf(() => fvm.allocateVolume('a', TYPE_A, instance(1), 0))).status).toBe(
      Status.ERR_OUT_OF_RANGE,
    );
    const full = await statusOf(() => fvm.allocateVolume('a', TYPE_A, instance(1), 5));
    expect(full.status).toBe(Status.ERR_NO_SPACE);
    expect(full.message).toMatch(/needs 5 slices but only 4 of 4 are free/);
    expect(fvm.volumes()).toEqual([]);
    expect(writes()).toBe(0);
  });

  it('fails with ERR_NO_SPACE when all 1023 partition entries are used', async () => {
    const { fvm } = await fvmWithSlices(1030);
    for (let i = 1; i <= 1023; i++) await fvm.allocateVolume(`v${i}`, TYPE_A, instance(i), 1);
    const err = await statusOf(() => fvm.allocateVolume('one-too-many', TYPE_A, instance(0), 1));
    expect(err.status).toBe(Status.ERR_NO_SPACE);
    expect(err.message).toMatch(/partition table is full/);
  });
});

describe('extend', () => {
  it('allocates exactly the requested virtual slices', async () => {
    const { fvm } = await fvmWithSlices(10);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    await fvm.extend(v, 4, 3);
    expect(fvm.querySlices(v, [0, 1, 4, 7])).toEqual([
      { allocated: true, count: 1 },
      { allocated: false, count: 3 },
      { allocated: true, count: 3 },
      { allocated: false, count: MAX_VSLICES - 7 },
    ]);
    expect(fvm.volume(v).sliceCount).toBe(4);
  });

  it('refuses slice 0 and ranges past the virtual space with ERR_OUT_OF_RANGE', async () => {
    const { fvm } = await fvmWithSlices(10);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    const zero = await statusOf(() => fvm.extend(v, 0, 1));
    expect(zero.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(zero.message).toMatch(/virtual slice 0/);
    expect((await statusOf(() => fvm.extend(v, MAX_VSLICES - 1, 2))).status).toBe(
      Status.ERR_OUT_OF_RANGE,
    );
    expect((await statusOf(() => fvm.extend(v, MAX_VSLICES + 1, 0))).status).toBe(
      Status.ERR_OUT_OF_RANGE,
    );
    expect((await statusOf(() => fvm.extend(v, 1, -1))).status).toBe(Status.ERR_INVALID_ARGS);
    await fvm.extend(v, MAX_VSLICES - 1, 1); // the very last virtual slice is fine
  });

  it('refuses a range overlapping allocated slices with ERR_INVALID_ARGS and allocates nothing', async () => {
    const { fvm, writes } = await fvmWithSlices(10);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    await fvm.extend(v, 5, 1);
    const before = writes();
    const err = await statusOf(() => fvm.extend(v, 3, 4));
    expect(err.status).toBe(Status.ERR_INVALID_ARGS);
    expect(err.message).toMatch(/slice 5 is already allocated/);
    expect(fvm.volume(v).sliceCount).toBe(2);
    expect(fvm.querySlices(v, [3])).toEqual([{ allocated: false, count: 2 }]);
    expect(writes()).toBe(before);
  });

  it('fails with ERR_NO_SPACE, all or nothing, when too few physical slices are free', async () => {
    const { fvm } = await fvmWithSlices(5);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 2);
    const err = await statusOf(() => fvm.extend(v, 2, 4));
    expect(err.status).toBe(Status.ERR_NO_SPACE);
    expect(fvm.volume(v).sliceCount).toBe(2);
    await fvm.extend(v, 2, 3);
    expect(fvm.getInfo().assignedSliceCount).toBe(5);
  });

  it('with count 0 succeeds without writing', async () => {
    const { fvm, writes } = await fvmWithSlices(5);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    const before = writes();
    await fvm.extend(v, 3, 0);
    await fvm.shrink(v, 3, 0);
    expect(writes()).toBe(before);
  });

  it('fails with ERR_NOT_FOUND for a volume that does not exist', async () => {
    const { fvm } = await fvmWithSlices(5);
    for (const bad of [0, 1, 1023, 1024, -1, 1.5]) {
      const err = await statusOf(() => fvm.extend(bad, 1, 1));
      expect(err.status).toBe(Status.ERR_NOT_FOUND);
    }
    expect((await statusOf(() => fvm.querySlices(7, [0]))).status).toBe(Status.ERR_NOT_FOUND);
  });
});

describe('shrink', () => {
  it('frees the allocated slices in the range and skips the free ones', async () => {
    const { fvm } = await fvmWithSlices(10);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 4);
    await fvm.extend(v, 6, 2);
    await fvm.shrink(v, 2, 5); // frees 2, 3 and 6; 4 and 5 were free
    expect(fvm.querySlices(v, [0, 2, 7])).toEqual([
      { allocated: true, count: 2 },
      { allocated: false, count: 5 },
      { allocated: true, count: 1 },
    ]);
    expect(fvm.getInfo().assignedSliceCount).toBe(3);
  });

  it('refuses a range with nothing allocated (ERR_INVALID_ARGS) and slice 0 (ERR_OUT_OF_RANGE)', async () => {
    const { fvm } = await fvmWithSlices(10);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 2);
    const none = await statusOf(() => fvm.shrink(v, 5, 10));
    expect(none.status).toBe(Status.ERR_INVALID_ARGS);
    expect(none.message).toMatch(/none of virtual slices \[5, 15\)/);
    expect((await statusOf(() => fvm.shrink(v, 0, 1))).status).toBe(Status.ERR_OUT_OF_RANGE);
  });

  it('lets freed slices go to another volume', async () => {
    const { fvm } = await fvmWithSlices(4);
    const a = await fvm.allocateVolume('a', TYPE_A, instance(1), 4);
    await fvm.shrink(a, 1, 3);
    const b = await fvm.allocateVolume('b', TYPE_B, instance(2), 3);
    expect(fvm.allocations()).toEqual([
      { pslice: 1, vpartition: a, vslice: 0 },
      { pslice: 2, vpartition: b, vslice: 0 },
      { pslice: 3, vpartition: b, vslice: 1 },
      { pslice: 4, vpartition: b, vslice: 2 },
    ]);
  });
});

describe('querySlices', () => {
  it('answers up to 16 starts and refuses more (ERR_BUFFER_TOO_SMALL) or out-of-range starts', async () => {
    const { fvm } = await fvmWithSlices(4);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    expect(fvm.querySlices(v, [])).toEqual([]);
    expect(fvm.querySlices(v, new Array<number>(16).fill(0))).toHaveLength(16);
    expect((await statusOf(() => fvm.querySlices(v, new Array<number>(17).fill(0)))).status).toBe(
      Status.ERR_BUFFER_TOO_SMALL,
    );
    expect((await statusOf(() => fvm.querySlices(v, [MAX_VSLICES]))).status).toBe(
      Status.ERR_OUT_OF_RANGE,
    );
    expect(fvm.querySlices(v, [MAX_VSLICES - 1])).toEqual([{ allocated: false, count: 1 }]);
  });

  it('reports the volume block count as allocated slices times blocks per slice', async () => {
    const { fvm } = await fvmWithSlices(4);
    const v = await fvm.allocateVolume('a', TYPE_A, instance(1), 3);
    expect(fvm.volumeBlockCount(v, 512)).toBe((3 * SLICE) / 512);
    expect(fvm.getInfo().maximumSliceCount).toBeGreaterThanOrEqual(4);
    expect(MiB).toBeGreaterThan(SLICE);
  });
});
