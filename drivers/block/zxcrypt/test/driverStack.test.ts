import { createHash } from 'node:crypto';
import { block } from '@fdf/bindings';
import { MemoryDisk, TestStack, plaintext, run, rwOp, sameBytes } from '@fdf/block-lib/testing';
import type { DriverVariant } from '@fdf/framework';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { FvmDriver, formatFvm, loadFvm } from '../../fvm/src/index.js';
import {
  GptDriver,
  PartitionType,
  encodeGuid,
  renderImage,
  writeGpt,
} from '../../gpt/src/index.js';
import { DISK, sequentialGuids } from '../../gpt/test/craft.js';
import { ZxcryptDriver, formatZxcrypt } from '../src/index.js';

const BS = 512;
const SLICE = 64 * 1024;
const PER_SLICE = SLICE / BS;
const ROOT_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
const DEVICE = 'root/sys/platform/ramdisk-0/block';
const FVM_PART = `${DEVICE}/part-002`;
const DATA = `${FVM_PART}/data-p-1`;
const ZXCRYPT = `${DATA}/data-zxcrypt`;
const UNSEALED = `${ZXCRYPT}/unsealed`;

function guid(text: string): Uint8Array {
  const out = new Uint8Array(16);
  encodeGuid(text, out, 0);
  return out;
}

/**
 * A 16 MiB disk: GPT with a 1 MiB partition and an FVM partition; in the FVM
 * a "data" volume (vslices 0-2 in pslices 1-3, vslices 3-4 in pslices 6-7,
 * around a "blob" volume) holding a zxcrypt volume.
 */
async function stackImage(): Promise<Uint8Array> {
  const layout = writeGpt({
    blockSize: BS,
    blockCount: (16 * 1024 * 1024) / BS,
    diskGuid: DISK,
    newGuid: sequentialGuids(),
    partitions: [
      { name: 'alpha', type: 'linux', blocks: BigInt((1024 * 1024) / BS) },
      { name: 'fvm', type: 'fvm' },
    ],
  });
  const image = renderImage(layout);
  const part = layout.partitions[1]!;
  const start = Number(part.firstLba) * BS;
  const bytes = Number(part.lastLba - part.firstLba + 1n) * BS;
  image.set(formatFvm(bytes, SLICE), start);
  const fvm = await loadFvm((o, n) => image.slice(start + o, start + o + n), {
    diskBytes: bytes,
    write: (o, b) => image.set(b, start + o),
  });
  const data = await fvm.allocateVolume(
    'data',
    guid(PartitionType.FUCHSIA_DATA),
    guid('00000000-0000-4000-8000-00000000DA7A'),
    3,
  );
  await fvm.allocateVolume(
    'blob',
    guid(PartitionType.FUCHSIA_BLOB),
    guid('00000000-0000-4000-8000-00000000B10B'),
    2,
  );
  await fvm.extend(data, 3, 2);
  const sealed = formatZxcrypt(fvm.volumeBlockCount(data, BS), BS, ROOT_KEY, {
    fvmSliceSize: SLICE,
  });
  for (const extent of fvm.mapOp(data, 0, sealed.superblocks.length / BS, BS)) {
    const piece = sealed.superblocks.subarray(
      extent.opOffsetBlocks * BS,
      (extent.opOffsetBlocks + extent.lengthBlocks) * BS,
    );
    image.set(piece, start + extent.devOffsetBlocks * BS);
  }
  return image;
}

interface Layout {
  readonly variant: DriverVariant;
  /** Host of each driver; the disk is in `block`. */
  readonly hosts: { gpt: string; fvm: string; zxcrypt: string };
}

const LAYOUTS: Record<string, Layout> = {
  banjo: { variant: 'banjo', hosts: { gpt: 'block', fvm: 'block', zxcrypt: 'block' } },
  'driver, one host': {
    variant: 'driver',
    hosts: { gpt: 'block', fvm: 'block', zxcrypt: 'block' },
  },
  'driver, a host each': {
    variant: 'driver',
    hosts: { gpt: 'gpt-host', fvm: 'fvm-host', zxcrypt: 'zxcrypt-host' },
  },
};

