import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { readGpt, readGptAsync, readGptFromImage, type GptTable } from '../src/index.js';
import { DISK, flip, rewrite, rewriteHeader, sampleImage } from './craft.js';

function statusOf(work: () => unknown): { status: Status; message: string } {
  try {
    work();
  } catch (err) {
    if (err instanceof StatusError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new StatusError(Status.ERR_BAD_STATE, 'expected a StatusError');
}

const BS = 512;
const image = sampleImage(BS);
const LAST = image.length / BS - 1;
const good = readGptFromImage(image, BS);

/** Reads and expects the backup to have been used because the primary failed with `reason`. */
function expectBackup(damaged: Uint8Array, reason: RegExp): GptTable {
  const t = readGptFromImage(damaged, BS);
  expect(t.source).toBe('backup');
  expect(t.partitions).toEqual(good.partitions);
  expect(t.problems.join('\n')).toMatch(reason);
  return t;
}

describe('readGpt on a good image', () => {
  it('returns the partitions, the primary header and no problems', () => {
    expect(good.source).toBe('primary');
    expect(good.problems).toEqual([]);
    expect(good.header).toMatchObject({ myLba: 1n, alternateLba: BigInt(LAST), diskGuid: DISK });
    expect(good.partitions.map((p) => [p.index, p.name, p.firstLba, p.lastLba])).toEqual([
      [1, 'alpha', 2048n, 4095n],
      [2, 'fvm', 4096n, 8191n],
      [3, 'rest', 8192n, 14335n],
    ]);
  });

  it('reads the same through the async driver', async () => {
    const t = await readGptAsync(
      async (lba, count) => image.subarray(Number(lba) * BS, (Number(lba) + count) * BS),
      BS,
      BigInt(LAST + 1),
    );
    expect(t).toEqual(good);
  });

  it('asks only for a handful of blocks: MBR, two headers, two entry arrays', () => {
    const reads: [bigint, number][] = [];
    readGpt(
      (lba, count) => {
        reads.push([lba, count]);
        return image.subarray(Number(lba) * BS, (Number(lba) + count) * BS);
      },
      BS,
      LAST + 1,
    );
    expect(reads).toEqual([
      [0n, 1],
      [1n, 1],
      [2n, 32],
      [BigInt(LAST), 1],
      [BigInt(LAST - 32), 32],
    ]);
  });
});

describe('readGpt falls back to the backup when the primary fails a check', () => {
  it('signature', () => {
    expectBackup(
      flip(image, BS),
      /primary GPT header at LBA 1 is unusable \(no 'EFI PART' signature\)/,
    );
  });

  it('revision', () => {
    expectBackup(flip(image, BS + 10), /revision 0x00fe0000 is not 1\.x/);
  });

  it('header size', () => {
    const damaged = image.slice();
    damaged[BS + 12] = 20;
    expectBackup(damaged, /header size 20 is outside 92\.\.512/);
  });

  it('header CRC', () => {
    expectBackup(
      flip(image, BS + 60),
      /header CRC32 is 0x[0-9A-F]{8} but the header's bytes give 0x[0-9A-F]{8}/,
    );
  });

  it('my LBA', () => {
    const damaged = rewrite(image, BS, 'primary', (h) => {
      h.myLba = 7n;
    });
    expectBackup(damaged, /header says it lives at LBA 7 but was read from LBA 1/);
  });

  it('usable range', () => {
    const damaged = rewrite(image, BS, 'primary', (h) => {
      h.lastUsableLba = BigInt(LAST + 10);
    });
    expectBackup(
      damaged,
      new RegExp(`usable range LBA 34\\.\\.${LAST + 10} is not inside the disk`),
    );
  });

  it('entry size', () => {
    const damaged = rewrite(image, BS, 'primary', (h) => {
      h.partitionEntrySize = 96;
    });
    expectBackup(damaged, /partition entry size 96 is not 128 times a power of two/);
  });

  it('an absurd entry count, without reading it', () => {
    const damaged = rewriteHeader(image, BS, 'primary', (h) => {
      h.partitionEntryCount = 0x7fffffff;
    });
    const reads: number[] = [];
    const t = readGpt(
      (lba, count) => {
        reads.push(count);
        return damaged.subarray(Number(lba) * BS, (Number(lba) + count) * BS);
      },
      BS,
      LAST + 1,
    );
    expect(t.source).toBe('backup');
    expect(t.problems[0]).toMatch(/larger than the 1048576-byte limit/);
    expect(Math.max(...reads)).toBe(32);
  });

  it('entry array overlapping the usable range', () => {
    const damaged = rewrite(image, BS, 'primary', (h) => {
      h.firstUsableLba = 20n;
    });
    expectBackup(damaged, /entry array at LBA 2\.\.33 overlaps the usable range LBA 20\.\./);
  });

  it('entry array CRC', () => {
    expectBackup(
      flip(image, 2 * BS + 3),
      /entry array CRC32 at LBA 2 is 0x[0-9A-F]{8} but the header expects/,
    );
  });

  it('a partition outside the usable range', () => {
    const damaged = rewrite(image, BS, 'primary', (_h, parts) => {
      parts[2]!.lastLba = BigInt(LAST);
    });
    expectBackup(damaged, /partition 3 'rest' \(LBA 8192\.\.\d+\) is outside the usable range/);
  });

  it('a partition that ends before it starts', () => {
    const damaged = rewrite(image, BS, 'primary', (_h, parts) => {
      parts[0]!.lastLba = 100n;
    });
    expectBackup(damaged, /partition 1 'alpha' \(LBA 2048\.\.100\) ends before it starts/);
  });

  it('overlapping partitions', () => {
    const damaged = rewrite(image, BS, 'primary', (_h, parts) => {
      parts[1]!.firstLba = 4000n;
    });
    expectBackup(
      damaged,
      /partition 1 'alpha' \(LBA 2048\.\.4095\) and partition 2 'fvm' \(LBA 4000\.\.8191\) overlap/,
    );
  });

  it('a partition nested inside another', () => {
    const damaged = rewrite(image, BS, 'primary', (_h, parts) => {
      parts[0]!.lastLba = 14000n;
    });
    expectBackup(
      damaged,
      /partition 1 'alpha' \(LBA 2048\.\.14000\) and partition 2 'fvm' .* overlap/,
    );
  });
});

describe('readGpt reports, but reads through, smaller problems', () => {
  it('a damaged backup', () => {
    const t = readGptFromImage(flip(image, LAST * BS + 60), BS);
    expect(t.source).toBe('primary');
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatch(
      new RegExp(`^backup GPT header at LBA ${LAST} is unusable \\(header CRC32`),
    );
  });

  it('copies that disagree', () => {
    const damaged = rewrite(image, BS, 'backup', (h) => {
      h.diskGuid = '99999999-2222-3333-4444-555555555555';
    });
    const t = readGptFromImage(damaged, BS);
    expect(t.source).toBe('primary');
    expect(t.problems[0]).toMatch(
      /primary and backup GPT copies disagree \(diskGuid 11111111-.* vs 99999999-/,
    );
  });

  it('a missing protective MBR', () => {
    const damaged = image.slice();
    damaged.fill(0, 0, BS);
    const t = readGptFromImage(damaged, BS);
    expect(t.partitions).toEqual(good.partitions);
    expect(t.problems).toEqual([expect.stringMatching(/^LBA 0 has no MBR signature/)]);
  });

  it('an MBR without a 0xEE partition', () => {
    const damaged = image.slice();
    damaged[446 + 4] = 0x83;
    expect(readGptFromImage(damaged, BS).problems[0]).toMatch(
      /no protective partition of type 0xEE/,
    );
  });

  it('a disk that grew after the table was written (backup no longer at the end)', () => {
    const grown = new Uint8Array(image.length + 64 * BS);
    grown.set(image);
    const t = readGptFromImage(grown, BS);
    expect(t.source).toBe('primary');
    expect(t.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `puts the backup at LBA ${LAST} but the disk's last LBA is ${LAST + 64} .*sgdisk -e`,
        ),
      ),
    ]);
  });

  it('two partitions with the same unique GUID', () => {
    let damaged = image;
    for (const copy of ['primary', 'backup'] as const) {
      damaged = rewrite(damaged, BS, copy, (_h, parts) => {
        parts[1]!.uniqueGuid = parts[0]!.uniqueGuid;
      });
    }
    expect(readGptFromImage(damaged, BS).problems).toEqual([
      expect.stringMatching(/partitions 1 and 2 share the unique GUID/),
    ]);
  });
});

