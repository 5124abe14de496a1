import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { formatFvm, loadFvm } from '../src/index.js';
import { generationAtLeast } from '../src/format/load.js';
import { sealHash } from '../src/format/metadataHash.js';
import { flip, instance, memoryDisk, rng, statusOf, TYPE_A } from './memoryDisk.js';

const MiB = 1024 * 1024;
const SIZE = 16 * MiB;
const SLICE = 64 * 1024;
// One copy: 8 KiB header + 64 KiB partition table + 8 KiB allocation table.
const COPY_B = 81920;
const PARTITION_TABLE = 8192;
const ALLOCATION_TABLE = 8192 + 65536;

/** A disk where copy A has generation 0 (no volumes) and copy B generation 1 (one volume). */
async function twoGenerations() {
  const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
  const fvm = await loadFvm(disk.read, { write: disk.write });
  await fvm.allocateVolume('blobfs', TYPE_A, instance(1), 2);
  return disk;
}

describe('loadFvm picks a copy', () => {
  it('takes the valid copy with the newest generation', async () => {
    const disk = await twoGenerations();
    const fvm = await loadFvm(disk.read);
    expect(fvm.metadataInfo()).toMatchObject({ activeCopy: 'B', generation: 1n });
    expect(fvm.volumes()).toHaveLength(1);
  });

  it('takes copy A on equal generations (a fresh format)', async () => {
    const fvm = await loadFvm(memoryDisk(SIZE, formatFvm(SIZE, SLICE)).read);
    expect(fvm.metadataInfo().activeCopy).toBe('A');
  });

  it('falls back to copy B when copy A is corrupt', async () => {
    const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
    const fvm = await loadFvm(disk.read, { write: disk.write });
    await fvm.allocateVolume('one', TYPE_A, instance(1), 1); // gen 1 -> B
    await fvm.allocateVolume('two', TYPE_A, instance(2), 1); // gen 2 -> A
    flip(disk.bytes, PARTITION_TABLE + 64 + 40, 0xff); // a byte of volume 1's name in copy A
    const loaded = await loadFvm(disk.read);
    expect(loaded.metadataInfo()).toMatchObject({ activeCopy: 'B', generation: 1n });
    expect(loaded.volumes().map((v) => v.name)).toEqual(['one']);
  });

  it('falls back to copy A when copy B is corrupt, and the next write repairs B', async () => {
    const disk = await twoGenerations();
    flip(disk.bytes, COPY_B + ALLOCATION_TABLE + 8, 0x01); // slice entry 1 of copy B
    const fvm = await loadFvm(disk.read, { write: disk.write });
    expect(fvm.metadataInfo()).toMatchObject({ activeCopy: 'A', generation: 0n });
    expect(fvm.volumes()).toEqual([]);
    await fvm.allocateVolume('again', TYPE_A, instance(3), 1);
    expect((await loadFvm(disk.read)).metadataInfo()).toMatchObject({
      activeCopy: 'B',
      generation: 1n,
    });
  });

  it('fails with ERR_IO_DATA_INTEGRITY naming both reasons when both copies are bad', async () => {
    const disk = await twoGenerations();
    flip(disk.bytes, PARTITION_TABLE + 200, 1);
    flip(disk.bytes, COPY_B, 1); // copy B's magic
    const err = await statusOf(() => loadFvm(disk.read));
    expect(err.status).toBe(Status.ERR_IO_DATA_INTEGRITY);
    expect(err.message).toMatch(
      /Copy A \(offset 0\): SHA-256 over the first \d+ bytes does not match/,
    );
    expect(err.message).toMatch(/Copy B \(offset 81920\): header: bad magic/);
    expect(err.message).toMatch(/reformat/);
  });

  it('cannot find copy B when copy A has no usable table sizes', async () => {
    const disk = await twoGenerations();
    disk.bytes.fill(0xee, 40, 56);
    const err = await statusOf(() => loadFvm(disk.read));
    expect(err.status).toBe(Status.ERR_IO_DATA_INTEGRITY);
    expect(err.message).toMatch(/copy B cannot be located/);
  });

  it('refuses a device that is not an FVM', async () => {
    const err = await statusOf(() => loadFvm(memoryDisk(SIZE).read));
    expect(err.status).toBe(Status.ERR_IO_DATA_INTEGRITY);
  });

  it('rejects a header that claims more than the device holds', async () => {
    const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
    const err = await statusOf(() => loadFvm(disk.read, { diskBytes: 8 * MiB }));
    expect(err.status).toBe(Status.ERR_IO_DATA_INTEGRITY);
    expect(err.message).toMatch(/exceeds the device's 8388608 bytes/);
  });

  it('treats a short read as an invalid copy, and a failing read as an I/O error', async () => {
    const image = formatFvm(SIZE, SLICE);
    const truncated = memoryDisk(COPY_B + 1000, image);
    const fvm = await loadFvm(truncated.read);
    expect(fvm.metadataInfo().activeCopy).toBe('A');
    const tooSmall = await statusOf(() => loadFvm(memoryDisk(100).read));
    expect(tooSmall.status).toBe(Status.ERR_IO);
    const failing = await statusOf(() =>
      loadFvm(() => {
        throw new StatusError(Status.ERR_IO_NOT_PRESENT, 'device gone');
      }),
    );
    expect(failing.status).toBe(Status.ERR_IO_NOT_PRESENT);
    expect(failing.message).toMatch(/reading the first header block/);
  });

  it('rejects a copy whose hash is right but whose tables disagree', async () => {
    const disk = await twoGenerations();
    // Make copy B's slice entry 3 claim vpartition 1, then re-seal B's hash:
    // volume 1 now owns 3 slices while its entry says 2.
    const view = new DataView(disk.bytes.buffer);
    view.setUint32(COPY_B + ALLOCATION_TABLE + 3 * 8, 1 | (5 << 16), true);
    sealHash(disk.bytes.subarray(COPY_B), 81920);
    const fvm = await loadFvm(disk.read);
    expect(fvm.metadataInfo().activeCopy).toBe('A');
    // With copy A damaged too the reason for B shows.
    flip(disk.bytes, PARTITION_TABLE + 1, 1);
    const err = await statusOf(() => loadFvm(disk.read));
    expect(err.message).toMatch(
      /partition entry 1 claims 2 slices but the allocation table gives it 3/,
    );
  });

  it('compares generations the way the real FVM does across wrap-around', () => {
    expect(generationAtLeast(5n, 4n)).toBe(true);
    expect(generationAtLeast(4n, 4n)).toBe(true);
    expect(generationAtLeast(3n, 4n)).toBe(false);
    expect(generationAtLeast(0n, 0xffffffffffffffffn)).toBe(true);
    expect(generationAtLeast(0xffffffffffffffffn, 0n)).toBe(false);
  });

  it('never fails with anything but a StatusError on random damage', async () => {
    const pristine = (await twoGenerations()).bytes;
    const next = rng(1234);
    for (let round = 0; round < 200; round++) {
      const damaged = pristine.slice(0, 2 * COPY_B);
      const flips = 1 + next(20);
      for (let i = 0; i < flips; i++) {
        // Bias towards the headers, where damage changes the geometry.
        const at = next(4) === 0 ? next(104) + (next(2) === 0 ? 0 : COPY_B) : next(damaged.length);
        damaged[at] = next(256);
      }
      try {
        const fvm = await loadFvm((offset, length) => damaged.slice(offset, offset + length), {
          diskBytes: SIZE,
        });
        fvm.getInfo();
        fvm.volumes();
      } catch (err) {
        expect(err).toBeInstanceOf(StatusError);
      }
    }
  });
});

describe('metadata writes', () => {
  it('a failed write leaves memory and disk as they were, and the next change still works', async () => {
    const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
    let fail = false;
    const fvm = await loadFvm(disk.read, {
      write: (offset, bytes) => {
        if (fail) throw new Error('cable pulled');
        disk.write(offset, bytes);
      },
    });
    const blob = await fvm.allocateVolume('blobfs', TYPE_A, instance(1), 2);
    fail = true;
    const err = await statusOf(() => fvm.extend(blob, 5, 3));
    expect(err.status).toBe(Status.ERR_IO);
    expect(err.message).toMatch(/writing FVM metadata copy A .*cable pulled/);
    expect(fvm.volume(blob).sliceCount).toBe(2);
    expect(fvm.querySlices(blob, [5])).toEqual([{ allocated: false, count: MAX_FREE_AFTER_5 }]);
    expect(fvm.metadataInfo()).toMatchObject({ activeCopy: 'B', generation: 1n });
    expect(fvm.getInfo().assignedSliceCount).toBe(2);
    fail = false;
    await fvm.extend(blob, 5, 3);
    expect((await loadFvm(disk.read)).volume(blob).sliceCount).toBe(5);
  });

  it('a volume manager loaded without a write callback is read-only', async () => {
    const fvm = await loadFvm(memoryDisk(SIZE, formatFvm(SIZE, SLICE)).read);
    const err = await statusOf(() => fvm.allocateVolume('x', TYPE_A, instance(1), 1));
    expect(err.status).toBe(Status.ERR_ACCESS_DENIED);
    expect(err.message).toMatch(/pass \{ write \} to loadFvm/);
  });

  it('serializes concurrent changes', async () => {
    const disk = memoryDisk(SIZE, formatFvm(SIZE, SLICE));
    const fvm = await loadFvm(disk.read, {
      write: async (offset, bytes) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        disk.write(offset, bytes);
      },
    });
    const results = await Promise.all([
      fvm.allocateVolume('a', TYPE_A, instance(1), 1),
      fvm.allocateVolume('b', TYPE_A, instance(2), 1),
      fvm.allocateVolume('c', TYPE_A, instance(3), 1),
    ]);
    expect(results).toEqual([1, 2, 3]);
    const loaded = await loadFvm(disk.read);
    expect(loaded.metadataInfo().generation).toBe(3n);
    expect(loaded.volumes().map((v) => v.name)).toEqual(['a', 'b', 'c']);
  });
});

const MAX_FREE_AFTER_5 = 2 ** 31 - 5;
