import { block, blockBanjo } from '@fdf/bindings';
import { MemoryDisk, TestStack, plaintext, run, rwOp, sameBytes } from '@fdf/block-lib/testing';
import type { DriverVariant } from '@fdf/framework';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FvmDriver,
  MAX_VSLICES,
  VOLUME_BIND_PROTOCOL,
  formatFvm,
  guidText,
  loadFvm,
} from '../src/index.js';
import { instance, TYPE_A, TYPE_B } from './memoryDisk.js';

const BS = 512;
const SLICE = 64 * 1024;
const PER_SLICE = SLICE / BS; // 128
const DATA_START = 163840 / BS; // 320: after two 80 KiB metadata copies
const SIZE = 2 * 81920 + 16 * SLICE;
const PARTITION = 'root/sys/platform/ramdisk-0/block/part-002';
const DATA = `${PARTITION}/data-p-1`;
const BLOB = `${PARTITION}/blob-p-2`;

function pslice(n: number): number {
  return DATA_START + (n - 1) * PER_SLICE;
}

/**
 * Volume "data" owns pslices 1, 2 (vslices 0, 1) and 5 (vslice 2); "blob"
 * owns pslices 3 and 4 in between: data's vslice 1 -> 2 crosses a gap.
 */
async function fvmImage(): Promise<Uint8Array> {
  const bytes = new Uint8Array(SIZE);
  bytes.set(formatFvm(SIZE, SLICE), 0);
  const fvm = await loadFvm((o, n) => bytes.slice(o, o + n), {
    diskBytes: SIZE,
    write: (o, b) => bytes.set(b, o),
  });
  const data = await fvm.allocateVolume('data', TYPE_A, instance(1), 2);
  await fvm.allocateVolume('blob', TYPE_B, instance(2), 2);
  await fvm.extend(data, 2, 1);
  return bytes;
}

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function boot(
  variant: DriverVariant,
  options: { completeLater?: boolean; bytes?: Uint8Array } = {},
): Promise<{ stack: TestStack; disk: MemoryDisk; fvm: FvmDriver }> {
  stack = new TestStack();
  const disk = new MemoryDisk(options.bytes ?? (await fvmImage()), BS);
  disk.completeLater = options.completeLater ?? false;
  disk.serve(stack, PARTITION);
  const fvm = await stack.start(PARTITION, FvmDriver, { variant, name: 'fvm' });
  return { stack, disk, fvm };
}

/** Volume calls with one shape for both variants: each resolves with its Result. */
function volumeOf(stack: TestStack, path: string, variant: DriverVariant) {
  if (variant === 'banjo') {
    const c = stack.connectBanjo(blockBanjo.Volume, path);
    return {
      getInfo: () => Promise.resolve(c.getInfo()),
      querySlices: (startSlices: bigint[]) => Promise.resolve(c.querySlices({ startSlices })),
      extend: (offsetSlice: bigint, sliceCount: bigint) =>
        Promise.resolve(c.extend({ offsetSlice, sliceCount })),
      shrink: (offsetSlice: bigint, sliceCount: bigint) =>
        Promise.resolve(c.shrink({ offsetSlice, sliceCount })),
    };
  }
  const c = stack.connect(block.Volume, path);
  return {
    getInfo: () => c.getInfo(),
    querySlices: (startSlices: bigint[]) => c.querySlices({ startSlices }),
    extend: (offsetSlice: bigint, sliceCount: bigint) => c.extend({ offsetSlice, sliceCount }),
    shrink: (offsetSlice: bigint, sliceCount: bigint) => c.shrink({ offsetSlice, sliceCount }),
  };
}

function errOf(result: { $tag: string; err?: number }): number | undefined {
  return result.$tag === 'err' ? result.err : undefined;
}

