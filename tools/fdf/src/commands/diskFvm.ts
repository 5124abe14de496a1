import { FVM_MAGIC, formatFvm, headerForDisk, loadFvm, type Fvm } from '@fdf/block-fvm';
import {
  PartitionType,
  decodeGuid,
  encodeGuid,
  partitionBlockCount,
  partitionTypeName,
  type GptPartition,
} from '@fdf/block-gpt';
import { Status, StatusError } from '@fdf/zx';
import type { FvmVolumeArg, PartitionArg } from './diskArgs.js';
import type { ImageFile } from './diskImage.js';
import {
  checkZxcryptFits,
  inspectZxcrypt,
  writeZxcrypt,
  type VolumeIo,
  type ZxcryptReport,
} from './diskZxcrypt.js';

/**
 * FVM content inside a GPT partition, through the @fdf/block-fvm format
 * library: `fdf disk create --fvm` formats the partition and allocates the
 * volumes (formatting the --zxcrypt ones), `fdf disk inspect` lists them.
 */

export interface FvmPlan {
  partition: string;
  sliceSize: number;
  volumes: { name: string; slices: number; typeGuid: string; zxcrypt: boolean }[];
}

export interface FvmVolumeReport {
  index: number;
  name: string;
  typeGuid: string;
  typeName: string | null;
  instanceGuid: string;
  slices: number;
  inactive: boolean;
  /** Present when the volume starts with a zxcrypt superblock. */
  zxcrypt?: ZxcryptReport;
}

export interface FvmReport {
  sliceSize: number;
  sliceCount: number;
  assignedSliceCount: number;
  metadataCopy: 'A' | 'B';
  generation: string;
  volumes: FvmVolumeReport[];
}

/**
 * Groups `--fvm` volumes by partition and checks them against the partition
 * list; marks the volumes `zxcrypt` names.
 */
export function planFvm(
  args: readonly FvmVolumeArg[],
  partitions: readonly PartitionArg[],
  zxcrypt: readonly string[] = [],
): FvmPlan[] {
  const plans = new Map<string, FvmPlan>();
  for (const arg of args) {
    const partition = partitions.find((p) => p.name === arg.partition);
    if (partition === undefined) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `--fvm names partition '${arg.partition}', which is not in --partition (${partitions.map((p) => p.name).join(', ') || 'none'}); add it or fix the name`,
      );
    }
    if (partition.typeGuid !== PartitionType.FUCHSIA_FVM) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `partition '${arg.partition}' has type ${partitionTypeName(partition.typeGuid) ?? partition.typeGuid}; FVM content needs a partition of type fvm (${PartitionType.FUCHSIA_FVM})`,
      );
    }
    if (arg.sliceSize > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new StatusError(Status.ERR_INVALID_ARGS, `slice size ${arg.sliceSize} is too large`);
    }
    const sliceSize = Number(arg.sliceSize);
    let plan = plans.get(arg.partition);
    if (plan === undefined) {
      plan = { partition: arg.partition, sliceSize, volumes: [] };
      plans.set(arg.partition, plan);
    } else if (plan.sliceSize !== sliceSize) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `FVM partition '${arg.partition}' is given slice sizes ${plan.sliceSize} and ${sliceSize}; one FVM has one slice size, use the same for all its volumes`,
      );
    }
    if (plan.volumes.some((v) => v.name === arg.volume)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `FVM partition '${arg.partition}' is given two volumes named '${arg.volume}'; name each volume once`,
      );
    }
    plan.volumes.push({
      name: arg.volume,
      slices: arg.slices,
      typeGuid: arg.typeGuid ?? PartitionType.FUCHSIA_DATA,
      zxcrypt: zxcrypt.includes(arg.volume),
    });
  }
  for (const volume of zxcrypt) {
    const owners = [...plans.values()].filter((plan) =>
      plan.volumes.some((v) => v.name === volume),
    );
    if (owners.length !== 1) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        owners.length === 0
          ? `--zxcrypt names volume '${volume}', which no --fvm creates; zxcrypt goes inside an FVM volume, add it with --fvm`
          : `--zxcrypt names volume '${volume}', which several FVM partitions have; give the volumes distinct names`,
      );
    }
  }
  return [...plans.values()];
}

/** Checks, before anything is written, that the FVM, its volumes and their zxcrypt fit in the partition. */
export function checkFvmFits(plan: FvmPlan, partition: GptPartition, blockSize: number): void {
  const bytes = Number(partitionBlockCount(partition)) * blockSize;
  const header = headerForDisk(bytes, plan.sliceSize);
  const wanted = plan.volumes.reduce((sum, v) => sum + v.slices, 0);
  if (wanted > header.psliceCount) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `the volumes of FVM partition '${plan.partition}' need ${wanted} slices of ${plan.sliceSize} bytes but its ${bytes} bytes hold ${header.psliceCount} after the metadata; make the partition bigger or the volumes smaller`,
    );
  }
  for (const v of plan.volumes) {
    if (v.zxcrypt) checkZxcryptFits(v.name, v.slices, plan.sliceSize, blockSize);
  }
}

function guidBytes(guid: string): Uint8Array {
  const bytes = new Uint8Array(16);
  encodeGuid(guid, bytes, 0);
  return bytes;
}

