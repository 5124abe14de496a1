import { block, blockBanjo } from '@fdf/bindings';
import { MemoryDisk, TestStack, plaintext, run, rwOp } from '@fdf/block-lib/testing';
import type { DriverVariant } from '@fdf/framework';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GptDriver,
  PARTITION_BIND_PROTOCOL,
  PartitionType,
  readGptFromImage,
  renderImage,
  writeGpt,
  type GptPartition,
} from '../src/index.js';
import { DISK, sequentialGuids } from './craft.js';

const BS = 512;
const MIB = BigInt((1024 * 1024) / BS);
const DEVICE = 'root/sys/platform/ramdisk-0/block';

function image(): Uint8Array {
  return renderImage(
    writeGpt({
      blockSize: BS,
      blockCount: (8 * 1024 * 1024) / BS,
      diskGuid: DISK,
      newGuid: sequentialGuids(),
      partitions: [
        { name: 'alpha', type: 'linux', blocks: MIB },
        { name: 'fvm', type: 'fvm', blocks: 2n * MIB },
        { name: 'rest', type: 'data' },
      ],
    }),
  );
}

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function boot(
  variant: DriverVariant,
  bytes = image(),
  options: { completeLater?: boolean; driverHost?: string } = {},
): Promise<{ stack: TestStack; disk: MemoryDisk; gpt: GptDriver; partitions: GptPartition[] }> {
  stack = new TestStack();
  const disk = new MemoryDisk(bytes, BS);
  disk.completeLater = options.completeLater ?? false;
  disk.serve(stack, DEVICE);
  const gpt = await stack.start(DEVICE, GptDriver, {
    variant,
    name: 'gpt',
    ...(options.driverHost === undefined ? {} : { host: options.driverHost }),
  });
  return { stack, disk, gpt, partitions: gpt.table?.partitions ?? [] };
}

