import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import {
  PartitionType,
  gptGeometry,
  readGptFromImage,
  renderImage,
  writeGpt,
  type GptWriteOptions,
} from '../src/index.js';
import { DISK, sequentialGuids } from './craft.js';

const MiB = 1024 * 1024;

function statusOf(work: () => unknown): { status: Status; message: string } {
  try {
    work();
  } catch (err) {
    if (err instanceof StatusError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new StatusError(Status.ERR_BAD_STATE, 'expected a StatusError');
}

function options(blockSize: number, extra: Partial<GptWriteOptions> = {}): GptWriteOptions {
  const mib = BigInt(MiB / blockSize);
  return {
    blockSize,
    blockCount: (32 * MiB) / blockSize,
    diskGuid: DISK,
    newGuid: sequentialGuids(),
    partitions: [
      { name: 'boot', type: 'efi', blocks: 2n * mib, attributes: 1n },
      { name: 'fvm', type: 'fvm', blocks: 16n * mib },
      { name: 'data ✓', type: 'data' },
    ],
    ...extra,
  };
}

describe.each([512, 4096])('writeGpt then readGpt with %i-byte blocks', (blockSize) => {
  const layout = writeGpt(options(blockSize));
  const image = renderImage(layout);
  const table = readGptFromImage(image, blockSize);
  const mib = BigInt(MiB / blockSize);
  const g = gptGeometry(blockSize, BigInt(image.length / blockSize));

  it('reads back exactly what was written, from the primary, without problems', () => {
    expect(table.problems).toEqual([]);
    expect(table.source).toBe('primary');
    expect(table.header).toEqual(layout.primary);
    expect(table.partitions).toEqual(layout.partitions);
  });

  it('puts the table where UEFI says: entries from LBA 2, backup entries and header at the end', () => {
    const entryBlocks = BigInt(16384 / blockSize);
    expect(layout.primary).toMatchObject({
      myLba: 1n,
      alternateLba: g.backupHeaderLba,
      partitionEntryLba: 2n,
      firstUsableLba: 2n + entryBlocks,
      lastUsableLba: g.backupHeaderLba - entryBlocks - 1n,
    });
    expect(layout.backup).toMatchObject({
      myLba: g.backupHeaderLba,
      alternateLba: 1n,
      partitionEntryLba: g.backupHeaderLba - entryBlocks,
      partitionEntryArrayCrc32: layout.primary.partitionEntryArrayCrc32,
    });
    expect(layout.regions.map((r) => [r.lba, r.bytes.length / blockSize])).toEqual([
      [0n, 1],
      [1n, 1],
      [2n, Number(entryBlocks)],
      [g.backupEntriesLba, Number(entryBlocks)],
      [g.backupHeaderLba, 1],
    ]);
  });

  it('starts partitions on 1 MiB boundaries and ends the last one on a whole MiB', () => {
    expect(table.partitions.map((p) => [p.index, p.name, p.firstLba, p.lastLba])).toEqual([
      [1, 'boot', mib, 3n * mib - 1n],
      [2, 'fvm', 3n * mib, 19n * mib - 1n],
      // 32 MiB minus the backup table leaves 31 whole MiB.
      [3, 'data ✓', 19n * mib, 31n * mib - 1n],
    ]);
    expect(table.partitions.map((p) => p.typeGuid)).toEqual([
      PartitionType.EFI_SYSTEM,
      PartitionType.FUCHSIA_FVM,
      PartitionType.FUCHSIA_DATA,
    ]);
    expect(table.partitions[0]!.attributes).toBe(1n);
  });

  it('survives the loss of either copy', () => {
    const noPrimary = image.slice();
    noPrimary.fill(0, blockSize, 2 * blockSize);
    expect(readGptFromImage(noPrimary, blockSize).partitions).toEqual(layout.partitions);
    const noBackup = image.slice();
    noBackup.fill(0, image.length - blockSize);
    expect(readGptFromImage(noBackup, blockSize).partitions).toEqual(layout.partitions);
  });
});

describe('writeGpt placement', () => {
  it('honours an explicit start and a custom alignment', () => {
    const layout = writeGpt(
      options(512, {
        alignment: 8,
        partitions: [
          { name: 'a', type: 'linux', blocks: 10n },
          { name: 'b', type: 'linux', firstLba: 1000n, blocks: 10n },
          { name: 'c', type: 'linux', blocks: 3n },
        ],
      }),
    );
    expect(layout.partitions.map((p) => [p.firstLba, p.lastLba])).toEqual([
      [40n, 49n],
      [1000n, 1009n],
      [1016n, 1018n],
    ]);
  });

  it('ends at the last usable block when no aligned end fits, as sgdisk does', () => {
    const layout = writeGpt({
      blockSize: 512,
      blockCount: 2100,
      partitions: [{ name: 'all', type: 'linux' }],
    });
    expect(layout.partitions[0]).toMatchObject({ firstLba: 2048n, lastLba: 2066n });
    expect(readGptFromImage(renderImage(layout), 512).problems).toEqual([]);
  });

  it('uses random unique and disk GUIDs unless given', () => {
    const a = writeGpt({
      blockSize: 512,
      blockCount: 4096,
      partitions: [{ name: 'x', type: 'linux' }],
    });
    const b = writeGpt({
      blockSize: 512,
      blockCount: 4096,
      partitions: [{ name: 'x', type: 'linux' }],
    });
    expect(a.primary.diskGuid).not.toBe(b.primary.diskGuid);
    expect(a.partitions[0]!.uniqueGuid).not.toBe(b.partitions[0]!.uniqueGuid);
  });
});

describe('writeGpt refuses what would not be a valid table', () => {
  const cases: [string, Partial<GptWriteOptions>, Status, RegExp][] = [
    [
      'a partition bigger than the disk',
      { partitions: [{ name: 'big', type: 'fvm', blocks: 1n << 20n }] },
      Status.ERR_NO_SPACE,
      /partition 'big' \(LBA 2048\.\.1050623\) does not fit in the usable range LBA 34\.\.65502 \(63455 blocks free from LBA 2048\); make the disk bigger/,
    ],
    [
      'a disk too small for the table',
      { blockCount: 60, partitions: [] },
      Status.ERR_NO_SPACE,
      /a disk of 60 blocks of 512 bytes cannot hold a GPT with 128 entries; it needs at least 68 blocks/,
    ],
    [
      'a name longer than 36 UTF-16 units',
      { partitions: [{ name: 'x'.repeat(37), type: 'fvm', blocks: 8n }] },
      Status.ERR_INVALID_ARGS,
      /is 37 UTF-16 code units; GPT names hold at most 36/,
    ],
    [
      'two partitions with the same name',
      {
        partitions: [
          { name: 'a', type: 'fvm', blocks: 8n },
          { name: 'a', type: 'fvm', blocks: 8n },
        ],
      },
      Status.ERR_INVALID_ARGS,
      /two partitions are named 'a'/,
    ],
    [
      'a size missing on a partition that is not last',
      {
        partitions: [
          { name: 'a', type: 'fvm' },
          { name: 'b', type: 'fvm', blocks: 8n },
        ],
      },
      Status.ERR_INVALID_ARGS,
      /only the last partition can take the rest of the disk/,
    ],
    [
      'overlapping explicit starts',
      {
        partitions: [
          { name: 'a', type: 'fvm', blocks: 4096n },
          { name: 'b', type: 'fvm', firstLba: 4000n, blocks: 8n },
        ],
      },
      Status.ERR_INVALID_ARGS,
      /partition 1 'a' \(LBA 2048\.\.6143\) and partition 2 'b' \(LBA 4000\.\.4007\) overlap; move the explicit start LBAs apart/,
    ],
    [
      'a start inside the primary table',
      { partitions: [{ name: 'a', type: 'fvm', firstLba: 10n, blocks: 8n }] },
      Status.ERR_NO_SPACE,
      /does not fit in the usable range LBA 34\.\./,
    ],
    [
      'the zero type GUID',
      { partitions: [{ name: 'a', type: '00000000-0000-0000-0000-000000000000', blocks: 8n }] },
      Status.ERR_INVALID_ARGS,
      /zero type GUID, which marks an unused slot/,
    ],
    [
      'an unknown type alias',
      { partitions: [{ name: 'a', type: 'ext4', blocks: 8n }] },
      Status.ERR_INVALID_ARGS,
      /neither a known alias/,
    ],
    [
      'two partitions with the same unique GUID',
      {
        partitions: [
          { name: 'a', type: 'fvm', blocks: 8n, uniqueGuid: DISK },
          { name: 'b', type: 'fvm', blocks: 8n, uniqueGuid: DISK.toLowerCase() },
        ],
      },
      Status.ERR_INVALID_ARGS,
      /partitions 1 and 2 share the unique GUID 11111111-2222-3333-4444-555555555555; give each partition its own/,
    ],
    [
      'a bad disk GUID',
      { diskGuid: 'disk-1' },
      Status.ERR_INVALID_ARGS,
      /disk GUID 'disk-1' is not a GUID/,
    ],
    [
      'a zero-block partition',
      { partitions: [{ name: 'a', type: 'fvm', blocks: 0n }] },
      Status.ERR_INVALID_ARGS,
      /needs at least one/,
    ],
    [
      'a block size of 1000',
      { blockSize: 1000 },
      Status.ERR_INVALID_ARGS,
      /block size 1000 is not supported/,
    ],
    [
      'an alignment of 0',
      { alignment: 0 },
      Status.ERR_INVALID_ARGS,
      /alignment 0 is not a positive integer/,
    ],
    [
      'fewer than 128 entries',
      { entryCount: 16 },
      Status.ERR_INVALID_ARGS,
      /entry count 16 is outside 128\.\.8192/,
    ],
  ];
  it.each(cases)('%s', (_what, extra, status, message) => {
    const result = statusOf(() => writeGpt(options(512, extra)));
    expect(result.status).toBe(status);
    expect(result.message).toMatch(message);
  });

  it('builds images in memory only up to 1 GiB', () => {
    const layout = writeGpt({ blockSize: 4096, blockCount: 1n << 20n, partitions: [] });
    expect(statusOf(() => renderImage(layout)).status).toBe(Status.ERR_NO_MEMORY);
  });
});
