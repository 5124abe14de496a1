import {
  randomGuid,
  readGptAsync,
  writeGpt,
  type GptLayout,
  type PartitionSpec,
} from '@fdf/block-gpt';
import { Status, StatusError } from '@fdf/zx';
import { formatSize, type FvmVolumeArg, type PartitionArg } from './diskArgs.js';
import { checkFvmFits, planFvm, writeFvm } from './diskFvm.js';
import { ImageFile, userPath } from './diskImage.js';
import { reportTable, type DiskReport } from './diskInspect.js';
import type { Progress } from './diskProgress.js';
import { TEST_ROOT_KEY } from './diskZxcrypt.js';

/**
 * `fdf disk create`: a new image file with a GPT (and FVMs inside FVM
 * partitions). Every argument is checked and the whole layout computed before
 * the file is created, so a mistake never leaves a half-written image.
 */

export interface CreateDiskOptions {
  image: string;
  /** Image size in bytes. */
  size: bigint;
  /** 512 (default) or 4096. */
  blockSize?: number;
  partitions: readonly PartitionArg[];
  fvm?: readonly FvmVolumeArg[];
  /** FVM volumes to format as zxcrypt. */
  zxcrypt?: readonly string[];
  /** Root key (16 or 32 bytes) the zxcrypt data keys are sealed under; 32 zero bytes by default (test images only). */
  zxcryptKey?: Uint8Array;
  diskGuid?: string;
  /** Partition alignment in blocks (1 MiB worth by default). */
  alignment?: number;
  /** Replace an existing file. */
  force?: boolean;
  /** Write zeros over the whole image instead of leaving it sparse. */
  preallocate?: boolean;
  /** Source of new GUIDs, for reproducible images. */
  newGuid?: () => string;
  /** Progress for long writes (the CLI passes a terminal bar). */
  progress?: (label: string, totalBytes: number) => Progress;
}

export interface CreateDiskResult {
  layout: GptLayout;
  /** The image as read back after writing it. */
  report: DiskReport;
}

function toBlocks(bytes: bigint, blockSize: number, what: string): bigint {
  if (bytes % BigInt(blockSize) !== 0n) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} of ${bytes} bytes is not a whole number of ${blockSize}-byte blocks; round it to a multiple of ${blockSize} (e.g. use KiB or MiB)`,
    );
  }
  return bytes / BigInt(blockSize);
}

const ZERO_CHUNK = 4 * 1024 * 1024;

async function preallocate(image: ImageFile, progress: Progress): Promise<void> {
  const zeros = new Uint8Array(ZERO_CHUNK);
  for (let offset = 0; offset < image.size; offset += ZERO_CHUNK) {
    const length = Math.min(ZERO_CHUNK, image.size - offset);
    await image.write(offset, zeros.subarray(0, length));
    progress.advance(length);
  }
}

export async function createDiskImage(options: CreateDiskOptions): Promise<CreateDiskResult> {
  const blockSize = options.blockSize ?? 512;
  if (options.size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `an image of ${options.size} bytes is larger than this tool handles (2^53 bytes); make it smaller`,
    );
  }
  const blockCount = toBlocks(options.size, blockSize, 'the image size');
  const specs: PartitionSpec[] = options.partitions.map((p) => {
    const spec: PartitionSpec = { name: p.name, type: p.typeGuid };
    if (p.size !== 'rest') spec.blocks = toBlocks(p.size, blockSize, `partition '${p.name}'`);
    if (p.uniqueGuid !== undefined) spec.uniqueGuid = p.uniqueGuid;
    return spec;
  });

  const fvmPlans = planFvm(options.fvm ?? [], options.partitions, options.zxcrypt ?? []);
  const rootKey = options.zxcryptKey ?? TEST_ROOT_KEY;

  const newGuid = options.newGuid ?? randomGuid;
  const layout = writeGpt({
    blockSize,
    blockCount,
    partitions: specs,
    newGuid,
    ...(options.diskGuid === undefined ? {} : { diskGuid: options.diskGuid }),
    ...(options.alignment === undefined ? {} : { alignment: options.alignment }),
  });
  const fvmPartitions = fvmPlans.map((plan) => {
    const partition = layout.partitions.find((p) => p.name === plan.partition)!;
    checkFvmFits(plan, partition, blockSize);
    return { plan, partition };
  });

  const path = userPath(options.image);
  const image = await ImageFile.create(path, Number(options.size), options.force === true);
  try {
    if (options.preallocate === true) {
      const progress = options.progress?.(`zeroing ${formatSize(image.size)}`, image.size);
      try {
        await preallocate(image, progress ?? { advance: () => undefined, stop: () => undefined });
      } finally {
        progress?.stop();
      }
    }
    for (const region of layout.regions)
      await image.write(Number(region.lba) * blockSize, region.bytes);
    for (const { plan, partition } of fvmPartitions) {
      await writeFvm(image, partition, blockSize, plan, newGuid, rootKey);
    }
    // Read back what was written: the report comes from the file, not from memory.
    const table = await readGptAsync(image.blockReader(blockSize), blockSize, blockCount);
    const report = await reportTable(image, table);
    await image.close();
    return { layout, report };
  } catch (err) {
    await image.discard();
    throw err;
  }
}
