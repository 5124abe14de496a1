/**
 * A crash of the host that holds the block stack, mid-workload: the client
 * in its own host sees ZX_ERR_PEER_CLOSED for what was pending (never a
 * hang), the host comes back (onCrash: restart) with the whole stack bound
 * again, and a new session finds the data written before the crash intact.
 * The disk is memory the test owns, as a real disk outlives its driver host.
 */
import { loadBoardManifest, type DriverManager } from '@fdf/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskVmo } from '../../src/boardDisk.js';
import type { CallCounts } from '../../src/countingTarget.js';
import { ProgressCell, ReportCell } from '../../src/sharedCells.js';
import { CLIENT_NODE, boardFile, bootBlockBoard, runClient } from './boards.js';

let manager: DriverManager;

beforeAll(async () => {
  const storage = createDiskVmo(loadBoardManifest(boardFile('reference')));
  manager = await bootBlockBoard('reference', { storage });
}, 30_000);

afterAll(async () => {
  await manager?.stop();
});

const KEPT = { startBlock: 0, blockCount: 1024, seed: 7 };

interface RwReport {
  ops: number;
  errors: number;
  aborted: string | null;
  calls: CallCounts;
  client: { inFlight: number; waiting: number };
}

describe('a crash of the stack host', () => {
  it('fails pending ops with ZX_ERR_PEER_CLOSED, restarts the stack, and keeps the data', async () => {
    const filled = await manager.runWorkload('fill', KEPT);
    expect(filled[0]?.summary).toBe('wrote the pattern of seed 7 to blocks 0..1023');

    const progress = ProgressCell.create();
    const report = ReportCell.create();
    const running = manager.runWorkload('rw', {
      startBlock: 1024,
      blockCount: 4096,
      ops: 10_000_000,
      prefill: false,
      tolerateErrors: true,
      seed: 3,
      progress: progress.buffer,
      report: report.buffer,
    });
    await progress.until((p) => p.phase === 'run' && p.done >= 300);
    await manager.injectCrash('block-server');

    const [result] = await running;
    const r = report.read() as RwReport;
    expect(result?.summary).toMatch(/verified with errors/);
    expect(r.aborted).toMatch(/ZX_ERR_PEER_CLOSED/);
    expect(r.calls.byStatus['ZX_ERR_PEER_CLOSED']).toBeGreaterThan(0);
    expect(Object.keys(r.calls.byStatus).sort()).toEqual(['ZX_ERR_PEER_CLOSED', 'ZX_OK']);
    // Every op the workload started settled, once; nothing is left waiting.
    expect(r.calls.settled).toBe(r.calls.issued);
    expect(r.client).toMatchObject({ inFlight: 0, waiting: 0 });

    const block = manager.hosts().find((h) => h.name === 'block');
    expect(block).toMatchObject({ state: 'running', starts: 2, crashes: 1 });
    expect(block?.lastCrash).toMatch(/crash injected into driver block-server/);
    expect(manager.drivers().map((d) => [d.driver, d.state])).toEqual([
      ['image-ramdisk', 'running'],
      ['block-core', 'running'],
      ['gpt', 'running'],
      ['fvm', 'running'],
      ['zxcrypt', 'running'],
      ['block-server', 'running'],
      ['block-client', 'running'],
    ]);
    expect(manager.tree.get(CLIENT_NODE).state).toBe('bound');

    const checked = await manager.runWorkload('check', KEPT);
    expect(checked[0]?.summary).toBe(
      'blocks 0..1023 hold the pattern of seed 7: OK (1024 checked, 0 mismatches)',
    );
    const { result: after } = await runClient(manager, 'rw', {
      ops: 500,
      seed: 5,
      startBlock: 1024,
    });
    expect(after.summary).toMatch(/verification OK .* 0 mismatches, 0 errors\)$/);
  });
});
