import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ProgressCell } from '@fdf/block-server';
import { Status, StatusError } from '@fdf/zx';
import { afterAll, describe, expect, it } from 'vitest';
import { benchParams, registerBlockCommands, wholeNumber } from './block.js';
import { formatRw, hexdump, type RwReport } from './blockFormat.js';
import { progressLine } from './blockProgress.js';

const dir = mkdtempSync(join(tmpdir(), 'fdf-block-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fdf(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('fdf').exitOverride();
  registerBlockCommands(program, (text) => (out += text));
  await program.parseAsync(['node', 'fdf', ...args]);
  return out;
}

const BENCH = {
  ioSize: '4KiB',
  queueDepth: '8',
  readPercent: '50',
  pattern: 'random',
  seed: '1',
};

describe('fdf block arguments', () => {
  it('turns bench flags into rw params', () => {
    expect(benchParams({ ...BENCH, ops: '500', verify: true })).toEqual({
      ioSize: 4096,
      queueDepth: 8,
      readPercent: 50,
      pattern: 'random',
      seed: 1,
      verify: true,
      prefill: false,
      tolerateErrors: true,
      ops: 500,
    });
    expect(benchParams({ ...BENCH, duration: '2000' })).toMatchObject({ durationMs: 2000 });
    expect(benchParams({ ...BENCH, duration: '2000' })).not.toHaveProperty('ops');
    expect(benchParams(BENCH)).toMatchObject({ ops: 10000 });
  });

  it('refuses what is not a number, with the flag named', () => {
    expect(() => wholeNumber('12x', '--offset')).toThrow(
      "--offset '12x' is not a whole number from 0 to 9007199254740991",
    );
    expect(() => benchParams({ ...BENCH, queueDepth: '200' })).toThrow(
      "--queue-depth '200' is not a whole number from 1 to 102",
    );
    expect(() => benchParams({ ...BENCH, pattern: 'zigzag' })).toThrow(
      "--pattern 'zigzag' is not random or sequential",
    );
  });
});

describe('fdf block output', () => {
  it('dumps bytes like hexdump -C and says what it left out', () => {
    const bytes = new TextEncoder().encode('hello, block stack!\u0001');
    expect(hexdump(bytes, 0x1400)).toBe(
      '00001400  68 65 6c 6c 6f 2c 20 62  6c 6f 63 6b 20 73 74 61  |hello, block sta|\n' +
        '00001410  63 6b 21 01                                       |ck!.|\n',
    );
    expect(hexdump(new Uint8Array(40), 0, 16)).toMatch(/\n\.\.\. 24 more bytes \(use --out/);
  });

  it('prints throughput, latency and verification of a bench', () => {
    const report: RwReport = {
      ops: 2000,
      reads: 1000,
      writes: 1000,
      bytesRead: 4096000,
      bytesWritten: 4096000,
      elapsedMs: 250,
      iops: 8000,
      mibPerSec: 31.25,
      latencyUs: { count: 2000, min: 50, mean: 900, p50: 700, p99: 4200, p999: 9000, max: 12000 },
      errors: 0,
      errorSamples: [],
      verify: {
        enabled: true,
        blocksChecked: 9000,
        blocksUnverified: 0,
        finalPassBlocks: 8000,
        mismatches: 0,
        samples: [],
      },
      aborted: null,
      options: {
        pattern: 'random',
        readPercent: 50,
        ioSize: 4096,
        queueDepth: 8,
        seed: 1,
        startBlock: 0,
        blockCount: 8064,
      },
      checksum: 'abcdef0123456789',
      calls: { issued: 2000, settled: 2000, ok: 2000, failed: 0 },
    };
    expect(formatRw(report)).toBe(
      [
        'workload    random 4 KiB, 50% reads, QD 8, seed 1, blocks 0..8063',
        'ops         2000 (1000 reads, 1000 writes) in 250.0 ms',
        'throughput  8000 IOPS, 31.3 MiB/s',
        'latency     min 50 us  mean 900 us  p50 700 us  p99 4.20 ms  p99.9 9.00 ms  max 12.00 ms',
        'errors      0',
        'verified    OK: 9000 blocks checked (8000 in the final pass), 0 mismatches, 0 read before any write',
        'digest      abcdef0123456789',
        '',
      ].join('\n'),
    );
  });

  it('shows progress lines from the shared cell', () => {
    const cell = ProgressCell.create();
    cell.publish('run', 120, 2000, 0);
    expect(progressLine(cell.read())).toBe('run     120/2000');
    cell.publish('verify', 3, -1, 2);
    expect(progressLine(cell.read())).toBe('verify  3/? (2 errors)');
  });
});

describe('fdf block on the reference board', () => {
  it('writes to a disk image file, and a later boot reads the same bytes back', async () => {
    const image = join(dir, 'disk.img');
    const data = join(dir, 'data.bin');
    const text = new TextEncoder().encode('data written by fdf block write');
    const block = new Uint8Array(1024);
    block.set(text);
    writeFileSync(data, block);
    const wrote = await fdf('block', 'write', '--image', image, '--offset', '7', '--file', data);
    expect(wrote).toMatch(/^wrote 2 blocks at block 7 \(1024 B\); sha256 [0-9a-f]{64}\n$/);
    // The image is encrypted below zxcrypt: the text is not in the file.
    expect(Buffer.from(readFileSync(image)).includes(Buffer.from(text))).toBe(false);
    const out = join(dir, 'back.bin');
    const read = await fdf(
      'block',
      'read',
      '--image',
      image,
      '--offset',
      '7',
      '--count',
      '2',
      '--out',
      out,
    );
    expect(read).toContain('read 2 blocks at block 7 (1024 B)');
    expect(readFileSync(out)).toEqual(Buffer.from(block));
  }, 60_000);

  it('says why when the stack does not come up', async () => {
    const image = join(dir, 'tiny.img');
    writeFileSync(image, new Uint8Array(512));
    const err = await fdf('block', 'info', '--image', image).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toBe(Status.ERR_INVALID_ARGS);
    expect((err as StatusError).message).toMatch(
      /disk image .*tiny\.img has 512 bytes, but device 'ramdisk-0' of board reference has 32768 blocks of 512 B/,
    );
  });
});
