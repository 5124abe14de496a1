/**
 * The reference board and its two variants, booted through the manager as
 * `fdf board run` does: the stack binds in order up to block-client in its
 * own host, the verified workload runs clean, and the three boards agree on
 * every result (same seed, same data digest) while the transports differ.
 */
import type { DriverManager } from '@fdf/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_BOARDS, CLIENT_NODE, bootBlockBoard, runClient } from './boards.js';

interface RwReport {
  ops: number;
  errors: number;
  aborted: string | null;
  verify: { mismatches: number; blocksUnverified: number; finalPassBlocks: number };
  calls: { issued: number; settled: number; failed: number };
  client: { sent: number; completed: number; failed: number; unexpectedResponses: number };
  checksum: string | null;
}

const managers = new Map<string, DriverManager>();

beforeAll(async () => {
  const booted = await Promise.all(BLOCK_BOARDS.map((b) => bootBlockBoard(b)));
  BLOCK_BOARDS.forEach((b, i) => managers.set(b, booted[i]!));
}, 60_000);

afterAll(async () => {
  await Promise.all([...managers.values()].map((m) => m.stop()));
});

describe('the block boards', () => {
  it('bind the whole stack, block-server in the stack host and block-client in its own', () => {
    const m = managers.get('reference')!;
    expect(m.drivers().map((d) => [d.driver, d.host, d.state])).toEqual([
      ['image-ramdisk', 'block', 'running'],
      ['block-core', 'block', 'running'],
      ['gpt', 'block', 'running'],
      ['fvm', 'block', 'running'],
      ['zxcrypt', 'block', 'running'],
      ['block-server', 'block', 'running'],
      ['block-client', 'client', 'running'],
    ]);
    expect(m.tree.get(CLIENT_NODE).state).toBe('bound');
    for (const name of BLOCK_BOARDS) {
      const board = managers.get(name)!;
      expect(board.tree.nodes().filter((n) => n.state === 'quarantined')).toEqual([]);
      expect(board.drivers().map((d) => d.node)).toEqual(m.drivers().map((d) => d.node));
    }
  });

  it('run the verified workload clean and agree on every result', async () => {
    const runs = await Promise.all(
      BLOCK_BOARDS.map((b) => runClient<RwReport>(managers.get(b)!, 'rw')),
    );
    for (const { result, report } of runs) {
      expect(result.node).toBe(CLIENT_NODE);
      expect(result.summary).toMatch(
        /^2000 ops .* seed 42: verification OK \(\d+ blocks checked, 0 mismatches, 0 errors\)$/,
      );
      expect(result.checksum).toMatch(/^[0-9a-f]{16}$/);
      expect(report).toMatchObject({ ops: 2000, errors: 0, aborted: null });
      // Prefilled: every read of the run was checked, and every block at the end.
      expect(report.verify).toMatchObject({ mismatches: 0, blocksUnverified: 0 });
      expect(report.verify.finalPassBlocks).toBeGreaterThan(0);
      // Each call went out once and came back once, with a response.
      expect(report.calls.issued).toBe(report.calls.settled);
      expect(report.client.sent).toBe(report.client.completed);
      expect(report.client.unexpectedResponses).toBe(0);
    }
    const [first, ...others] = runs.map((r) => [r.result.summary, r.result.checksum]);
    for (const other of others) expect(other).toEqual(first);
  });

  it('use the Driver transport, Banjo calls, and the Channel transport on every hop', async () => {
    const transports = await Promise.all(
      BLOCK_BOARDS.map(async (b) => {
        const reports = await managers.get(b)!.reports();
        const stack = reports
          .flatMap((r) => r.drivers)
          .filter((d) => d.driver !== 'block-client')
          .flatMap((d) => d.incoming.map((c) => c.transport));
        return [...new Set(stack)].sort();
      }),
    );
    expect(transports).toEqual([['driver'], ['banjo'], ['channel']]);
  });
});