describe.each<DriverVariant>(['driver', 'banjo'])('fvm driver (%s variant)', (variant) => {
  it('adds one child per volume with its GUIDs, name and index, offering Block, Partition and Volume', async () => {
    const { stack } = await boot(variant);
    const children = stack.children(PARTITION);
    expect(children.map((c) => c.name)).toEqual(['data-p-1', 'blob-p-2']);
    expect(Object.fromEntries(children[0]!.properties.map((p) => [p.key, p.value]))).toEqual({
      'fuchsia.BIND_PROTOCOL': VOLUME_BIND_PROTOCOL,
      'fdf.block.partition_type': guidText(TYPE_A),
      'fdf.block.partition_guid': guidText(instance(1)),
      'fdf.block.partition_name': 'data',
      'fdf.block.partition_index': 1,
    });
    const prefix = variant === 'banjo' ? 'fdf.block.banjo' : 'fdf.block';
    expect(children[1]!.offers).toEqual([
      `${prefix}.Block/blob-p-2`,
      `${prefix}.Partition/blob-p-2`,
      `${prefix}.Volume/blob-p-2`,
    ]);
    const info = await stack.connectBlock(DATA, variant).query();
    expect(info.info.blockCount).toBe(BigInt(3 * PER_SLICE));
  });

  it('serves Partition with the volume GUIDs as stored', async () => {
    const { stack } = await boot(variant);
    const request = { guidType: block.GuidType.INSTANCE };
    const result =
      variant === 'banjo'
        ? stack.connectBanjo(blockBanjo.Partition, BLOB).getGuid(request)
        : await stack.connect(block.Partition, BLOB).getGuid(request);
    expect(result).toMatchObject({ response: { guid: { value: instance(2) } } });
  });

  it('maps an op inside one slice to its physical slice and puts the offset back', async () => {
    const { stack, disk } = await boot(variant);
    const client = stack.connectBlock(BLOB, variant);
    const data = plaintext(4 * BS, 'blob vslice 1');
    const vmo = Vmo.create(4 * BS);
    vmo.write(data, 0);
    const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, BigInt(PER_SLICE + 5), 4));
    expect(wrote.status).toBe(Status.OK);
    expect(wrote.op.$tag === 'rw' && wrote.op.rw.offsetDev).toBe(BigInt(PER_SLICE + 5));
    expect(disk.ops.at(-1)?.offsetDev).toBe(BigInt(pslice(4) + 5));
    const at = (pslice(4) + 5) * BS;
    expect(disk.bytes.subarray(at, at + data.length)).toEqual(data);
  });

  it.each([false, true])(
    'splits an op across non-adjacent slices and completes it once (device completes later: %s)',
    async (completeLater) => {
      const { stack, disk, fvm } = await boot(variant, { completeLater });
      const client = stack.connectBlock(DATA, variant);
      // Blocks 100..299: vslices 0 and 1 (pslices 1, 2: adjacent) then vslice 2 (pslice 5).
      const data = plaintext(200 * BS, 'split across a gap');
      const vmo = Vmo.create(202 * BS);
      vmo.write(data, 2 * BS);
      const before = disk.ops.length;
      const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 100n, 200, 2n));
      expect(wrote.status).toBe(Status.OK);
      await stack.settle(2);
      expect(wrote.completions()).toBe(1);
      expect(disk.ops.slice(before)).toEqual([
        { opcode: block.BlockOpcode.WRITE, offsetDev: BigInt(pslice(1) + 100), length: 156 },
        { opcode: block.BlockOpcode.WRITE, offsetDev: BigInt(pslice(5)), length: 44 },
      ]);
      const first = (pslice(1) + 100) * BS;
      expect(
        sameBytes(disk.bytes.subarray(first, first + 156 * BS), data.subarray(0, 156 * BS)),
      ).toBe('equal');
      const second = pslice(5) * BS;
      expect(
        sameBytes(disk.bytes.subarray(second, second + 44 * BS), data.subarray(156 * BS)),
      ).toBe('equal');

      const into = Vmo.create(200 * BS);
      const read = await run(client, rwOp(block.BlockOpcode.READ, into, 100n, 200));
      expect(read.status).toBe(Status.OK);
      expect(sameBytes(into.read(0, data.length), data)).toBe('equal');
      expect(fvm.counters.get('block.splits')).toBe(2);
      expect(fvm.counters.get('block.ops')).toBe(2);
    },
  );

  it('completes a split op once with the first error when a part fails', async () => {
    const { stack, disk, fvm } = await boot(variant);
    disk.failWrites.add(BigInt(pslice(5) + 3));
    const client = stack.connectBlock(DATA, variant);
    const result = await run(
      client,
      rwOp(block.BlockOpcode.WRITE, Vmo.create(200 * BS), 100n, 200),
    );
    await stack.settle(2);
    expect(result.status).toBe(Status.ERR_IO);
    expect(result.completions()).toBe(1);
    expect(fvm.counters.get('block.errors')).toBe(1);
  });

  it('refuses ops touching an unallocated slice with ERR_OUT_OF_RANGE, forwarding nothing', async () => {
    const { stack, disk, fvm } = await boot(variant);
    const client = stack.connectBlock(DATA, variant);
    const before = disk.ops.length;
    const vmo = Vmo.create(16 * BS);
    for (const [offset, length] of [
      [3 * PER_SLICE, 1], // vslice 3: never allocated
      [3 * PER_SLICE - 8, 16], // starts in vslice 2, ends in vslice 3
      [MAX_VSLICES * PER_SLICE, 1], // past the virtual space
    ] as const) {
      const result = await run(client, rwOp(block.BlockOpcode.READ, vmo, BigInt(offset), length));
      expect(result.status).toBe(Status.ERR_OUT_OF_RANGE);
      expect(result.completions()).toBe(1);
    }
    expect(disk.ops.length).toBe(before);
    expect(fvm.counters.get('block.errors')).toBe(3);
  });

  it('answers GetInfo and QuerySlices from the slice map', async () => {
    const { stack } = await boot(variant);
    const volume = volumeOf(stack, DATA, variant);
    expect(await volume.getInfo()).toEqual({
      $tag: 'response',
      response: {
        manager: {
          sliceSize: BigInt(SLICE),
          sliceCount: 16n,
          assignedSliceCount: 5n,
          maximumSliceCount: 1023n,
          maxVirtualSlice: BigInt(MAX_VSLICES),
        },
        volume: { partitionSliceCount: 3n, sliceLimit: 0n },
      },
    });
    expect(await volume.querySlices([0n, 2n, 3n])).toEqual({
      $tag: 'response',
      response: {
        ranges: [
          { allocated: true, count: 3n },
          { allocated: true, count: 1n },
          { allocated: false, count: BigInt(MAX_VSLICES - 3) },
        ],
      },
    });
    const tooMany = Array.from({ length: 17 }, (_, i) => BigInt(i));
    if (variant === 'banjo') {
      expect(errOf(await volume.querySlices(tooMany))).toBe(Status.ERR_BUFFER_TOO_SMALL);
    } else {
      // The Driver transport checks the vector bound (16) before sending.
      const err = await volume.querySlices(tooMany).catch((e: unknown) => e);
      expect(StatusError.is(err, Status.ERR_INVALID_ARGS)).toBe(true);
    }
  });

  it('extends and shrinks a volume, writing the metadata through the partition', async () => {
    const { stack, disk, fvm } = await boot(variant);
    const volume = volumeOf(stack, DATA, variant);
    const client = stack.connectBlock(DATA, variant);

    expect(await volume.extend(3n, 2n)).toEqual({ $tag: 'response', response: undefined });
    await stack.settle();
    expect((await client.query()).info.blockCount).toBe(BigInt(5 * PER_SLICE));
    expect(await volume.querySlices([3n])).toMatchObject({
      response: { ranges: [{ allocated: true, count: 2n }] },
    });
    // The new slices are the lowest free physical ones: vslice 4 lives in pslice 7.
    const vmo = Vmo.create(BS);
    vmo.write(plaintext(BS, 'extended'), 0);
    const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, BigInt(4 * PER_SLICE), 1));
    expect(wrote.status).toBe(Status.OK);
    expect(disk.ops.at(-1)?.offsetDev).toBe(BigInt(pslice(7)));

    // What a reload of the partition sees: the metadata reached the device.
    const reloaded = await loadFvm((o, n) => disk.bytes.slice(o, o + n), { diskBytes: SIZE });
    expect(reloaded.volume(1).sliceCount).toBe(5);

    expect(await volume.shrink(3n, 2n)).toEqual({ $tag: 'response', response: undefined });
    await stack.settle();
    expect((await client.query()).info.blockCount).toBe(BigInt(3 * PER_SLICE));
    const again = await loadFvm((o, n) => disk.bytes.slice(o, o + n), { diskBytes: SIZE });
    expect(again.volume(1).sliceCount).toBe(3);
    expect(fvm.counters.get('volume.changes')).toBe(2);
    expect(fvm.counters.get('fvm.metadata_writes')).toBe(2);
  });

  it('refuses bad Extend and Shrink calls with the FVM statuses, changing nothing', async () => {
    const { stack, fvm } = await boot(variant);
    const volume = volumeOf(stack, DATA, variant);
    expect(errOf(await volume.extend(0n, 1n))).toBe(Status.ERR_OUT_OF_RANGE);
    expect(errOf(await volume.extend(1n, 1n))).toBe(Status.ERR_INVALID_ARGS);
    expect(errOf(await volume.extend(5n, 100n))).toBe(Status.ERR_NO_SPACE);
    expect(errOf(await volume.extend(BigInt(MAX_VSLICES), 1n))).toBe(Status.ERR_OUT_OF_RANGE);
    expect(errOf(await volume.shrink(10n, 1n))).toBe(Status.ERR_INVALID_ARGS);
    expect(errOf(await volume.shrink(0n, 1n))).toBe(Status.ERR_OUT_OF_RANGE);
    await stack.settle();
    expect(fvm.fvm?.getInfo().assignedSliceCount).toBe(5);
    expect(fvm.counters.get('fvm.metadata_writes') ?? 0).toBe(0);
  });

  it('fails an Extend whose metadata write fails and keeps the old map', async () => {
    const { stack, disk, fvm } = await boot(variant);
    for (let b = 0n; b < BigInt(DATA_START); b++) disk.failWrites.add(b);
    const volume = volumeOf(stack, DATA, variant);
    const answer = await volume.extend(3n, 1n);
    await stack.settle();
    if (variant === 'banjo') {
      // Banjo answered before the write; the failure is logged and rolled back.
      expect(answer).toEqual({ $tag: 'response', response: undefined });
      expect(stack.logs.some((l) => l.level === 'error' && /rolled back/.test(l.message))).toBe(
        true,
      );
    } else {
      expect(errOf(answer)).toBe(Status.ERR_IO);
    }
    expect(await volume.querySlices([3n])).toMatchObject({
      response: { ranges: [{ allocated: false }] },
    });
    expect(fvm.counters.get('volume.errors')).toBe(1);
  });

  it('fails to start on a partition without an FVM, saying what to do', async () => {
    const err = await boot(variant, { bytes: new Uint8Array(SIZE) }).catch((e: unknown) => e);
    expect(StatusError.is(err)).toBe(true);
    expect((err as Error).message).toMatch(/no usable FVM on this .*-byte partition.*format it/);
  });
});