/** Reads and writes bytes of `partition` inside the image, never outside it. */
function partitionIo(image: ImageFile, partition: GptPartition, blockSize: number) {
  const start = Number(partition.firstLba) * blockSize;
  const size = Number(partitionBlockCount(partition)) * blockSize;
  return {
    start,
    size,
    read: (offset: number, length: number) =>
      image.read(start + offset, Math.max(0, Math.min(length, size - offset))),
    write: async (offset: number, bytes: Uint8Array) => {
      if (offset + bytes.length > size) {
        throw new StatusError(
          Status.ERR_OUT_OF_RANGE,
          `FVM write at offset ${offset} (${bytes.length} bytes) would leave partition '${partition.name}' (${size} bytes)`,
        );
      }
      await image.write(start + offset, bytes);
    },
  };
}

/** Block I/O inside one FVM volume, through the FVM's slice mapping (as the fvm driver maps ops). */
function volumeIo(
  image: ImageFile,
  partition: GptPartition,
  fvm: Fvm,
  vpartition: number,
  blockSize: number,
): VolumeIo {
  const start = Number(partition.firstLba) * blockSize;
  return {
    async read(block, count) {
      const out = new Uint8Array(count * blockSize);
      for (const e of fvm.mapOp(vpartition, block, count, blockSize)) {
        const bytes = await image.read(
          start + e.devOffsetBlocks * blockSize,
          e.lengthBlocks * blockSize,
        );
        out.set(bytes, e.opOffsetBlocks * blockSize);
      }
      return out;
    },
    async write(block, bytes) {
      const count = bytes.length / blockSize;
      for (const e of fvm.mapOp(vpartition, block, count, blockSize)) {
        const piece = bytes.subarray(
          e.opOffsetBlocks * blockSize,
          (e.opOffsetBlocks + e.lengthBlocks) * blockSize,
        );
        await image.write(start + e.devOffsetBlocks * blockSize, piece);
      }
    },
  };
}

/** Formats the FVM in `partition`, allocates the planned volumes in order and formats the zxcrypt ones. */
export async function writeFvm(
  image: ImageFile,
  partition: GptPartition,
  blockSize: number,
  plan: FvmPlan,
  newGuid: () => string,
  rootKey: Uint8Array,
): Promise<void> {
  const io = partitionIo(image, partition, blockSize);
  await io.write(0, formatFvm(io.size, plan.sliceSize));
  const fvm = await loadFvm(io.read, { diskBytes: io.size, write: io.write });
  for (const v of plan.volumes) {
    const vpartition = await fvm.allocateVolume(
      v.name,
      guidBytes(v.typeGuid),
      guidBytes(newGuid()),
      v.slices,
    );
    if (v.zxcrypt) {
      await writeZxcrypt(
        volumeIo(image, partition, fvm, vpartition, blockSize),
        fvm.volumeBlockCount(vpartition, blockSize),
        blockSize,
        plan.sliceSize,
        rootKey,
      );
    }
  }
}

/**
 * True when `partition` starts with the FVM magic. A partition of the FVM
 * type without it is simply not formatted yet; one with it should load.
 */
export async function hasFvmMagic(
  image: ImageFile,
  partition: GptPartition,
  blockSize: number,
): Promise<boolean> {
  const bytes = await partitionIo(image, partition, blockSize).read(0, 8);
  return (
    bytes.length === 8 &&
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true) === FVM_MAGIC
  );
}

/**
 * The FVM in `partition` with its volumes (and their zxcrypt superblocks);
 * a StatusError says why the FVM could not be read. Damage inside a volume
 * is a problem, not a failure.
 */
export async function inspectFvm(
  image: ImageFile,
  partition: GptPartition,
  blockSize: number,
): Promise<{ report: FvmReport; problems: string[] }> {
  const io = partitionIo(image, partition, blockSize);
  const fvm = await loadFvm(io.read, { diskBytes: io.size });
  const info = fvm.getInfo();
  const meta = fvm.metadataInfo();
  const problems: string[] = [];
  const volumes: FvmVolumeReport[] = [];
  for (const v of fvm.volumes()) {
    const typeGuid = decodeGuid(v.type, 0);
    const volume: FvmVolumeReport = {
      index: v.index,
      name: v.name,
      typeGuid,
      typeName: partitionTypeName(typeGuid) ?? null,
      instanceGuid: decodeGuid(v.instance, 0),
      slices: v.sliceCount,
      inactive: v.inactive,
    };
    const where = `partition ${partition.index} '${partition.name}', FVM volume ${v.index} '${v.name}'`;
    try {
      const zxcrypt = await inspectZxcrypt(
        volumeIo(image, partition, fvm, v.index, blockSize),
        blockSize,
      );
      if (zxcrypt !== undefined) {
        volume.zxcrypt = zxcrypt.report;
        problems.push(...zxcrypt.problems.map((p) => `${where}: ${p}`));
      }
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      problems.push(`${where}: ${err.message}`);
    }
    volumes.push(volume);
  }
  return {
    report: {
      sliceSize: info.sliceSize,
      sliceCount: info.sliceCount,
      assignedSliceCount: info.assignedSliceCount,
      metadataCopy: meta.activeCopy,
      generation: meta.generation.toString(),
      volumes,
    },
    problems,
  };
}
