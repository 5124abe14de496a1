/**
 * Reliability under randomized faults: the reference stack, its ramdisk
 * splitting every op above 8 KiB (block-core) and the workload's 24 KiB ops
 * crossing FVM slices (fvm splits those), while seeded random I/O error
 * ranges and latency spikes come and go under a `stress` run of single
 * requests and transaction groups. Every call must settle exactly once with
 * a status (counted at the client and at the server's session), and every
 * block whose last write succeeded must read back as written.
 */
import { loadFvm } from '@fdf/block-fvm';
import type { DriverManager } from '@fdf/framework';
import type { Vmo } from '@fdf/zx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskVmo } from '../../src/boardDisk.js';
import { Prng } from '../../src/prng.js';
import { ProgressCell } from '../../src/sharedCells.js';
import type { StressReport } from '../../src/stressWorkload.js';
import { boardFile, bootBlockBoard, editRamdisk, runClient } from './boards.js';
import { loadBoardManifest } from '@fdf/framework';

const BS = 512;
/** Where the GPT puts the FVM partition (1 MiB alignment) and zxcrypt's reserved slice. */
const FVM_START = 2048;
const ZXCRYPT_RESERVED = 128;
const DATA_VOLUME = 1;

let manager: DriverManager;
let storage: Vmo;
/** Client block ranges -> ramdisk block ranges, through zxcrypt's offset and fvm's slice map. */
let physical: (start: number, count: number) => { start: number; count: number }[];

beforeAll(async () => {
  storage = createDiskVmo(loadBoardManifest(boardFile('reference')));
  manager = await bootBlockBoard('reference', {
    storage,
    edit: (b) => editRamdisk(b, { maxTransferSize: 8192 }),
  });
  const disk = storage.view();
  const base = FVM_START * BS;
  const fvm = await loadFvm((o, n) => disk.slice(base + o, base + o + n));
  physical = (start, count) =>
    fvm.mapOp(DATA_VOLUME, start + ZXCRYPT_RESERVED, count, BS).map((e) => ({
      start: FVM_START + e.devOffsetBlocks,
      count: e.lengthBlocks,
    }));
}, 30_000);

afterAll(async () => {
  await manager?.stop();
});

const RANGE = { startBlock: 0, blockCount: 6144 };

/** A seeded fault plan over the workload's range, in ramdisk blocks. */
function randomFaults(prng: Prng): Record<string, unknown> {
  const directions = ['read', 'write', 'both'] as const;
  const ioErrors = Array.from({ length: 4 }, () => {
    const start = RANGE.startBlock + prng.below(RANGE.blockCount - 16);
    const on = directions[prng.below(3)]!;
    return physical(start, 1 + prng.below(16)).map((blocks) => ({ blocks, on }));
  }).flat();
  const spike = physical(RANGE.startBlock + prng.below(RANGE.blockCount - 64), 64)[0]!;
  return {
    ioErrors,
    latencySpikes: [
      { everyNthOp: 5 + prng.below(20), extraMs: 1 },
      { blocks: spike, extraMs: 2 },
    ],
  };
}

describe('randomized faults under splits and groups', () => {
  it.each([1, 2])('every call completes exactly once with a status (seed %i)', async (seed) => {
    const prng = new Prng(seed);
    const faults = await manager.runWorkload('inject-faults', randomFaults(prng));
    expect(faults[0]?.summary).toMatch(
      /^faults installed: \d+ I\/O error ranges, 2 latency spikes/,
    );
    const progress = ProgressCell.create();
    const running = runClient<StressReport>(manager, 'stress', {
      ...RANGE,
      ops: 900,
      ioSize: 24 * 1024,
      queueDepth: 8,
      groupPercent: 35,
      seed,
      progress: progress.buffer,
    });
    // Change the faults twice while the workload runs: new ones a third in, none at two thirds.
    const past = (done: number) => (p: { phase: string; done: number }) =>
      (p.phase === 'run' && p.done >= done) || p.phase === 'verify' || p.phase === 'done';
    await progress.until(past(300));
    await manager.runWorkload('inject-faults', randomFaults(prng));
    await progress.until(past(600));
    await manager.runWorkload('inject-faults', {});
    const { result, report } = await running;

    expect(result.summary).toMatch(
      /each answered exactly once; \d+ blocks verified, 0 mismatches$/,
    );
    expect(report.accounting).toEqual([]);
    expect(report.mismatches).toBe(0);
    expect(report.units).toBe(900);
    expect(report.groups).toBeGreaterThan(100);
    // Counted at the client: issued == settled == sent == answered, nothing unmatched.
    expect(report.calls.settled).toBe(report.calls.issued);
    expect(report.client).toMatchObject({
      sent: report.calls.issued,
      completed: report.calls.issued,
      unexpectedResponses: 0,
      inFlight: 0,
    });
    // And at the server's session: every request read, one response per call.
    expect(report.server).toMatchObject({
      requests: report.requests,
      responses: report.calls.issued,
      discardedResponses: 0,
    });
    // The faults did hit, and only as I/O errors.
    expect(report.calls.byStatus['ZX_ERR_IO']).toBeGreaterThan(0);
    expect(Object.keys(report.calls.byStatus).sort()).toEqual(['ZX_ERR_IO', 'ZX_OK']);
    expect(report.blocksChecked).toBeGreaterThan(1000);
  });

  it('split the ops on the way down, and the stack is healthy once the faults are gone', async () => {
    const counters = Object.fromEntries(
      (await manager.reports()).flatMap((r) => r.drivers).map((d) => [d.driver, d.counters]),
    );
    expect(counters['block-core']?.['block.split']).toBeGreaterThan(0);
    expect(counters['fvm']?.['block.splits']).toBeGreaterThan(0);
    expect(counters['image-ramdisk']?.['ramdisk.errors.zx_err_io']).toBeGreaterThan(0);
    const { result } = await runClient(manager, 'rw', { ops: 500, seed: 9 });
    expect(result.summary).toMatch(/verification OK .* 0 mismatches, 0 errors\)$/);
  });

  it('completes every call when the disk disappears mid-run, and takes the stack down in order', async () => {
    const progress = ProgressCell.create();
    const running = runClient<StressReport>(manager, 'stress', {
      ...RANGE,
      ops: 100_000,
      seed: 3,
      progress: progress.buffer,
    });
    await progress.until((p) => p.phase === 'run' && p.done >= 200);
    await manager.runWorkload('inject-faults', { disappear: { afterOps: 50 } });
    const { report } = await running;
    expect(report.mismatches).toBe(0);
    expect(report.calls.settled).toBe(report.calls.issued);
    expect(report.client).toMatchObject({ inFlight: 0, waiting: 0, unexpectedResponses: 0 });
    // Which failure a pending call sees depends on what reaches the client first: the device's
    // ZX_ERR_IO_NOT_PRESENT, or the stop of the stack above it (ZX_ERR_CANCELED); each call gets one.
    expect(report.calls.failed).toBeGreaterThan(0);
    const statuses = new Set(Object.keys(report.calls.byStatus));
    for (const s of ['ZX_OK', 'ZX_ERR_IO_NOT_PRESENT', 'ZX_ERR_CANCELED', 'ZX_ERR_PEER_CLOSED']) {
      statuses.delete(s);
    }
    expect([...statuses]).toEqual([]);
    await manager.settled();
    // The ramdisk removed its block node: everything above it stopped, the ramdisk stays.
    expect(manager.drivers().map((d) => [d.driver, d.state])).toEqual([
      ['image-ramdisk', 'running'],
    ]);
  });
});
