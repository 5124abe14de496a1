/**
 * `fdf block info|read|write|verify|bench`: block I/O against a board's
 * block stack through block-server's FIFO protocol. Each command boots the
 * board (default boards/reference.yaml), has the board's block-client run a
 * workload on its own session, prints, and stops the board (see
 * blockSession.ts; `--image` keeps the disk in a file between commands).
 * Data read or written lands in a VMO this process shares with the client's
 * host: the device's one copy goes straight into it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { ProgressCell } from '@fdf/block-server';
import { Status, StatusError, Vmo, transferHandle } from '@fdf/zx';
import { resolveFromUser, type Write } from './boardSession.js';
import { parseSize } from './diskArgs.js';
import { formatInfo, formatRw, hexdump, type InfoReport, type RwReport } from './blockFormat.js';
import { showProgress } from './blockProgress.js';
import { withBlockBoard, type BlockFlags, type BlockSession } from './blockSession.js';

export function wholeNumber(
  text: string,
  flag: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${flag} '${text}' is not a whole number from ${min} to ${max}`,
    );
  }
  return Number(text);
}

function bytesFlag(text: string, flag: string): number {
  const n = parseSize(text, flag);
  if (n === 0n || n > BigInt(1 << 30)) {
    throw new StatusError(Status.ERR_INVALID_ARGS, `${flag} '${text}' must be from 1 B to 1 GiB`);
  }
  return Number(n);
}

/** Runs `command` on a board; exit code 130 after Ctrl-C. */
async function onBoard(
  flags: BlockFlags,
  writes: boolean,
  write: Write,
  command: (s: BlockSession) => Promise<string>,
): Promise<void> {
  const out = await withBlockBoard(
    flags,
    {
      writes,
      ...(flags.verbose === true ? { progress: (t: string) => process.stderr.write(t) } : {}),
    },
    command,
  );
  if (out === 'interrupted') {
    process.stderr.write('interrupted; the board stopped cleanly\n');
    process.exitCode = 130;
    return;
  }
  write(out);
}

/** A workload with a progress bar on the terminal. */
async function withProgress<R>(
  s: BlockSession,
  workload: string,
  params: Record<string, unknown>,
): Promise<{ summary: string; checksum?: string; report: R }> {
  const cell = ProgressCell.create();
  const running = s.run<R>(workload, params, cell);
  await showProgress(cell, running);
  const { result, report } = await running;
  return {
    summary: result.summary,
    ...(result.checksum === undefined ? {} : { checksum: result.checksum }),
    report,
  };
}

async function blockSizeOf(s: BlockSession): Promise<InfoReport> {
  return (await s.run<InfoReport>('info', {})).report;
}

function common(cmd: Command): Command {
  return cmd
    .option('-b, --board <manifest>', 'board manifest (default boards/reference.yaml)')
    .option(
      '--image <file>',
      'use this disk image file as the board disk (created and formatted when missing; kept after writes)',
    )
    .option('--node <path>', 'the block-client node to use, when the board has several')
    .option('-v, --verbose', 'print boot progress and driver warnings to stderr');
}

interface RangeFlags extends BlockFlags {
  start?: string;
  count?: string;
  seed: string;
}

interface BenchFlags extends BlockFlags {
  ops?: string;
  duration?: string;
  ioSize: string;
  queueDepth: string;
  readPercent: string;
  pattern: string;
  seed: string;
  verify?: boolean;
  prefill?: boolean;
  start?: string;
  count?: string;
}

/** Workload params of `fdf block bench`. */
export function benchParams(flags: BenchFlags): Record<string, unknown> {
  if (flags.pattern !== 'random' && flags.pattern !== 'sequential') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `--pattern '${flags.pattern}' is not random or sequential`,
    );
  }
  const params: Record<string, unknown> = {
    ioSize: bytesFlag(flags.ioSize, '--io-size'),
    queueDepth: wholeNumber(flags.queueDepth, '--queue-depth', 1, 102),
    readPercent: wholeNumber(flags.readPercent, '--read-percent', 0, 100),
    pattern: flags.pattern,
    seed: wholeNumber(flags.seed, '--seed', 0, 0xffff_ffff),
    verify: flags.verify === true,
    prefill: flags.prefill === true,
    tolerateErrors: true,
  };
  if (flags.duration !== undefined)
    params['durationMs'] = wholeNumber(flags.duration, '--duration', 1, 3_600_000);
  if (flags.ops !== undefined || flags.duration === undefined) {
    params['ops'] = wholeNumber(flags.ops ?? '10000', '--ops', 1);
  }
  if (flags.start !== undefined) params['startBlock'] = wholeNumber(flags.start, '--start');
  if (flags.count !== undefined) params['blockCount'] = wholeNumber(flags.count, '--count', 1);
  return params;
}

function rangeParams(flags: RangeFlags): Record<string, unknown> {
  const params: Record<string, unknown> = {
    seed: wholeNumber(flags.seed, '--seed', 0, 0xffff_ffff),
  };
  if (flags.start !== undefined) params['startBlock'] = wholeNumber(flags.start, '--start');
  if (flags.count !== undefined) params['blockCount'] = wholeNumber(flags.count, '--count', 1);
  return params;
}

