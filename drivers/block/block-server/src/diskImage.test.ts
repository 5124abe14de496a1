import { loadFvm } from '@fdf/block-fvm';
import { readGpt } from '@fdf/block-gpt';
import { inspectZxcryptSuperblock } from '@fdf/block-zxcrypt';
import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { formatDiskImage, hasGpt, seededGuid } from './diskImage.js';
import { parseDiskImageConfig } from './diskImageConfig.js';

const BS = 512;
const BLOCKS = 16384;
const KEY = 'a0'.repeat(32);
const IMAGE = {
  guidSeed: 7,
  partitions: [{ name: 'fvm', type: 'fvm' }],
  fvm: {
    partition: 'fvm',
    sliceSize: 65536,
    volumes: [
      { name: 'data', type: 'data', slices: 4, extendSlices: 4, zxcrypt: true },
      { name: 'blob', type: 'blob', slices: 2 },
    ],
  },
  zxcryptKey: KEY,
};

function statusOf(fn: () => unknown): [Status, string] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return [err.status, err.message.replace(/^ZX_\w+: /, '')];
    throw err;
  }
  return [Status.OK, ''];
}

describe('the disk image config', () => {
  it('names the field and the fix', () => {
    const bad = (image: unknown) => statusOf(() => parseDiskImageConfig(image, 'image'));
    expect(bad({ ...IMAGE, partitions: [] })).toEqual([
      Status.ERR_INVALID_ARGS,
      'image.partitions is empty; list at least one partition',
    ]);
    expect(bad({ ...IMAGE, zxcryptKey: undefined })[1]).toMatch(
      /^image.zxcryptKey is missing; a zxcrypt volume needs a root key/,
    );
    expect(bad({ ...IMAGE, fvm: { ...IMAGE.fvm, partition: 'nope' } })[1]).toBe(
      "image.fvm.partition is 'nope', which is not among the partitions (fvm); name one of them",
    );
    expect(bad({ ...IMAGE, fvm: { ...IMAGE.fvm, sliceSize: 70000 } })[1]).toBe(
      'image.fvm.sliceSize is 70000, not a power of two; use 65536',
    );
    expect(bad({ ...IMAGE, colour: 'red' })[1]).toBe(
      'image.colour is not a known setting; known: guidSeed, partitions, fvm, zxcryptKey',
    );
    expect(
      bad({
        ...IMAGE,
        partitions: [
          { name: 'a', type: 'fvm' },
          { name: 'b', type: 'linux' },
        ],
      })[1],
    ).toBe(
      'image.partitions[0].blocks is missing; only the last partition may take the rest of the disk',
    );
  });
});

describe('formatDiskImage', () => {
  it('writes a GPT, an FVM whose data volume grew past blob, and zxcrypt in it', async () => {
    const disk = new Uint8Array(BS * BLOCKS);
    expect(hasGpt(disk, BS)).toBe(false);
    const layout = await formatDiskImage(disk, BS, BLOCKS, parseDiskImageConfig(IMAGE, 'image'));
    expect(hasGpt(disk, BS)).toBe(true);
    expect(layout.volumes).toEqual([
      { name: 'data', slices: 8, zxcrypt: true },
      { name: 'blob', slices: 2, zxcrypt: false },
    ]);
    const table = readGpt(
      (lba, count) => disk.slice(Number(lba) * BS, (Number(lba) + count) * BS),
      BS,
      BigInt(BLOCKS),
    );
    const part = table.partitions[0]!;
    expect(part.name).toBe('fvm');
    expect(part.uniqueGuid).toBe(seededGuid(7, 1));
    const start = Number(part.firstLba) * BS;
    const fvm = await loadFvm((o, n) => disk.slice(start + o, start + o + n));
    // Data's slices 4..7 come after blob's: a gap fvm splits ops across.
    const extents = fvm.mapOp(1, 0, 8 * 128, BS);
    expect(extents.length).toBe(2);
    const first = extents[0]!;
    const superblock = disk.subarray(
      start + first.devOffsetBlocks * BS,
      start + (first.devOffsetBlocks + 1) * BS,
    );
    expect(inspectZxcryptSuperblock(superblock).version).toBeGreaterThan(0);
  });

  it('builds the same layout from the same seed', async () => {
    const config = parseDiskImageConfig(IMAGE, 'image');
    const a = new Uint8Array(BS * BLOCKS);
    const b = new Uint8Array(BS * BLOCKS);
    await formatDiskImage(a, BS, BLOCKS, config);
    await formatDiskImage(b, BS, BLOCKS, config);
    // The GPT (first 34 blocks) is identical; zxcrypt's sealed key material is not.
    expect(a.subarray(0, 34 * BS)).toEqual(b.subarray(0, 34 * BS));
    expect(seededGuid(7, 0)).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
    );
  });
});
