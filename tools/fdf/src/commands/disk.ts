import type { Command } from 'commander';
import { parseGuid } from '@fdf/block-gpt';
import { Status, StatusError } from '@fdf/zx';
import {
  formatSize,
  parseBlockSize,
  parseFvmVolumes,
  parsePartitions,
  parseSize,
} from './diskArgs.js';
import { createDiskImage, type CreateDiskOptions } from './diskCreate.js';
import { formatDiskReport, inspectDiskImage, type InspectOptions } from './diskInspect.js';
import { createProgress } from './diskProgress.js';
import { parseRootKey } from './diskZxcrypt.js';

/**
 * `fdf disk create` and `fdf disk inspect`: GPT disk images (with FVMs inside
 * FVM partitions) for the block stack, checked against sgdisk in the tests.
 */

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface CreateFlags {
  size: string;
  blockSize: string;
  partition: string[];
  fvm: string[];
  zxcrypt: string[];
  zxcryptKey?: string;
  diskGuid?: string;
  align?: string;
  force?: boolean;
  preallocate?: boolean;
}

function positiveInteger(text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} '${text}' is not a positive whole number`,
    );
  }
  return Number(text);
}

/** The options of `createDiskImage` from the command line's flags. */
export function createOptionsFromFlags(image: string, flags: CreateFlags): CreateDiskOptions {
  const options: CreateDiskOptions = {
    image,
    size: parseSize(flags.size, '--size'),
    blockSize: parseBlockSize(flags.blockSize),
    partitions: parsePartitions(flags.partition),
    fvm: parseFvmVolumes(flags.fvm),
    zxcrypt: flags.zxcrypt,
    force: flags.force === true,
    preallocate: flags.preallocate === true,
    progress: (label, total) => createProgress(label, total),
  };
  if (flags.zxcryptKey !== undefined) options.zxcryptKey = parseRootKey(flags.zxcryptKey);
  if (flags.diskGuid !== undefined) options.diskGuid = parseGuid(flags.diskGuid, '--disk-guid');
  if (flags.align !== undefined) options.alignment = positiveInteger(flags.align, '--align');
  return options;
}

/** Registers `fdf disk create` and `fdf disk inspect`. */
export function registerDiskCommands(program: Command): void {
  const disk = program.command('disk').description('Create and inspect GPT disk images');

  disk
    .command('create')
    .description(
      'Create a disk image with a GPT (protective MBR, both header copies), FVMs in FVM partitions, zxcrypt in FVM volumes',
    )
    .argument('<image>', 'image file to create')
    .requiredOption('--size <size>', 'image size: bytes or with a binary unit (64MiB, 1GiB)')
    .option('--block-size <bytes>', 'logical block size: 512 or 4096', '512')
    .option(
      '--partition <specs>',
      'partitions in order, <name>:<type>:<size>[:<unique-guid>][,...]; type is a GUID or fvm, linux, efi, data, blob, misc; size "rest" takes what is left (repeatable)',
      collect,
      [],
    )
    .option(
      '--fvm <specs>',
      'FVM volumes, <partition-name>:<slice-size>:<volume>:<slices>[:<type>][,...] (repeatable)',
      collect,
      [],
    )
    .option('--zxcrypt <volume>', 'format an FVM volume as zxcrypt (repeatable)', collect, [])
    .option(
      '--zxcrypt-key <hex>',
      'zxcrypt root key, 16 or 32 bytes as hex (default: 32 zero bytes, for test images only)',
    )
    .option('--disk-guid <guid>', 'disk GUID (random by default)')
    .option('--align <blocks>', 'partition start alignment in blocks (default 1 MiB worth)')
    .option('--force', 'replace an existing file')
    .option('--preallocate', 'write zeros over the whole image instead of leaving it sparse')
    .action(async (image: string, flags: CreateFlags) => {
      const { report } = await createDiskImage(createOptionsFromFlags(image, flags));
      console.log(`created ${report.image} (${formatSize(report.imageBytes)})`);
      console.log(formatDiskReport(report));
    });

  disk
    .command('inspect')
    .description('List the partitions of a GPT disk image (and the volumes of its FVMs)')
    .argument('<image>', 'image file to read')
    .option('--json', 'print the report as JSON')
    .option(
      '--block-size <bytes>',
      'logical block size: 512 or 4096 (found from the image by default)',
    )
    .action(async (image: string, flags: { json?: boolean; blockSize?: string }) => {
      const options: InspectOptions = { image };
      if (flags.blockSize !== undefined) options.blockSize = parseBlockSize(flags.blockSize);
      const report = await inspectDiskImage(options);
      console.log(flags.json === true ? JSON.stringify(report, null, 2) : formatDiskReport(report));
    });
}
