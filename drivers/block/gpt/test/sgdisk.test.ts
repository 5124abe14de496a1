import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import {
  PartitionType,
  readGptFromImage,
  renderImage,
  writeGpt,
  type GptTable,
} from '../src/index.js';
import { requireSgdisk, sgdisk, sgdiskInfo, sgdiskPrint, sgdiskVerify } from './sgdisk.js';

const MiB = 1024 * 1024;
const DISK_GUID = '6E2F4B1A-0C3D-4E5F-8A9B-0C1D2E3F4A5B';
const FVM_UNIQUE = '01234567-89AB-CDEF-0123-456789ABCDEF';
const LONG_NAME = 'abcdefghijklmnopqrstuvwxyz0123456789'; // exactly 36 UTF-16 units

let dir: string;
let image: string;
let bytes: Uint8Array;
let table: GptTable;

beforeAll(() => {
  requireSgdisk();
  dir = mkdtempSync(join(tmpdir(), 'gpt-sgdisk-'));
  image = join(dir, 'disk.img');
  writeFileSync(image, '');
  truncateSync(image, 64 * MiB);
  // Slots 3 and 4 stay empty on purpose: partition numbers must survive gaps.
  sgdisk(
    '-o',
    '-U', DISK_GUID,
    '-n', '1:2048:+8M', '-t', '1:8300', '-c', '1:alpha', '-A', '1:set:2',
    '-n', `2:0:+16M`, '-t', `2:${PartitionType.FUCHSIA_FVM}`, '-c', '2:fvm', '-u', `2:${FVM_UNIQUE}`,
    '-n', '5:0:+4M', '-t', '5:ef00', '-c', '5:ESP é',
    '-n', '6:0:0', '-t', '6:f10c', '-c', `6:${LONG_NAME}`, '-A', '6:set:48', '-A', '6:set:60',
    image,
  ); // prettier-ignore
  bytes = new Uint8Array(readFileSync(image));
  table = readGptFromImage(bytes, 512);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('an image written by sgdisk', () => {
  it('reads cleanly from the primary copy', () => {
    expect(table.source).toBe('primary');
    expect(table.problems).toEqual([]);
  });

  it('has the disk GUID, entry count and usable range sgdisk -p prints', () => {
    const printed = sgdiskPrint(image);
    expect(table.header.diskGuid).toBe(printed.diskGuid);
    expect(table.header.partitionEntryCount).toBe(printed.entryCount);
    expect(table.header.firstUsableLba).toBe(printed.firstUsable);
    expect(table.header.lastUsableLba).toBe(printed.lastUsable);
    expect(table.header.diskGuid).toBe(DISK_GUID);
  });

  it('has exactly the partitions sgdisk -p lists, with their numbers, starts and ends', () => {
    const printed = sgdiskPrint(image);
    expect(table.partitions.map((p) => [p.index, p.firstLba, p.lastLba])).toEqual(
      printed.partitions.map((p) => [p.number, p.start, p.end]),
    );
    expect(table.partitions.map((p) => p.index)).toEqual([1, 2, 5, 6]);
  });

  it('has the type GUID, unique GUID, attributes and name sgdisk -i prints for each partition', () => {
    for (const p of table.partitions) {
      const info = sgdiskInfo(image, p.index);
      expect({
        typeGuid: p.typeGuid,
        uniqueGuid: p.uniqueGuid,
        first: p.firstLba,
        last: p.lastLba,
        attributes: p.attributes,
        name: p.name,
      }).toEqual(info);
    }
    const [alpha, fvm, esp, blob] = table.partitions;
    expect(alpha).toMatchObject({
      name: 'alpha',
      typeGuid: PartitionType.LINUX_FILESYSTEM,
      attributes: 4n,
    });
    expect(fvm).toMatchObject({
      name: 'fvm',
      typeGuid: PartitionType.FUCHSIA_FVM,
      uniqueGuid: FVM_UNIQUE,
    });
    expect(esp).toMatchObject({ name: 'ESP é', typeGuid: PartitionType.EFI_SYSTEM });
    expect(blob).toMatchObject({
      name: LONG_NAME,
      typeGuid: PartitionType.FUCHSIA_BLOB,
      attributes: (1n << 60n) | (1n << 48n),
    });
  });

  it('has a protective MBR byte-identical to the one writeGpt builds', () => {
    const ours = writeGpt({ blockSize: 512, blockCount: bytes.length / 512, partitions: [] });
    expect(ours.regions[0]!.bytes).toEqual(bytes.subarray(0, 512));
  });
});

describe('a damaged sgdisk image', () => {
  const corrupt = (...offsets: number[]): Uint8Array => {
    const copy = bytes.slice();
    for (const o of offsets) copy[o] = copy[o]! ^ 0xff;
    return copy;
  };
  const lastLba = 64 * MiB / 512 - 1; // prettier-ignore
  const PRIMARY_HEADER = 512 + 56; // a byte of the disk GUID, covered by the header CRC
  const PRIMARY_ENTRIES = 2 * 512 + 60; // a name byte of entry 1
  const BACKUP_HEADER = lastLba * 512 + 56;
  const BACKUP_ENTRIES = (lastLba - 32) * 512 + 60;

  it('falls back to the backup when the primary header is corrupt, and says so', () => {
    const t = readGptFromImage(corrupt(PRIMARY_HEADER), 512);
    expect(t.source).toBe('backup');
    expect(t.header.myLba).toBe(BigInt(lastLba));
    expect(t.partitions).toEqual(table.partitions);
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatch(
      /primary GPT header at LBA 1 is unusable \(header CRC32 is 0x[0-9A-F]{8} but/,
    );
    expect(t.problems[0]).toContain(`read from the backup at LBA ${lastLba}`);
  });

  it('falls back to the backup when the primary entry array is corrupt, and says so', () => {
    const t = readGptFromImage(corrupt(PRIMARY_ENTRIES), 512);
    expect(t.source).toBe('backup');
    expect(t.partitions).toEqual(table.partitions);
    expect(t.problems[0]).toMatch(
      /entry array CRC32 at LBA 2 is 0x[0-9A-F]{8} but the header expects/,
    );
  });

  it('uses the primary and reports the backup when only the backup is corrupt', () => {
    const t = readGptFromImage(corrupt(BACKUP_ENTRIES), 512);
    expect(t.source).toBe('primary');
    expect(t.partitions).toEqual(table.partitions);
    expect(t.problems[0]).toMatch(
      new RegExp(`backup GPT header at LBA ${lastLba} is unusable \\(entry array CRC32`),
    );
  });

  it('fails with ERR_IO_DATA_INTEGRITY, naming both checks, when both copies are corrupt', () => {
    const damaged = corrupt(PRIMARY_HEADER, BACKUP_HEADER);
    let err: unknown;
    try {
      readGptFromImage(damaged, 512);
    } catch (e) {
      err = e;
    }
    expect(StatusError.is(err, Status.ERR_IO_DATA_INTEGRITY)).toBe(true);
    const message = (err as StatusError).message;
    expect(message).toContain('both GPT copies are damaged');
    expect(message).toMatch(/primary GPT header at LBA 1 failed \(header CRC32/);
    expect(message).toMatch(
      new RegExp(`backup GPT header at LBA ${lastLba} failed \\(header CRC32`),
    );
    expect(message).toContain('restore the disk from a good image or recreate the table');
  });

  it('agrees with sgdisk that a corrupt primary still leaves a readable disk', () => {
    const file = join(dir, 'primary-corrupt.img');
    writeFileSync(file, corrupt(PRIMARY_HEADER));
    // sgdisk also loads the backup and lists the same partitions.
    const printed = sgdiskPrint(file);
    expect(printed.partitions.map((p) => [p.number, p.start, p.end])).toEqual(
      table.partitions.map((p) => [p.index, p.firstLba, p.lastLba]),
    );
  });
  it('is repaired by the command the problem message suggests (sgdisk -e)', () => {
    for (const offset of [PRIMARY_HEADER, BACKUP_ENTRIES]) {
      const file = join(dir, `repair-${offset}.img`);
      writeFileSync(file, corrupt(offset));
      expect(readGptFromImage(readFileSync(file), 512).problems[0]).toContain('`sgdisk -e`');
      sgdisk('-e', file);
      const repaired = readGptFromImage(readFileSync(file), 512);
      expect(repaired.source).toBe('primary');
      expect(repaired.problems).toEqual([]);
      expect(repaired.partitions).toEqual(table.partitions);
    }
  });
});

describe('an image written by writeGpt', () => {
  it('passes sgdisk -v and sgdisk shows exactly our partitions', () => {
    const layout = writeGpt({
      blockSize: 512,
      blockCount: (48 * MiB) / 512,
      diskGuid: DISK_GUID,
      partitions: [
        { name: 'alpha', type: 'linux', blocks: BigInt((8 * MiB) / 512), attributes: 4n },
        { name: 'fvm', type: 'fvm', blocks: BigInt((16 * MiB) / 512), uniqueGuid: FVM_UNIQUE },
        { name: 'ESP é', type: 'efi', firstLba: BigInt((30 * MiB) / 512), blocks: 2048n },
        { name: LONG_NAME, type: 'data' },
      ],
    });
    const file = join(dir, 'ours.img');
    writeFileSync(file, renderImage(layout));
    expect(sgdiskVerify(file)).toContain('No problems found');
    const printed = sgdiskPrint(file);
    expect(printed.diskGuid).toBe(DISK_GUID);
    expect(printed.firstUsable).toBe(34n);
    expect(printed.lastUsable).toBe(BigInt((48 * MiB) / 512 - 34));
    expect(printed.partitions.map((p) => [p.number, p.start, p.end])).toEqual([
      [1, 2048n, 18431n],
      [2, 18432n, 51199n],
      [3, 61440n, 63487n],
      // The rest of the disk, cut at the last whole MiB.
      [4, 63488n, 96255n],
    ]);
    for (const p of layout.partitions) {
      expect(sgdiskInfo(file, p.index)).toEqual({
        typeGuid: p.typeGuid,
        uniqueGuid: p.uniqueGuid,
        first: p.firstLba,
        last: p.lastLba,
        attributes: p.attributes,
        name: p.name,
      });
    }
  });

  it('passes sgdisk -v with an empty table and with 256 entry slots', () => {
    for (const [entryCount, partitions] of [
      [128, []],
      [256, [{ name: 'only', type: 'fvm' }]],
    ] as const) {
      const file = join(dir, `ours-${entryCount}.img`);
      writeFileSync(
        file,
        renderImage(writeGpt({ blockSize: 512, blockCount: 8192, entryCount, partitions })),
      );
      expect(sgdiskVerify(file)).toContain('No problems found');
      expect(sgdiskPrint(file).entryCount).toBe(entryCount);
    }
  });
});