describe.each<DriverVariant>(['driver', 'banjo'])('gpt driver (%s variant)', (variant) => {
  it('adds one child per partition with its GUIDs, name and index as properties', async () => {
    const { stack, partitions } = await boot(variant);
    const children = stack.children(DEVICE);
    expect(children.map((c) => c.name)).toEqual(['part-001', 'part-002', 'part-003']);
    const fvm = children[1]!;
    expect(Object.fromEntries(fvm.properties.map((p) => [p.key, p.value]))).toEqual({
      'fuchsia.BIND_PROTOCOL': PARTITION_BIND_PROTOCOL,
      'fdf.block.partition_type': PartitionType.FUCHSIA_FVM,
      'fdf.block.partition_guid': partitions[1]!.uniqueGuid,
      'fdf.block.partition_name': 'fvm',
      'fdf.block.partition_index': 2,
    });
    const prefix = variant === 'banjo' ? 'fdf.block.banjo' : 'fdf.block';
    expect(fvm.offers).toEqual([`${prefix}.Block/part-002`, `${prefix}.Partition/part-002`]);
  });

  it('answers Query with the partition as the whole device', async () => {
    const { stack, partitions } = await boot(variant);
    const info = await stack.connectBlock(`${DEVICE}/part-002`, variant).query();
    expect(info.info.blockCount).toBe(partitions[1]!.lastLba - partitions[1]!.firstLba + 1n);
    expect(info.info.blockSize).toBe(BS);
  });

  it('serves Partition: type and instance GUIDs in on-disk order, and the name', async () => {
    const { stack, partitions } = await boot(variant);
    const path = `${DEVICE}/part-002`;
    const expected = readGptFromImage(image(), BS).partitions[1]!;
    expect(partitions[1]).toEqual(expected);
    const typeBytes = diskGuidBytes(expected, 'type');
    const uniqueBytes = diskGuidBytes(expected, 'unique');
    if (variant === 'banjo') {
      const client = stack.connectBanjo(blockBanjo.Partition, path);
      expect(client.getGuid({ guidType: block.GuidType.TYPE })).toEqual({
        $tag: 'response',
        response: { guid: { value: typeBytes } },
      });
      expect(client.getGuid({ guidType: block.GuidType.INSTANCE })).toMatchObject({
        response: { guid: { value: uniqueBytes } },
      });
      expect(client.getName()).toEqual({ $tag: 'response', response: { name: 'fvm' } });
    } else {
      const client = stack.connect(block.Partition, path);
      expect(await client.getGuid({ guidType: block.GuidType.TYPE })).toMatchObject({
        response: { guid: { value: typeBytes } },
      });
      expect(await client.getGuid({ guidType: block.GuidType.INSTANCE })).toMatchObject({
        response: { guid: { value: uniqueBytes } },
      });
      expect(await client.getName()).toEqual({ $tag: 'response', response: { name: 'fvm' } });
    }
  });

  it.each([false, true])(
    'writes and reads land at the partition start (device completes later: %s)',
    async (completeLater) => {
      const { stack, disk, gpt, partitions } = await boot(variant, image(), { completeLater });
      const part = partitions[2]!;
      const client = stack.connectBlock(`${DEVICE}/part-003`, variant);
      const data = plaintext(4 * BS, 'gpt partition 3');
      const vmo = Vmo.create(8 * BS);
      vmo.write(data, BS);

      const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 5n, 4, 1n));
      expect(wrote.status).toBe(Status.OK);
      const at = Number(part.firstLba + 5n) * BS;
      expect(disk.bytes.subarray(at, at + data.length)).toEqual(data);
      expect(disk.ops.at(-1)).toEqual({
        opcode: block.BlockOpcode.WRITE,
        offsetDev: part.firstLba + 5n,
        length: 4,
      });
      // The child gets its op back as it sent it.
      expect(wrote.op.$tag === 'rw' && wrote.op.rw.offsetDev).toBe(5n);

      const into = Vmo.create(4 * BS);
      const read = await run(client, rwOp(block.BlockOpcode.READ, into, 5n, 4));
      expect(read.status).toBe(Status.OK);
      expect(into.read(0, data.length)).toEqual(data);
      expect(wrote.completions()).toBe(1);
      expect(read.completions()).toBe(1);
      expect(gpt.counters.get('block.ops')).toBe(2);
      expect(gpt.counters.get('block.errors')).toBe(0);
    },
  );

  it('refuses ops past the partition end with ERR_OUT_OF_RANGE before forwarding them', async () => {
    const { stack, disk, gpt, partitions } = await boot(variant);
    const part = partitions[0]!;
    const blocks = part.lastLba - part.firstLba + 1n;
    const client = stack.connectBlock(`${DEVICE}/part-001`, variant);
    const seen = disk.ops.length;
    const vmo = Vmo.create(2 * BS);
    for (const [offset, length] of [
      [blocks - 1n, 2],
      [blocks, 1],
      [2n ** 63n, 1],
    ] as const) {
      const result = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, offset, length));
      expect(result.status).toBe(Status.ERR_OUT_OF_RANGE);
      expect(result.completions()).toBe(1);
    }
    const trim = block.BlockOp.trim({
      command: { opcode: block.BlockOpcode.TRIM, flags: 0 },
      length: 1,
      offsetDev: blocks,
    });
    expect((await run(client, trim)).status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(disk.ops.length).toBe(seen);
    expect(gpt.counters.get('block.errors')).toBe(4);
    // The last block itself is fine.
    const last = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, blocks - 1n, 1));
    expect(last.status).toBe(Status.OK);
    expect(disk.ops.at(-1)?.offsetDev).toBe(part.lastLba);
  });

  it('shifts trims and forwards flushes', async () => {
    const { stack, disk, partitions } = await boot(variant);
    const client = stack.connectBlock(`${DEVICE}/part-002`, variant);
    const trim = block.BlockOp.trim({
      command: { opcode: block.BlockOpcode.TRIM, flags: 0 },
      length: 8,
      offsetDev: 16n,
    });
    expect((await run(client, trim)).status).toBe(Status.OK);
    expect(disk.ops.at(-1)).toEqual({
      opcode: block.BlockOpcode.TRIM,
      offsetDev: partitions[1]!.firstLba + 16n,
      length: 8,
    });
    const flush = block.BlockOp.flush({ command: { opcode: block.BlockOpcode.FLUSH, flags: 0 } });
    expect((await run(client, flush)).status).toBe(Status.OK);
    expect(disk.ops.at(-1)?.opcode).toBe(block.BlockOpcode.FLUSH);
  });

  it('passes device errors up and counts them', async () => {
    const { stack, disk, gpt, partitions } = await boot(variant);
    disk.failWrites.add(partitions[0]!.firstLba + 2n);
    const client = stack.connectBlock(`${DEVICE}/part-001`, variant);
    const result = await run(client, rwOp(block.BlockOpcode.WRITE, Vmo.create(4 * BS), 0n, 4));
    expect(result.status).toBe(Status.ERR_IO);
    expect(result.completions()).toBe(1);
    expect(gpt.counters.get('block.errors')).toBe(1);
  });

  it('works from the backup table when the primary is damaged, and says so', async () => {
    const bytes = image();
    bytes[BS + 20] = (bytes[BS + 20] ?? 0) ^ 0xff; // a reserved byte the header CRC covers
    const { stack, disk, gpt, partitions } = await boot(variant, bytes);
    expect(gpt.table?.source).toBe('backup');
    expect(partitions.map((p) => p.name)).toEqual(['alpha', 'fvm', 'rest']);
    expect(stack.logs.some((l) => l.level === 'warn' && /primary/.test(l.message))).toBe(true);
    const client = stack.connectBlock(`${DEVICE}/part-002`, variant);
    const vmo = Vmo.create(BS);
    vmo.write(plaintext(BS, 'backup'), 0);
    expect((await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 0n, 1))).status).toBe(Status.OK);
    const at = Number(partitions[1]!.firstLba) * BS;
    expect(disk.bytes.subarray(at, at + BS)).toEqual(plaintext(BS, 'backup'));
  });

  it('fails to start on a device without a GPT, saying what it found', async () => {
    stack = new TestStack();
    new MemoryDisk(new Uint8Array(4096 * BS), BS).serve(stack, DEVICE);
    const err = await stack
      .start(DEVICE, GptDriver, { variant, name: 'gpt' })
      .catch((e: unknown) => e);
    expect(StatusError.is(err, Status.ERR_NOT_FOUND)).toBe(true);
    expect((err as Error).message).toMatch(/no usable partition table on the 4096-block device/);
    expect(stack.children(DEVICE)).toEqual([]);
  });
});

describe('gpt driver across hosts (Channel transport)', () => {
  it('reads the table and forwards ops to a device in another host', async () => {
    const { stack, disk, gpt, partitions } = await boot('driver', image(), {
      driverHost: 'gpt-host',
    });
    expect(gpt.incoming.connections.map((c) => c.transport)).toEqual(['channel']);
    expect(partitions).toHaveLength(3);
    const client = stack.connectBlock(`${DEVICE}/part-001`);
    const vmo = Vmo.create(BS);
    vmo.write(plaintext(BS, 'across hosts'), 0);
    const result = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 7n, 1));
    expect(result.status).toBe(Status.OK);
    const at = Number(partitions[0]!.firstLba + 7n) * BS;
    expect(disk.bytes.subarray(at, at + BS)).toEqual(plaintext(BS, 'across hosts'));
  });
});

function diskGuidBytes(partition: GptPartition, which: 'type' | 'unique'): Uint8Array {
  const table = image();
  // The entry array starts at LBA 2; entry slot = index - 1; type at +0, unique at +16.
  const entry = 2 * BS + (partition.index - 1) * 128 + (which === 'type' ? 0 : 16);
  return table.slice(entry, entry + 16);
}
