import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFvm } from '@fdf/block-fvm';
import { PartitionType } from '@fdf/block-gpt';
import { ZXCRYPT_VERSION, unseal } from '@fdf/block-zxcrypt';
import { Status, StatusError } from '@fdf/zx';
import { registerDiskCommands } from './disk.js';
import { parseFvmVolumes, parsePartitions } from './diskArgs.js';
import { createDiskImage, type CreateDiskOptions } from './diskCreate.js';
import { inspectDiskImage } from './diskInspect.js';

const MiB = 1024 * 1024;

/** The sgdisk binary; a missing one fails the tests with install instructions. */
function requireSgdisk(): string {
  for (const c of [process.env['SGDISK'] ?? 'sgdisk', '/usr/sbin/sgdisk', '/sbin/sgdisk']) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.error === undefined && r.status === 0) return c;
  }
  throw new Error(
    'sgdisk (GPT fdisk) is required by the fdf disk tests but was not found; install it: `sudo apt-get install gdisk` (Debian/Ubuntu; CI installs it too) or `brew install gptfdisk` (macOS).',
  );
}

let sgdiskPath: string;
const sgdisk = (...args: string[]): string => execFileSync(sgdiskPath, args, { encoding: 'utf8' });
const verify = (image: string): string => {
  const r = spawnSync(sgdiskPath, ['-v', image], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
};
/** `sgdisk -p` rows as [number, start, end, name]. */
function printed(image: string): [number, number, number, string][] {
  const out = sgdisk('-p', image);
  return out
    .slice(out.indexOf('Number  Start'))
    .split('\n')
    .slice(1)
    .filter((row) => row.trim() !== '')
    .map((row) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+ \S+\s+[0-9A-F]{4} {2}(.*)$/.exec(row);
      if (m === null) throw new Error(`unexpected sgdisk -p row '${row}'`);
      return [Number(m[1]), Number(m[2]), Number(m[3]), m[4]!];
    });
}
const field = (out: string, re: RegExp): string => re.exec(out)?.[1] ?? `<no match for ${re}>`;