describe('readGpt errors', () => {
  it('ERR_IO_DATA_INTEGRITY when both copies fail, with each copy’s reason', () => {
    const damaged = flip(image, BS + 60, (LAST - 32) * BS + 3);
    const { status, message } = statusOf(() => readGptFromImage(damaged, BS));
    expect(status).toBe(Status.ERR_IO_DATA_INTEGRITY);
    expect(message).toMatch(/primary GPT header at LBA 1 failed \(header CRC32/);
    expect(message).toMatch(
      new RegExp(`backup GPT header at LBA ${LAST} failed \\(entry array CRC32`),
    );
  });

  it('ERR_NOT_FOUND on a blank disk, suggesting another block size', () => {
    const { status, message } = statusOf(() => readGptFromImage(new Uint8Array(1024 * 1024), BS));
    expect(status).toBe(Status.ERR_NOT_FOUND);
    expect(message).toMatch(/no GPT on this device.*if the disk uses another block size/);
  });

  it('ERR_NOT_FOUND when a 4096-byte-sector image is read with 512-byte blocks', () => {
    const big = sampleImage(4096);
    expect(statusOf(() => readGptFromImage(big, 512)).status).toBe(Status.ERR_NOT_FOUND);
  });

  it('ERR_NOT_FOUND on a device too small for any GPT', () => {
    expect(statusOf(() => readGpt(() => new Uint8Array(BS), BS, 2)).status).toBe(
      Status.ERR_NOT_FOUND,
    );
  });

  it('ERR_IO when the read callback returns the wrong number of bytes', () => {
    const { status, message } = statusOf(() => readGpt(() => new Uint8Array(100), BS, 100));
    expect(status).toBe(Status.ERR_IO);
    expect(message).toContain('returned 100 bytes instead of 512');
  });

  it('ERR_INVALID_ARGS for a block size that is not a power of two', () => {
    expect(statusOf(() => readGptFromImage(image, 1000)).status).toBe(Status.ERR_INVALID_ARGS);
  });

  it('only StatusErrors, never a crash, for any single corrupted byte in the table blocks', () => {
    // Every byte of LBA 0..2 and of the backup header, overwritten with a value
    // derived from its offset: the reader either reads or throws a StatusError.
    const offsets = [
      ...Array(3 * BS).keys(),
      ...Array.from({ length: BS }, (_, i) => LAST * BS + i),
    ];
    const damaged = image.slice();
    const outcomes = { read: 0, refused: 0 };
    for (const o of offsets) {
      const before = damaged[o]!;
      damaged[o] = (before + 1 + (o % 254)) & 0xff;
      try {
        expect(readGptFromImage(damaged, BS).partitions.length).toBe(3);
        outcomes.read++;
      } catch (err) {
        expect(err).toBeInstanceOf(StatusError);
        outcomes.refused++;
      }
      damaged[o] = before; // restore instead of copying 8 MiB per case
    }
    // One damaged copy is always survivable: the other one is intact.
    expect(outcomes).toEqual({ read: offsets.length, refused: 0 });
  });
});
