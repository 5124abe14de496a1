/**
 * `pnpm bench framework`: the sample stack's workloads on the three sample
 * boards, side by side. The drivers are the same on all three; only the
 * board differs:
 *
 * - colocated: one host, Driver transport (in-process, zero copy);
 * - split: one host per driver, Channel transport (wire format across worker
 *   threads; the dma workload's data still lands in shared VMOs);
 * - banjo: one host, the legacy Banjo build (direct calls).
 *
 * Each call of a case runs one workload in the client's host (one control
 * round trip to the host, amortized over the workload's operations), on the
 * filtered route: client -> filter -> device. `echo` runs one request at a
 * time (latency), `echo x32` keeps 32 in flight (throughput).
 */
import { fileURLToPath } from 'node:url';
import { DriverManager, type BoardReports, type HostStats } from '@fdf/framework';
import type { BenchCase, BenchResult, BenchSuite } from './harness.js';

const BOARDS = ['sample-colocated', 'sample-split', 'sample-banjo'] as const;
const FILTERED = 'root/sys/platform/echo-0/echo/filtered';
const ECHOES = 100;
const ECHO_SIZE = 64;
/** Requests in flight for the throughput cases. */
const DEPTH = 32;
const READS = 20;
const BLOCKS = 8;

function boardFile(name: string): string {
  return fileURLToPath(new URL(`../../../../boards/${name}.yaml`, import.meta.url));
}

function short(board: string): string {
  return board.replace('sample-', '');
}

/** Bytes the transports copied, summed over every service of every driver. */
function bytesCopied(reports: BoardReports): number {
  let total = 0;
  for (const r of reports)
    for (const d of r.drivers) for (const s of d.outgoing) total += s.bytesCopied;
  return total;
}

interface Prepared {
  readonly board: string;
  readonly manager: DriverManager;
  readonly heap: readonly HostStats[];
  /** Transport bytes copied per echo on the filtered route. */
  readonly copiedPerEcho: number;
}

async function prepare(board: string): Promise<Prepared> {
  const manager = await DriverManager.boot(boardFile(board));
  const params = { count: ECHOES, size: ECHO_SIZE };
  await manager.runWorkload('echo', params, { node: FILTERED }); // warm-up
  const before = bytesCopied(await manager.reports());
  await manager.runWorkload('echo', params, { node: FILTERED });
  const after = bytesCopied(await manager.reports());
  return {
    board,
    manager,
    heap: await manager.hostStats(),
    copiedPerEcho: (after - before) / ECHOES,
  };
}

export async function frameworkSuite(): Promise<BenchSuite> {
  let prepared: Prepared[] = [];
  return {
    title: `framework: the sample stack on three boards (client -> filter -> device; ns per operation, ratio to the first line)`,
    cases: async (): Promise<BenchCase[]> => {
      prepared = await Promise.all(BOARDS.map((b) => prepare(b)));
      const echo = prepared.map((p): BenchCase => ({
        name: `framework-echo-${short(p.board)}`,
        label: `echo ${ECHO_SIZE} B, ${short(p.board)}`,
        opsPerCall: ECHOES,
        fn: async () => {
          await p.manager.runWorkload(
            'echo',
            { count: ECHOES, size: ECHO_SIZE },
            { node: FILTERED },
          );
        },
      }));
      const pipelined = prepared.map((p): BenchCase => ({
        name: `framework-echo-depth-${short(p.board)}`,
        label: `echo ${ECHO_SIZE} B x${DEPTH} in flight, ${short(p.board)}`,
        opsPerCall: ECHOES * 4,
        fn: async () => {
          await p.manager.runWorkload(
            'echo',
            { count: ECHOES * 4, size: ECHO_SIZE, depth: DEPTH },
            { node: FILTERED },
          );
        },
      }));
      const dma = prepared.map((p): BenchCase => ({
        name: `framework-dma-${short(p.board)}`,
        label: `dma read ${BLOCKS} x 512 B into the client's VMO, ${short(p.board)}`,
        opsPerCall: READS,
        fn: async () => {
          await p.manager.runWorkload('dma', { count: READS, blocks: BLOCKS }, { node: FILTERED });
        },
      }));
      return [...echo, ...pipelined, ...dma];
    },
    dispose: async () => {
      await Promise.all(prepared.map((p) => p.manager.stop()));
    },
    notes: (results: BenchResult[]) => {
      const ns = (name: string): number => results.find((r) => r.name === name)?.nsPerOp ?? NaN;
      const lines = [''];
      for (const workload of ['echo', 'echo-depth', 'dma']) {
        const base = ns(`framework-${workload}-colocated`);
        lines.push(
          `${workload.padEnd(10)} vs colocated: ${BOARDS.map((b) => `${short(b)} ${(ns(`framework-${workload}-${short(b)}`) / base).toFixed(2)}x`).join(', ')}`,
        );
      }
      lines.push(
        `transport bytes copied per echo: ${prepared.map((p) => `${short(p.board)} ${Math.round(p.copiedPerEcho)} B`).join(', ')}`,
      );
      lines.push('heap per driver host (V8 heap used, after a warm-up):');
      for (const p of prepared) {
        lines.push(
          `  ${short(p.board).padEnd(9)} ${p.heap.map((h) => `${h.host} ${(h.heapUsed / (1024 * 1024)).toFixed(1)} MiB (${h.drivers} driver${h.drivers === 1 ? '' : 's'})`).join(', ')}`,
        );
      }
      return lines;
    },
  };
}