/** Registers `fdf block info|read|write|verify|bench`. */
export function registerBlockCommands(
  program: Command,
  write: Write = (t) => process.stdout.write(t),
): void {
  const block = program
    .command('block')
    .description('Block I/O on a board through block-server (boots the board, runs, stops)');

  common(block.command('info'))
    .description('The served block device: geometry, flags, which node serves it and which client')
    .action((flags: BlockFlags) =>
      onBoard(flags, false, write, async (s) => {
        const info = await blockSizeOf(s);
        const drivers = s.manager.drivers();
        const server = drivers.find((d) => d.driver === 'block-server');
        const client = drivers.find((d) => d.driver === 'block-client');
        return formatInfo(
          info,
          `${server?.node ?? '?'} (host ${server?.host ?? '?'})`,
          `${client?.node ?? '?'} (host ${client?.host ?? '?'})`,
        );
      }),
    );

  common(block.command('read'))
    .description('Read blocks: a hex dump (or --out to a file) and their SHA-256')
    .requiredOption('--offset <block>', 'first block')
    .option('--count <blocks>', 'blocks to read', '1')
    .option('--out <file>', 'write the data to this file instead of dumping it')
    .action((flags: BlockFlags & { offset: string; count: string; out?: string }) =>
      onBoard(flags, false, write, async (s) => {
        const info = await blockSizeOf(s);
        const offset = wholeNumber(flags.offset, '--offset');
        const count = wholeNumber(flags.count, '--count', 1, 65536);
        const vmo = Vmo.create(count * info.blockSize);
        const { descriptor } = transferHandle(vmo.duplicate());
        const { result } = await s.run('read', { offset, count, buffer: descriptor });
        const data = vmo.read(0, count * info.blockSize);
        const sha = createHash('sha256').update(data).digest('hex');
        if (flags.out !== undefined) {
          await writeFile(resolveFromUser(flags.out), data);
          return `${result.summary}; sha256 ${sha}; written to ${flags.out}\n`;
        }
        return `${hexdump(data, offset * info.blockSize)}${result.summary}; sha256 ${sha}\n`;
      }),
    );

  common(block.command('write'))
    .description('Write blocks from a file, or filled with one byte value')
    .requiredOption('--offset <block>', 'first block')
    .option('--file <file>', 'the data; its size must be a whole number of blocks')
    .option('--byte <value>', 'fill with this byte (0..255) instead of a file')
    .option('--count <blocks>', 'blocks to fill with --byte', '1')
    .action((flags: BlockFlags & { offset: string; file?: string; byte?: string; count: string }) =>
      onBoard(flags, true, write, async (s) => {
        const info = await blockSizeOf(s);
        const offset = wholeNumber(flags.offset, '--offset');
        let data: Uint8Array;
        if (flags.file !== undefined) {
          data = await readFile(resolveFromUser(flags.file));
          if (data.length === 0 || data.length % info.blockSize !== 0) {
            throw new StatusError(
              Status.ERR_INVALID_ARGS,
              `${flags.file} has ${data.length} bytes, not a whole number of ${info.blockSize}-byte blocks; pad it`,
            );
          }
        } else if (flags.byte !== undefined) {
          const count = wholeNumber(flags.count, '--count', 1, 65536);
          data = new Uint8Array(count * info.blockSize).fill(
            wholeNumber(flags.byte, '--byte', 0, 255),
          );
        } else {
          throw new StatusError(
            Status.ERR_INVALID_ARGS,
            'give the data: --file <file> or --byte <value> [--count <blocks>]',
          );
        }
        const count = data.length / info.blockSize;
        const vmo = Vmo.create(data.length);
        vmo.write(data, 0);
        const { descriptor } = transferHandle(vmo.duplicate());
        const { result } = await s.run('write', { offset, count, buffer: descriptor });
        return `${result.summary}; sha256 ${createHash('sha256').update(data).digest('hex')}\n`;
      }),
    );

  common(block.command('verify'))
    .description(
      'Write a checksummed pattern over a range and read every block back checked (--no-write: only check)',
    )
    .option('--start <block>', 'first block (default 0)')
    .option('--count <blocks>', 'blocks (default: to the end of the device)')
    .option('--seed <n>', 'pattern seed: a later --no-write run with the same seed checks it', '1')
    .option('--no-write', 'only check a pattern written before (with --image)')
    .action((flags: RangeFlags & { write: boolean }) =>
      onBoard(flags, flags.write, write, async (s) => {
        const params = rangeParams(flags);
        const lines: string[] = [];
        if (flags.write) lines.push((await withProgress(s, 'fill', params)).summary);
        lines.push((await withProgress(s, 'check', params)).summary);
        return `${lines.join('\n')}\n`;
      }),
    );

  common(block.command('bench'))
    .description('Random or sequential I/O at a queue depth: IOPS, MiB/s, latency percentiles')
    .option('--ops <n>', 'ops to run (default 10000 without --duration)')
    .option('--duration <ms>', 'run for this long instead (or whichever ends first with --ops)')
    .option('--io-size <bytes>', 'bytes per op (4KiB, 64KiB, ...)', '4KiB')
    .option('--queue-depth <n>', 'ops in flight, 1..102', '8')
    .option('--read-percent <n>', 'share of reads, 0..100', '50')
    .option('--pattern <p>', 'random or sequential', 'random')
    .option('--seed <n>', 'PRNG seed: the same seed, the same ops and data', '1')
    .option('--verify', 'check every read and every written block')
    .option('--prefill', 'write the range first so every read can be checked')
    .option('--start <block>', 'first block of the range')
    .option('--count <blocks>', 'blocks in the range')
    .action((flags: BenchFlags) =>
      onBoard(flags, true, write, async (s) => {
        const { report } = await withProgress<RwReport>(s, 'rw', benchParams(flags));
        return formatRw(report);
      }),
    );
}