describe('fvm driver, Banjo variant: Extend answers before its metadata write', () => {
  it('holds ops queued right after Extend until the write is done', async () => {
    const { stack, disk } = await boot('banjo', { completeLater: true });
    const volume = stack.connectBanjo(blockBanjo.Volume, DATA);
    const client = stack.connectBlock(DATA, 'banjo');
    const before = disk.ops.length;
    expect(volume.extend({ offsetSlice: 3n, sliceCount: 1n })).toEqual({
      $tag: 'response',
      response: undefined,
    });
    // A second change while the first is writing: try again later.
    expect(volume.extend({ offsetSlice: 4n, sliceCount: 1n })).toEqual({
      $tag: 'err',
      err: Status.ERR_SHOULD_WAIT,
    });
    const vmo = Vmo.create(BS);
    const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, BigInt(3 * PER_SLICE), 1));
    expect(wrote.status).toBe(Status.OK);
    const ops = disk.ops.slice(before);
    expect(ops.map((o) => o.opcode)).toEqual([block.BlockOpcode.WRITE, block.BlockOpcode.WRITE]);
    // First the metadata copy (at the FVM's start), then the data in the new slice (pslice 6).
    expect(ops[0]!.offsetDev < BigInt(DATA_START)).toBe(true);
    expect(ops[1]!.offsetDev).toBe(BigInt(pslice(6)));
  });
});
