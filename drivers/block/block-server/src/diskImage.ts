/**
 * Writes a disk image into memory with the format libraries: a GPT
 * (@fdf/block-gpt), an FVM in one partition with its volumes
 * (@fdf/block-fvm), and zxcrypt superblocks in the volumes that ask for it
 * (@fdf/block-zxcrypt). The same steps as `fdf disk create`, on a
 * Uint8Array instead of a file, so a driver can build its disk at boot.
 *
 * GUIDs come from `guidSeed`, so two boots of one board build the same
 * layout. zxcrypt's data key, nonce and fill stay random, as in the real
 * format: they are sealed, nothing above zxcrypt sees them.
 */
import { createHash } from 'node:crypto';
import { formatFvm, loadFvm, type Fvm } from '@fdf/block-fvm';
import { encodeGuid, partitionBlockCount, writeGpt } from '@fdf/block-gpt';
import { formatZxcrypt } from '@fdf/block-zxcrypt';
import { Status, StatusError } from '@fdf/zx';
import type { DiskImageConfig } from './diskImageConfig.js';

const GPT_SIGNATURE = 'EFI PART';

/** What was written, for the driver's log. */
export interface DiskImageLayout {
  readonly partitions: readonly { name: string; firstBlock: number; blocks: number }[];
  readonly volumes: readonly { name: string; slices: number; zxcrypt: boolean }[];
}

/** GUID number `n` of a disk built from `seed`: a version 4 GUID from a hash, not from chance. */
export function seededGuid(seed: number, n: number): string {
  const h = createHash('sha256').update(`fdf-ts disk image ${seed} guid ${n}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function guidBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  encodeGuid(text, out, 0);
  return out;
}

/** True when block 1 holds a GPT header signature: the disk was formatted before (a restart). */
export function hasGpt(disk: Uint8Array, blockSize: number): boolean {
  if (disk.length < blockSize + GPT_SIGNATURE.length) return false;
  for (let i = 0; i < GPT_SIGNATURE.length; i++) {
    if (disk[blockSize + i] !== GPT_SIGNATURE.charCodeAt(i)) return false;
  }
  return true;
}

/** Formats `disk` (blockCount x blockSize bytes) as `config` says. */
export async function formatDiskImage(
  disk: Uint8Array,
  blockSize: number,
  blockCount: number,
  config: DiskImageConfig,
): Promise<DiskImageLayout> {
  if (disk.length < blockSize * blockCount) {
    throw new StatusError(
      Status.ERR_BUFFER_TOO_SMALL,
      `disk image: ${disk.length} bytes of storage cannot hold ${blockCount} blocks of ${blockSize} B; give a larger storage VMO`,
    );
  }
  let n = 0;
  const newGuid = (): string => seededGuid(config.guidSeed, n++);
  const layout = writeGpt({
    blockSize,
    blockCount,
    diskGuid: newGuid(),
    newGuid,
    partitions: config.partitions.map((p) => ({
      name: p.name,
      type: p.type,
      uniqueGuid: newGuid(),
      ...(p.blocks === null ? {} : { blocks: BigInt(p.blocks) }),
    })),
  });
  for (const region of layout.regions) disk.set(region.bytes, Number(region.lba) * blockSize);
  const partitions = layout.partitions.map((p) => ({
    name: p.name,
    firstBlock: Number(p.firstLba),
    blocks: Number(partitionBlockCount(p)),
  }));
  const fvmConfig = config.fvm;
  if (fvmConfig === null) return { partitions, volumes: [] };

  const part = partitions.find((p) => p.name === fvmConfig.partition);
  if (part === undefined) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `disk image: no partition '${fvmConfig.partition}' for the FVM; name one of ${partitions.map((p) => p.name).join(', ')}`,
    );
  }
  const start = part.firstBlock * blockSize;
  const bytes = part.blocks * blockSize;
  disk.set(formatFvm(bytes, fvmConfig.sliceSize), start);
  const fvm = await loadFvm((o, len) => disk.slice(start + o, start + Math.min(o + len, bytes)), {
    diskBytes: bytes,
    write: (o, b) => disk.set(b, start + o),
  });
  const allocated: number[] = [];
  for (const v of fvmConfig.volumes) {
    allocated.push(
      await fvm.allocateVolume(v.name, guidBytes(v.type), guidBytes(newGuid()), v.slices),
    );
  }
  // Growth after the fact puts a volume's later slices past the other volumes'.
  for (const [i, v] of fvmConfig.volumes.entries()) {
    if (v.extendSlices > 0) await fvm.extend(allocated[i] as number, v.slices, v.extendSlices);
  }
  // zxcrypt last: its geometry depends on the volume's final size.
  for (const [i, v] of fvmConfig.volumes.entries()) {
    if (!v.zxcrypt) continue;
    if (config.zxcryptKey === null) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `disk image: volume '${v.name}' is zxcrypt but the image has no zxcryptKey; add one`,
      );
    }
    const volume = { fvm, vpartition: allocated[i] as number, sliceSize: fvmConfig.sliceSize };
    sealVolume(
      disk.subarray(start, start + bytes),
      blockSize,
      volume,
      config.zxcryptKey,
      newGuid(),
    );
  }
  return {
    partitions,
    volumes: fvmConfig.volumes.map((v) => ({
      name: v.name,
      slices: v.slices + v.extendSlices,
      zxcrypt: v.zxcrypt,
    })),
  };
}

/** Seals a volume with zxcrypt: the superblocks go to its first blocks, wherever its slices are. */
function sealVolume(
  partition: Uint8Array,
  blockSize: number,
  volume: { fvm: Fvm; vpartition: number; sliceSize: number },
  rootKey: Uint8Array,
  instanceGuid: string,
): void {
  const { fvm, vpartition, sliceSize } = volume;
  const sealed = formatZxcrypt(fvm.volumeBlockCount(vpartition, blockSize), blockSize, rootKey, {
    fvmSliceSize: sliceSize,
    instanceGuid: guidBytes(instanceGuid),
  });
  const count = sealed.superblocks.length / blockSize;
  for (const e of fvm.mapOp(vpartition, 0, count, blockSize)) {
    const piece = sealed.superblocks.subarray(
      e.opOffsetBlocks * blockSize,
      (e.opOffsetBlocks + e.lengthBlocks) * blockSize,
    );
    partition.set(piece, e.devOffsetBlocks * blockSize);
  }
}