/** Writes that start in a slice, cross the data volume's slice gap, and end at the last block. */
const WRITES = [
  { at: 0n, blocks: 8, tag: 'first blocks of the unsealed volume' },
  // Client block 256 is volume block 384: vslice 2 -> 3, pslice 3 -> 6.
  { at: 250n, blocks: 12, tag: 'across the gap between slices 3 and 6' },
  { at: 500n, blocks: 12, tag: 'up to the last block' },
];

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

interface Outcome {
  readonly clientBlocks: bigint;
  readonly readBack: string[];
  readonly diskSha256: string;
  readonly splits: number;
}

async function runStack(layout: Layout, image: Uint8Array): Promise<Outcome> {
  stack = new TestStack();
  const disk = new MemoryDisk(image, BS);
  disk.completeLater = layout.variant === 'banjo';
  disk.serve(stack, DEVICE);
  const { variant, hosts } = layout;
  await stack.start(DEVICE, GptDriver, { variant, name: 'gpt', host: hosts.gpt });
  const fvm = await stack.start(FVM_PART, FvmDriver, { variant, name: 'fvm', host: hosts.fvm });
  stack.addComposite('data-zxcrypt', DATA, 'volume', {
    'fdf.block.zxcrypt': true,
    'fdf.zxcrypt.root_key': Buffer.from(ROOT_KEY).toString('hex'),
  });
  const zxcrypt = await stack.start(ZXCRYPT, ZxcryptDriver, {
    variant,
    name: 'zxcrypt',
    host: hosts.zxcrypt,
  });
  expect(zxcrypt.geometry?.reservedBlocks).toBe(PER_SLICE);

  const client = stack.connectBlock(UNSEALED, variant);
  const { info } = await client.query();
  for (const w of WRITES) {
    const vmo = Vmo.create(w.blocks * BS);
    vmo.write(plaintext(w.blocks * BS, w.tag), 0);
    const result = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, w.at, w.blocks));
    expect(result.status).toBe(Status.OK);
    expect(result.completions()).toBe(1);
  }
  const readBack: string[] = [];
  for (const w of WRITES) {
    const result = await run(
      client,
      rwOp(block.BlockOpcode.READ, Vmo.create(w.blocks * BS), w.at, w.blocks),
    );
    expect(result.status).toBe(Status.OK);
    expect(result.completions()).toBe(1);
    // Across hosts the VMO comes back as a new handle to the same memory: read the one returned.
    const back = result.op.$tag === 'rw' ? (result.op.rw.vmo as Vmo) : undefined;
    const bytes = back?.read(0, w.blocks * BS) ?? new Uint8Array(0);
    expect(sameBytes(bytes, plaintext(w.blocks * BS, w.tag))).toBe('equal');
    readBack.push(createHash('sha256').update(bytes).digest('hex'));
  }
  for (const w of WRITES) {
    const data = plaintext(w.blocks * BS, w.tag);
    // One 32-byte piece per block: any block written in the clear would show.
    for (let at = 0; at < data.length; at += BS) {
      expect(disk.find(data.subarray(at, at + 32))).toEqual([]);
    }
  }
  return {
    clientBlocks: info.blockCount,
    readBack,
    diskSha256: createHash('sha256').update(disk.bytes).digest('hex'),
    splits: fvm.counters.get('block.splits'),
  };
}

describe('gpt -> fvm -> zxcrypt over one memory disk', () => {
  it('gives the same results in the Banjo variant and the Driver variant, in one host or several', async () => {
    const image = await stackImage();
    const outcomes: Record<string, Outcome> = {};
    for (const [name, layout] of Object.entries(LAYOUTS)) {
      outcomes[name] = await runStack(layout, image.slice());
      await stack?.stop();
      stack = undefined;
    }
    const banjo = outcomes['banjo']!;
    // 5 slices of the data volume, minus zxcrypt's reserved slice.
    expect(banjo.clientBlocks).toBe(BigInt(4 * PER_SLICE));
    // The write and the read across the slice gap were split by fvm.
    expect(banjo.splits).toBe(2);
    for (const outcome of Object.values(outcomes)) expect(outcome).toEqual(banjo);
  });
});
