import { Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { FVM_MAGIC, formatFvm, headerForDisk, loadFvm, MAX_VSLICES } from '../src/index.js';
import { instance, memoryDisk, statusOf, TYPE_A, TYPE_B } from './memoryDisk.js';

const MiB = 1024 * 1024;

describe('formatFvm', () => {
  it('lays out header, copy A, copy B and the data start as the real FVM', () => {
    const image = formatFvm(64 * MiB, MiB);
    // One copy: header block 8 KiB + partition table 64 KiB + allocation table 8 KiB.
    expect(image.byteLength).toBe(2 * 81920);
    const view = new DataView(image.buffer);
    expect(view.getBigUint64(0, true)).toBe(FVM_MAGIC);
    expect(new TextDecoder().decode(image.subarray(0, 8))).toBe('FVM PART');
    expect(view.getBigUint64(8, true)).toBe(1n); // major version
    expect(view.getBigUint64(16, true)).toBe(63n); // pslice count: (64 MiB - 160 KiB) / 1 MiB
    expect(view.getBigUint64(24, true)).toBe(BigInt(MiB));
    expect(view.getBigUint64(32, true)).toBe(BigInt(163840 + 63 * MiB)); // fvm partition size
    expect(view.getBigUint64(40, true)).toBe(65536n);
    expect(view.getBigUint64(48, true)).toBe(8192n);
    expect(view.getBigUint64(56, true)).toBe(0n); // generation
    expect(view.getBigUint64(96, true)).toBe(1n); // oldest minor version
    expect(Buffer.compare(image.subarray(81920), image.subarray(0, 81920))).toBe(0);
  });

  it('sizes the allocation table for a device that may grow', () => {
    const header = headerForDisk(64 * MiB, 8192, { maxDiskBytes: 1024 * MiB });
    expect(header.allocationTableSize).toBe(Math.ceil((8 * (131072 + 1)) / 8192) * 8192);
    expect(header.psliceCount).toBeLessThan(8192);
  });

  it('rejects slice sizes that are not multiples of 8 KiB and disks too small for a slice', async () => {
    expect((await statusOf(() => formatFvm(64 * MiB, 4096))).status).toBe(Status.ERR_INVALID_ARGS);
    expect((await statusOf(() => formatFvm(64 * MiB, 0))).status).toBe(Status.ERR_INVALID_ARGS);
    const small = await statusOf(() => formatFvm(200 * 1024, MiB));
    expect(small.status).toBe(Status.ERR_NO_SPACE);
    expect(small.message).toMatch(/no room for a 1048576-byte slice/);
    expect((await statusOf(() => formatFvm(64 * MiB, MiB, { maxDiskBytes: MiB }))).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
  });
});

describe('format and load round trip', () => {
  it('loads an empty FVM with the formatted geometry', async () => {
    const disk = memoryDisk(64 * MiB, formatFvm(64 * MiB, MiB));
    const fvm = await loadFvm(disk.read, { diskBytes: 64 * MiB });
    expect(fvm.getInfo()).toEqual({
      sliceSize: MiB,
      sliceCount: 63,
      assignedSliceCount: 0,
      maximumSliceCount: 1023,
      maxVirtualSlice: MAX_VSLICES,
    });
    expect(fvm.volumes()).toEqual([]);
    expect(fvm.metadataInfo()).toMatchObject({
      activeCopy: 'A',
      generation: 0n,
      dataStartBytes: 163840,
    });
  });

  it('persists volumes, names, GUIDs, flags and slice maps across a reload', async () => {
    const disk = memoryDisk(16 * MiB, formatFvm(16 * MiB, 64 * 1024));
    const fvm = await loadFvm(disk.read, { diskBytes: 16 * MiB, write: disk.write });
    const blob = await fvm.allocateVolume('blobfs', TYPE_A, instance(1), 3);
    const data = await fvm.allocateVolume('data-ünïcode', TYPE_B, instance(2), 2, {
      inactive: true,
    });
    await fvm.extend(blob, 10, 2);
    await fvm.shrink(blob, 1, 1);

    const again = await loadFvm(disk.read, { diskBytes: 16 * MiB });
    expect(again.volumes()).toEqual(fvm.volumes());
    expect(again.volumes().map((v) => [v.index, v.name, v.sliceCount, v.inactive])).toEqual([
      [blob, 'blobfs', 4, false],
      [data, 'data-ünïcode', 2, true],
    ]);
    expect(again.volume(blob).type).toEqual(TYPE_A);
    expect(again.volume(data).instance).toEqual(instance(2));
    expect(again.allocations()).toEqual(fvm.allocations());
    expect(again.querySlices(blob, [0, 1, 2, 3, 10])).toEqual([
      { allocated: true, count: 1 },
      { allocated: false, count: 1 },
      { allocated: true, count: 1 },
      { allocated: false, count: 7 },
      { allocated: true, count: 2 },
    ]);
    expect(again.metadataInfo().generation).toBe(4n);
  });

  it('writes each change to the inactive copy and then makes it active', async () => {
    const disk = memoryDisk(16 * MiB, formatFvm(16 * MiB, 64 * 1024));
    const fvm = await loadFvm(disk.read, { write: disk.write });
    const copyB = fvm.metadataInfo().metadataAllocatedBytes;
    const used = fvm.metadataInfo().metadataUsedBytes;
    await fvm.allocateVolume('a', TYPE_A, instance(1), 1);
    expect(fvm.metadataInfo()).toMatchObject({ activeCopy: 'B', generation: 1n });
    await fvm.extend(1, 1, 1);
    expect(fvm.metadataInfo()).toMatchObject({ activeCopy: 'A', generation: 2n });
    expect(disk.writes).toEqual([
      { offset: copyB, length: used },
      { offset: 0, length: used },
    ]);
  });

  it('names longer than 24 bytes or with NUL are refused before anything is written', async () => {
    const disk = memoryDisk(16 * MiB, formatFvm(16 * MiB, 64 * 1024));
    const fvm = await loadFvm(disk.read, { write: disk.write });
    const long = await statusOf(() => fvm.allocateVolume('x'.repeat(25), TYPE_A, instance(1), 1));
    expect(long.status).toBe(Status.ERR_INVALID_ARGS);
    expect(long.message).toMatch(/at most 24/);
    expect((await statusOf(() => fvm.allocateVolume('a\0b', TYPE_A, instance(1), 1))).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
    expect(
      (await statusOf(() => fvm.allocateVolume('ok', new Uint8Array(15), instance(1), 1))).status,
    ).toBe(Status.ERR_INVALID_ARGS);
    expect(await fvm.allocateVolume('x'.repeat(24), TYPE_A, instance(1), 1)).toBe(1);
    expect(disk.writes).toHaveLength(1);
  });
});
