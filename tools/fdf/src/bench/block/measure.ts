/**
 * Measuring one configuration: a verified run first (the stack really
 * moves and encrypts the data; a broken configuration must not produce
 * fast numbers), a warm-up so the JIT has seen every path, then one timed
 * workload per cell through the block-server FIFO client.
 *
 * CPU time: process.cpuUsage() in Node is getrusage(RUSAGE_SELF), the whole
 * process, so one delta taken on the main thread already sums the client,
 * every driver host (worker thread) and V8's helper threads. Asking each
 * worker for its own cpuUsage would count the same process N times.
 */
import { runWorkload, type BlockClient, type WorkloadReport } from '@fdf/block-server';
import { Status, StatusError } from '@fdf/zx';
import type { BlockCell, BlockConfig, BlockRecord } from './types.js';

export const KIB = 1024;
export const IO_SIZES = [4 * KIB, 128 * KIB] as const;
export const QUEUE_DEPTHS = [1, 2, 8, 32] as const;
export const QUICK_QUEUE_DEPTHS = [1, 8] as const;

/** Every cell, in table order: op, then size, then queue depth. */
export function matrix(quick: boolean): BlockCell[] {
  const depths = quick ? QUICK_QUEUE_DEPTHS : QUEUE_DEPTHS;
  const cells: BlockCell[] = [];
  for (const op of ['read', 'write'] as const) {
    for (const ioSize of IO_SIZES) {
      for (const queueDepth of depths) cells.push({ op, ioSize, queueDepth });
    }
  }
  return cells;
}

export function sizeLabel(bytes: number): string {
  return `${bytes / KIB}K`;
}

export function cellLabel(cell: BlockCell): string {
  return `${cell.op} ${sizeLabel(cell.ioSize)} qd${cell.queueDepth}`;
}

function failed(config: BlockConfig, what: string, report: WorkloadReport): StatusError | null {
  if (report.errors === 0 && report.aborted === null && report.verify.mismatches === 0) return null;
  const detail = [
    report.aborted,
    ...report.errorSamples.slice(0, 3),
    ...report.verify.samples.slice(0, 3),
  ]
    .filter((s): s is string => s !== null)
    .join('; ');
  return new StatusError(
    report.verify.mismatches > 0 ? Status.ERR_IO_DATA_INTEGRITY : Status.ERR_IO,
    `block bench, ${config}, ${what}: ${report.errors} failed ops, ${report.verify.mismatches} mismatches (${detail}); run the block driver tests to find the broken layer`,
  );
}

/**
 * Writes then reads a region with patterns and checks every block: proof
 * that the configuration's stack is wired and the data survives zxcrypt.
 */
export async function verifyStack(config: BlockConfig, client: BlockClient): Promise<void> {
  const report = await runWorkload(client, {
    pattern: 'random',
    readPercent: 50,
    ioSize: 16 * KIB,
    queueDepth: 8,
    ops: 400,
    seed: 7,
    blockCount: 2048,
    verify: true,
  });
  const err = failed(config, 'verified run', report);
  if (err !== null) throw err;
}

/** Every path (both ops, both sizes, shallow and deep) once, unmeasured. */
export async function warmUp(client: BlockClient, msPerCell: number): Promise<void> {
  for (const cell of matrix(true)) {
    await runWorkload(client, workload(cell, msPerCell, 99));
  }
}

function workload(cell: BlockCell, durationMs: number, seed: number) {
  return {
    pattern: 'random' as const,
    readPercent: cell.op === 'read' ? 100 : 0,
    ioSize: cell.ioSize,
    queueDepth: cell.queueDepth,
    durationMs,
    seed,
    verify: false,
  };
}

export async function measureCell(
  config: BlockConfig,
  client: BlockClient,
  cell: BlockCell,
  durationMs: number,
): Promise<BlockRecord> {
  const cpuBefore = process.cpuUsage();
  const report = await runWorkload(client, workload(cell, durationMs, 1));
  const cpu = process.cpuUsage(cpuBefore);
  const err = failed(config, cellLabel(cell), report);
  if (err !== null) throw err;
  const l = report.latencyUs;
  return {
    config,
    op: cell.op,
    blockSize: cell.ioSize,
    queueDepth: cell.queueDepth,
    iops: report.iops,
    mibPerSec: report.mibPerSec,
    p50Us: l.p50,
    p99Us: l.p99,
    p999Us: l.p999,
    cpuUsPerOp: report.ops > 0 ? (cpu.user + cpu.system) / report.ops : NaN,
  };
}