let dir: string;
beforeAll(() => {
  sgdiskPath = requireSgdisk();
  dir = mkdtempSync(join(tmpdir(), 'fdf-disk-'));
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

let guidCounter = 0;
const sequentialGuid = (): string =>
  `00000000-0000-4000-8000-${(++guidCounter).toString(16).toUpperCase().padStart(12, '0')}`;

function options(image: string, extra: Partial<CreateDiskOptions> = {}): CreateDiskOptions {
  return {
    image: join(dir, image),
    size: 64n * BigInt(MiB),
    partitions: parsePartitions(['esp:efi:16MiB,fvm:fvm:32MiB', 'data:data:rest']),
    newGuid: sequentialGuid,
    ...extra,
  };
}

async function statusOf(work: () => Promise<unknown>): Promise<StatusError> {
  try {
    await work();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new StatusError(Status.ERR_BAD_STATE, 'expected a StatusError');
}

/** Runs `fdf <args>` through commander, returning what it printed. */
async function run(...args: string[]): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const program = new Command('fdf').exitOverride();
  registerDiskCommands(program);
  await program.parseAsync(['node', 'fdf', ...args]);
  return lines.join('\n');
}

describe('fdf disk create', () => {
  it('writes an image that passes sgdisk -v and that sgdisk -p lists exactly', async () => {
    const { layout, report } = await createDiskImage(
      options('plain.img', { diskGuid: '6E2F4B1A-0C3D-4E5F-8A9B-0C1D2E3F4A5B' }),
    );
    const image = join(dir, 'plain.img');
    expect(statSync(image).size).toBe(64 * MiB);
    expect(verify(image)).toContain('No problems found');
    expect(printed(image)).toEqual([
      [1, 2048, 34815, 'esp'],
      [2, 34816, 100351, 'fvm'],
      [3, 100352, 129023, 'data'],
    ]);
    expect(sgdisk('-p', image)).toContain(
      'Disk identifier (GUID): 6E2F4B1A-0C3D-4E5F-8A9B-0C1D2E3F4A5B',
    );
    for (const p of layout.partitions) {
      const info = sgdisk('-i', String(p.index), image);
      expect(field(info, /Partition GUID code: (\S+)/)).toBe(p.typeGuid);
      expect(field(info, /Partition unique GUID: (\S+)/)).toBe(p.uniqueGuid);
    }
    expect(report.problems).toEqual([]);
    expect(report.partitions.map((p) => p.name)).toEqual(['esp', 'fvm', 'data']);
  });

  it('formats FVMs with their volumes inside the FVM partition, still passing sgdisk -v', async () => {
    const { report } = await createDiskImage(
      options('fvm.img', { fvm: parseFvmVolumes(['fvm:1MiB:blobfs:8:blob,fvm:1MiB:data:4']) }),
    );
    expect(verify(join(dir, 'fvm.img'))).toContain('No problems found');
    const fvm = report.partitions[1]!.fvm!;
    expect(fvm).toMatchObject({ sliceSize: MiB, sliceCount: 31, assignedSliceCount: 12 });
    expect(fvm.volumes.map((v) => [v.index, v.name, v.slices, v.typeGuid])).toEqual([
      [1, 'blobfs', 8, PartitionType.FUCHSIA_BLOB],
      [2, 'data', 4, PartitionType.FUCHSIA_DATA],
    ]);
    // The other partitions stay untouched: all zeros.
    const bytes = readFileSync(join(dir, 'fvm.img'));
    expect(bytes.subarray(2048 * 512, 34816 * 512).every((b) => b === 0)).toBe(true);
  });

  it('formats zxcrypt in an FVM volume: inspect shows it and the root key unseals it', async () => {
    const rootKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const { report } = await createDiskImage(
      options('zx.img', {
        blockSize: 4096,
        fvm: parseFvmVolumes(['fvm:1MiB:blobfs:2:blob,fvm:1MiB:data:4']),
        zxcrypt: ['data'],
        zxcryptKey: rootKey,
      }),
    );
    const fvmPartition = report.partitions[1]!;
    const [blobfs, data] = fvmPartition.fvm!.volumes;
    expect(blobfs!.zxcrypt).toBeUndefined();
    expect(data!.zxcrypt).toMatchObject({
      version: ZXCRYPT_VERSION,
      instanceGuid: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
    expect(report.problems).toEqual([]);

    // Independently: find the volume's first slice through the FVM and unseal its superblocks.
    const bytes = new Uint8Array(readFileSync(join(dir, 'zx.img')));
    const start = fvmPartition.firstLba * 4096;
    const fvm = await loadFvm((offset, length) =>
      bytes.slice(start + offset, start + offset + length),
    );
    const [extent] = fvm.mapOp(data!.index, 0, 2, 4096);
    const at = start + extent!.devOffsetBlocks * 4096;
    expect(unseal(bytes.subarray(at, at + 2 * 4096), rootKey, { blockSize: 4096 })).toHaveLength(
      64,
    );
    expect(() =>
      unseal(bytes.subarray(at, at + 2 * 4096), new Uint8Array(32), { blockSize: 4096 }),
    ).toThrow(/wrong root key/);

    // Damage copy 0: inspect still reads copy 1 and says copy 0 is bad.
    bytes[at + 100] = bytes[at + 100]! ^ 0xff;
    writeFileSync(join(dir, 'zx.img'), bytes);
    const again = await inspectDiskImage({ image: join(dir, 'zx.img') });
    expect(again.partitions[1]!.fvm!.volumes[1]!.zxcrypt).toEqual(data!.zxcrypt);
    expect(again.problems).toEqual([
      expect.stringMatching(
        /^partition 2 'fvm', FVM volume 2 'data': zxcrypt superblock copy 0 \(volume block 0\) is unusable: .*checksum/,
      ),
    ]);
  });

  it('writes 4096-byte-block images that inspect reads back, finding the block size itself', async () => {
    await createDiskImage(options('4k.img', { blockSize: 4096 }));
    const report = await inspectDiskImage({ image: join(dir, '4k.img') });
    expect(report).toMatchObject({
      blockSize: 4096,
      blockCount: 16384,
      firstUsableLba: 6,
      problems: [],
    });
    expect(report.partitions.map((p) => [p.name, p.firstLba, p.lastLba])).toEqual([
      ['esp', 256, 4351],
      ['fvm', 4352, 12543],
      ['data', 12544, 16127],
    ]);
  });

  it('resolves a relative path against INIT_CWD', async () => {
    vi.stubEnv('INIT_CWD', dir);
    try {
      await createDiskImage({ ...options('x'), image: 'relative.img' });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(existsSync(join(dir, 'relative.img'))).toBe(true);
  });

  it('runs from the command line: flags in, sgdisk-clean image and a listing out', async () => {
    const image = join(dir, 'cli.img');
    const out = await run(
      'disk', 'create', image, '--size', '32MiB', '--disk-guid', '6e2f4b1a-0c3d-4e5f-8a9b-0c1d2e3f4a5b',
      '--partition', 'esp:efi:4MiB', '--partition', 'fvm:fvm:rest', '--fvm', 'fvm:512KiB:blobfs:4:blob',
    ); // prettier-ignore
    expect(out).toContain(`created ${image} (32.0 MiB)`);
    expect(out).toContain('disk GUID 6E2F4B1A-0C3D-4E5F-8A9B-0C1D2E3F4A5B');
    expect(out).toContain("volume 1 'blobfs': 4 slices (2.0 MiB), type Fuchsia blob");
    expect(verify(image)).toContain('No problems found');
    expect(printed(image)).toEqual([
      [1, 2048, 10239, 'esp'],
      [2, 10240, 63487, 'fvm'],
    ]);
  });

  it('refuses to replace an existing file without --force, and leaves it alone', async () => {
    const path = join(dir, 'existing.img');
    writeFileSync(path, 'keep me');
    const err = await statusOf(() => createDiskImage(options('existing.img')));
    expect(err.status).toBe(Status.ERR_ALREADY_EXISTS);
    expect(err.message).toContain('pass --force to overwrite it');
    expect(readFileSync(path, 'utf8')).toBe('keep me');
    await createDiskImage(options('existing.img', { force: true }));
    expect(verify(path)).toContain('No problems found');
  });

  it('checks everything before creating the file', async () => {
    const cases: [Partial<CreateDiskOptions>, Status, RegExp][] = [
      [{ zxcrypt: ['data'], fvm: parseFvmVolumes(['fvm:1MiB:data:1']) }, Status.ERR_NO_SPACE, /zxcrypt volume 'data' has 1 slices but zxcrypt needs 2 \(1 for its superblocks and one for data\)/],
      [{ zxcrypt: ['data'], zxcryptKey: new Uint8Array(20), fvm: parseFvmVolumes(['fvm:1MiB:data:2']) }, Status.ERR_INVALID_ARGS, /a zxcrypt root key is 16 or 32 bytes, got 20 bytes/],
      [{ zxcrypt: ['nope'] }, Status.ERR_INVALID_ARGS, /volume 'nope', which no --fvm creates/],
      [{ fvm: parseFvmVolumes(['fvm:1MiB:big:40']) }, Status.ERR_NO_SPACE, /need 40 slices of 1048576 bytes but its 33554432 bytes hold 31/],
      [{ fvm: parseFvmVolumes(['esp:1MiB:a:1']) }, Status.ERR_INVALID_ARGS, /partition 'esp' has type EFI system; FVM content needs a partition of type fvm/],
      [{ fvm: parseFvmVolumes(['other:1MiB:a:1']) }, Status.ERR_INVALID_ARGS, /--fvm names partition 'other', which is not in --partition \(esp, fvm, data\)/],
      [{ fvm: parseFvmVolumes(['fvm:1MiB:a:1,fvm:64KiB:b:1']) }, Status.ERR_INVALID_ARGS, /given slice sizes 1048576 and 65536/],
      [{ size: 64n * BigInt(MiB) + 100n }, Status.ERR_INVALID_ARGS, /the image size of 67108964 bytes is not a whole number of 512-byte blocks/],
      [{ partitions: parsePartitions(['a:fvm:1000']) }, Status.ERR_INVALID_ARGS, /partition 'a' of 1000 bytes is not a whole number of 512-byte blocks/],
      [{ partitions: parsePartitions(['a:fvm:128MiB']) }, Status.ERR_NO_SPACE, /partition 'a' .* does not fit/],
    ]; // prettier-ignore
    for (const [extra, status, message] of cases) {
      const err = await statusOf(() => createDiskImage(options('never.img', extra)));
      expect(err.status, String(message)).toBe(status);
      expect(err.message).toMatch(message);
      expect(existsSync(join(dir, 'never.img'))).toBe(false);
    }
  });

  it('preallocates on request, reporting progress over the whole image', async () => {
    const advanced: number[] = [];
    let stopped = false;
    await createDiskImage(
      options('full.img', {
        size: 16n * BigInt(MiB),
        partitions: parsePartitions(['all:linux:rest']),
        preallocate: true,
        progress: () => ({ advance: (n) => advanced.push(n), stop: () => (stopped = true) }),
      }),
    );
    expect(advanced.reduce((a, b) => a + b, 0)).toBe(16 * MiB);
    expect(stopped).toBe(true);
    expect(verify(join(dir, 'full.img'))).toContain('No problems found');
  });
});

describe('fdf disk inspect', () => {
  it('--json prints the report with this shape', async () => {
    await createDiskImage(
      options('json.img', { fvm: parseFvmVolumes(['fvm:1MiB:blobfs:2:blob']) }),
    );
    const report = JSON.parse(
      await run('disk', 'inspect', join(dir, 'json.img'), '--json'),
    ) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'image', 'imageBytes', 'blockSize', 'blockCount', 'source', 'diskGuid',
      'firstUsableLba', 'lastUsableLba', 'entryCount', 'partitions', 'problems',
    ]); // prettier-ignore
    expect(report).toMatchObject({
      image: join(dir, 'json.img'),
      imageBytes: 64 * MiB,
      blockSize: 512,
      blockCount: 131072,
      source: 'primary',
      diskGuid: expect.stringMatching(/^[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}$/),
      firstUsableLba: 34,
      lastUsableLba: 131038,
      entryCount: 128,
      problems: [],
    });
    const partitions = report['partitions'] as Record<string, unknown>[];
    expect(partitions[0]).toEqual({
      index: 1,
      name: 'esp',
      typeGuid: PartitionType.EFI_SYSTEM,
      typeName: 'EFI system',
      uniqueGuid: expect.stringMatching(/^[0-9A-F-]{36}$/),
      firstLba: 2048,
      lastLba: 34815,
      blocks: 32768,
      bytes: 16 * MiB,
      attributes: '0x0000000000000000',
    });
    expect(partitions[1]!['fvm']).toEqual({
      sliceSize: MiB,
      sliceCount: 31,
      assignedSliceCount: 2,
      metadataCopy: 'B',
      generation: '1',
      volumes: [
        {
          index: 1,
          name: 'blobfs',
          typeGuid: PartitionType.FUCHSIA_BLOB,
          typeName: 'Fuchsia blob',
          instanceGuid: expect.stringMatching(/^[0-9A-F-]{36}$/),
          slices: 2,
          inactive: false,
        },
      ],
    });
  });

  it('prints text with every partition field', async () => {
    await createDiskImage(options('text.img'));
    const text = await run('disk', 'inspect', join(dir, 'text.img'));
    expect(text).toContain('131072 blocks of 512 bytes (64.0 MiB), GPT read from the primary copy');
    expect(text).toContain("partition 2 'fvm': LBA 34816..100351 (65536 blocks, 32.0 MiB)");
    expect(text).toContain(`  type        ${PartitionType.FUCHSIA_FVM} (Fuchsia FVM)`);
    expect(text).toMatch(/ {2}unique GUID [0-9A-F-]{36}/);
  });

  it('reads an sgdisk image from its backup when the primary is damaged, and says so', async () => {
    const image = join(dir, 'sgdisk.img');
    writeFileSync(image, '');
    truncateSync(image, 32 * MiB);
    sgdisk('-o', '-n', '1:0:+8M', '-t', `1:${PartitionType.FUCHSIA_FVM}`, '-c', '1:fvm', image);
    const bytes = readFileSync(image);
    bytes[512 + 60] = bytes[512 + 60]! ^ 0xff; // primary header CRC now fails
    writeFileSync(image, bytes);
    const report = await inspectDiskImage({ image });
    expect(report.source).toBe('backup');
    expect(report.partitions.map((p) => [p.index, p.name, p.firstLba, p.lastLba])).toEqual([
      [1, 'fvm', 2048, 18431],
    ]);
    // An FVM partition nobody formatted is not a problem; it just has no volumes.
    expect(report.partitions[0]!.fvm).toBeUndefined();
    expect(report.problems).toEqual([
      expect.stringMatching(/^primary GPT header at LBA 1 is unusable \(header CRC32/),
    ]);
  });

  it('reports an FVM whose metadata is damaged', async () => {
    await createDiskImage(options('badfvm.img', { fvm: parseFvmVolumes(['fvm:1MiB:a:1']) }));
    const image = join(dir, 'badfvm.img');
    const bytes = readFileSync(image);
    bytes[34816 * 512 + 40] = 0x7f; // copy A's partition table size: neither copy can be found
    writeFileSync(image, bytes);
    const report = await inspectDiskImage({ image });
    expect(report.partitions[1]!.fvm).toBeUndefined();
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^partition 2 'fvm' holds an FVM \(its magic is there\) that cannot be read: ZX_ERR_IO_DATA_INTEGRITY: /,
      ),
    ]);
  });

  it('fails with a StatusError that says what to do on a missing or blank image', async () => {
    const missing = await statusOf(() => inspectDiskImage({ image: join(dir, 'missing.img') }));
    expect(missing.status).toBe(Status.ERR_NOT_FOUND);
    expect(missing.message).toContain('check the path');
    const blank = join(dir, 'blank.img');
    writeFileSync(blank, new Uint8Array(MiB));
    const err = await statusOf(() => inspectDiskImage({ image: blank }));
    expect(err.status).toBe(Status.ERR_NOT_FOUND);
    expect(err.message).toContain('create a partition table (fdf disk create)');
  });
});
