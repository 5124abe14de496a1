import {
  PartitionType,
  hasGptSignature,
  partitionBlockCount,
  partitionTypeName,
  readGptAsync,
  type GptTable,
} from '@fdf/block-gpt';
import { StatusError } from '@fdf/zx';
import { formatSize } from './diskArgs.js';
import { hasFvmMagic, inspectFvm, type FvmReport } from './diskFvm.js';
import { ImageFile, userPath } from './diskImage.js';

/**
 * `fdf disk inspect`: the GPT of an image (and the FVM inside each FVM
 * partition) as a report object, printed as text or JSON. LBAs are plain
 * numbers in the JSON: any image a file system holds fits in 2^53 blocks.
 */

export interface PartitionReport {
  index: number;
  name: string;
  typeGuid: string;
  typeName: string | null;
  uniqueGuid: string;
  firstLba: number;
  lastLba: number;
  blocks: number;
  bytes: number;
  /** The 64 attribute bits as 0x-prefixed hex. */
  attributes: string;
  /** Present for partitions of the FVM type that hold a readable FVM (unformatted ones have none). */
  fvm?: FvmReport;
}

export interface DiskReport {
  image: string;
  imageBytes: number;
  blockSize: number;
  blockCount: number;
  source: 'primary' | 'backup';
  diskGuid: string;
  firstUsableLba: number;
  lastUsableLba: number;
  entryCount: number;
  partitions: PartitionReport[];
  /** Everything found wrong that did not stop the read. */
  problems: string[];
}

/** The block size an image was made with: where the 'EFI PART' signature is (512 when neither). */
async function detectBlockSize(image: ImageFile): Promise<number> {
  for (const size of [512, 4096]) {
    if (hasGptSignature(await image.read(size, 8))) return size;
  }
  return 512;
}

/** The report of a table already read from `image`. */
export async function reportTable(image: ImageFile, table: GptTable): Promise<DiskReport> {
  const problems = [...table.problems];
  const remainder = image.size % table.blockSize;
  if (remainder !== 0) {
    problems.push(
      `the image is ${image.size} bytes, not a whole number of ${table.blockSize}-byte blocks; the last ${remainder} bytes are ignored`,
    );
  }
  const partitions: PartitionReport[] = [];
  for (const p of table.partitions) {
    const blocks = partitionBlockCount(p);
    const report: PartitionReport = {
      index: p.index,
      name: p.name,
      typeGuid: p.typeGuid,
      typeName: partitionTypeName(p.typeGuid) ?? null,
      uniqueGuid: p.uniqueGuid,
      firstLba: Number(p.firstLba),
      lastLba: Number(p.lastLba),
      blocks: Number(blocks),
      bytes: Number(blocks) * table.blockSize,
      attributes: `0x${p.attributes.toString(16).toUpperCase().padStart(16, '0')}`,
    };
    if (
      p.typeGuid === PartitionType.FUCHSIA_FVM &&
      (await hasFvmMagic(image, p, table.blockSize))
    ) {
      try {
        const fvm = await inspectFvm(image, p, table.blockSize);
        report.fvm = fvm.report;
        problems.push(...fvm.problems);
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        problems.push(
          `partition ${p.index} '${p.name}' holds an FVM (its magic is there) that cannot be read: ${err.message}`,
        );
      }
    }
    partitions.push(report);
  }
  return {
    image: image.path,
    imageBytes: image.size,
    blockSize: table.blockSize,
    blockCount: Number(table.blockCount),
    source: table.source,
    diskGuid: table.header.diskGuid,
    firstUsableLba: Number(table.header.firstUsableLba),
    lastUsableLba: Number(table.header.lastUsableLba),
    entryCount: table.header.partitionEntryCount,
    partitions,
    problems,
  };
}

export interface InspectOptions {
  image: string;
  /** 512 or 4096; found from the signature's position when omitted. */
  blockSize?: number;
}

/** Reads the GPT (and FVMs) of an image file. */
export async function inspectDiskImage(options: InspectOptions): Promise<DiskReport> {
  const image = await ImageFile.open(userPath(options.image));
  try {
    const blockSize = options.blockSize ?? (await detectBlockSize(image));
    const blockCount = Math.floor(image.size / blockSize);
    const table = await readGptAsync(image.blockReader(blockSize), blockSize, blockCount);
    return await reportTable(image, table);
  } finally {
    await image.close();
  }
}

/** The report as text for a terminal. */
export function formatDiskReport(r: DiskReport): string {
  const lines = [
    `${r.image}: ${r.blockCount} blocks of ${r.blockSize} bytes (${formatSize(r.blockCount * r.blockSize)}), GPT read from the ${r.source} copy`,
    `disk GUID ${r.diskGuid}, usable LBA ${r.firstUsableLba}..${r.lastUsableLba}, ${r.entryCount} entry slots, ${r.partitions.length} partitions`,
  ];
  for (const p of r.partitions) {
    lines.push(
      '',
      `partition ${p.index} '${p.name}': LBA ${p.firstLba}..${p.lastLba} (${p.blocks} blocks, ${formatSize(p.bytes)})`,
      `  type        ${p.typeGuid}${p.typeName === null ? '' : ` (${p.typeName})`}`,
      `  unique GUID ${p.uniqueGuid}`,
      `  attributes  ${p.attributes}`,
    );
    if (p.fvm !== undefined) {
      const f = p.fvm;
      lines.push(
        `  FVM: slice size ${formatSize(f.sliceSize)}, ${f.assignedSliceCount} of ${f.sliceCount} slices assigned, metadata copy ${f.metadataCopy}, generation ${f.generation}`,
      );
      for (const v of f.volumes) {
        lines.push(
          `    volume ${v.index} '${v.name}': ${v.slices} slices (${formatSize(v.slices * f.sliceSize)})${v.inactive ? ', inactive' : ''}, type ${v.typeName ?? v.typeGuid}, instance ${v.instanceGuid}`,
        );
        if (v.zxcrypt !== undefined) {
          lines.push(
            `      zxcrypt: version 0x${v.zxcrypt.version.toString(16)}, instance ${v.zxcrypt.instanceGuid}, ${v.zxcrypt.slotCount} key slots`,
          );
        }
      }
    }
  }
  if (r.problems.length > 0) {
    lines.push('', 'problems:', ...r.problems.map((p) => `  - ${p}`));
  }
  return lines.join('\n');
}
