/**
 * `pnpm bench block`: RFC-0126's preliminary experiment on our block stack.
 * A FIFO client in the main thread drives block-server -> zxcrypt -> fvm ->
 * gpt -> block-core -> ramdisk (no timing model: the stack's own cost) in
 * four configurations (types.ts): Banjo calls, the Driver transport inlined,
 * the Driver transport with every hand-over queued, and one host per driver
 * over the Channel transport. For 4 KiB and 128 KiB random reads and writes
 * at queue depths 1, 2, 8 and 32 it reports IOPS, MiB/s, p50/p99/p99.9
 * latency and CPU per op, with ratios to Banjo, and draws IOPS against queue
 * depth as an SVG.
 *
 * All four stacks run at once and every cell measures them back to back,
 * in several short rounds with the order rotated: on a shared machine, load
 * that comes and goes then hits every configuration alike, and each figure
 * is the median of its rounds.
 */
import { cpus, loadavg } from 'node:os';
import { Status, StatusError } from '@fdf/zx';
import type { BenchSuite, SuiteRunOptions } from './harness.js';
import { writeBlockChart } from './block/chart.js';
import { DISK } from './block/disk.js';
import { startStack, type RunningStack } from './block/hosts.js';
import { layerNames } from './block/layers.js';
import { cellLabel, matrix, measureCell, verifyStack, warmUp } from './block/measure.js';
import { formatBlockTable, shapeSummary, targetChecks } from './block/table.js';
import {
  BLOCK_CONFIGS,
  type BlockConfig,
  type BlockRecord,
  type HostReport,
} from './block/types.js';

const DEFAULT_SVG = 'bench-results/block.svg';

interface Plan {
  readonly quick: boolean;
  readonly crypt: boolean;
  readonly roundMs: number;
  readonly rounds: number;
  readonly svg: string;
}

function planOf(options: SuiteRunOptions): Plan {
  const quick = options.quick;
  return {
    quick,
    crypt: options.crypt,
    roundMs: options.timeMs ?? (quick ? 250 : 500),
    rounds: quick ? 1 : 3,
    svg: options.svg ?? options.resolvePath(DEFAULT_SVG),
  };
}

function stackText(crypt: boolean): string {
  return ['block-server', ...layerNames(crypt).reverse(), 'block-core', 'ramdisk'].join(' -> ');
}

function setupLines(plan: Plan): string[] {
  const cells = matrix(plan.quick);
  const depths = [...new Set(cells.map((c) => c.queueDepth))].join(', ');
  const mib = (DISK.blockSize * DISK.blockCount) / (1024 * 1024);
  return [
    `stack: FIFO client (main thread) -> ${stackText(plan.crypt)} (no timing model); ${DISK.blockSize}-byte device blocks, ${mib} MiB disk, random offsets`,
    `hosts: banjo, driver, driver-queued: the whole stack in one worker thread; channel: one worker thread per driver (${layerNames(plan.crypt).length + 3})`,
    `cells: read, write x 4K, 128K x queue depth ${depths}; ${plan.rounds} round(s) of ${plan.roundMs} ms per cell and configuration, configurations interleaved; figures are medians of the rounds`,
    `CPU us/op: process.cpuUsage() delta (every thread of the process: client, hosts, GC) / ops`,
    `machine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at start, node ${process.version}`,
    '',
  ];
}

/** Starts every configuration; if one fails, stops those that started and rethrows. */
async function startAll(crypt: boolean): Promise<RunningStack[]> {
  const settled = await Promise.allSettled(BLOCK_CONFIGS.map((c) => startStack(c, crypt)));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure !== undefined) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw failure.reason;
  }
  return started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One record from a cell's rounds: each figure is the median of that figure. */
function medianRecord(rounds: BlockRecord[]): BlockRecord {
  const first = rounds[0];
  if (first === undefined) {
    throw new StatusError(Status.ERR_INTERNAL, 'block bench: a cell has no measured round');
  }
  const m = (pick: (r: BlockRecord) => number): number => median(rounds.map(pick));
  return {
    config: first.config,
    op: first.op,
    blockSize: first.blockSize,
    queueDepth: first.queueDepth,
    iops: m((r) => r.iops),
    mibPerSec: m((r) => r.mibPerSec),
    p50Us: m((r) => r.p50Us),
    p99Us: m((r) => r.p99Us),
    p999Us: m((r) => r.p999Us),
    cpuUsPerOp: m((r) => r.cpuUsPerOp),
  };
}

async function measureAll(
  stacks: RunningStack[],
  plan: Plan,
  onProgress: (label: string) => void,
): Promise<BlockRecord[]> {
  for (const s of stacks) {
    onProgress(`${s.config}: verified run, warm-up`);
    await verifyStack(s.config, s.client);
    await warmUp(s.client, plan.quick ? 50 : 100);
  }
  const cells = matrix(plan.quick);
  const rounds = new Map<BlockConfig, BlockRecord[][]>(
    stacks.map((s) => [s.config, cells.map(() => [])]),
  );
  for (const [i, cell] of cells.entries()) {
    onProgress(`${cellLabel(cell)} (${stacks.length} configurations x ${plan.rounds} rounds)`);
    for (let round = 0; round < plan.rounds; round++) {
      for (let k = 0; k < stacks.length; k++) {
        // Rotated: no configuration always runs right after the same neighbour.
        const s = stacks[(k + i + round) % stacks.length]!;
        const record = await measureCell(s.config, s.client, cell, plan.roundMs);
        rounds.get(s.config)![i]!.push(record);
      }
    }
  }
  return BLOCK_CONFIGS.flatMap((config) => (rounds.get(config) ?? []).map(medianRecord));
}

function handOverLines(stacks: RunningStack[], reports: HostReport[][]): string[] {
  const lines = ['hand-overs through the runtime (all dispatchers of a configuration, whole run):'];
  stacks.forEach((s, i) => {
    const dispatchers = (reports[i] ?? []).flatMap((r) => r.dispatchers);
    const processed = dispatchers.reduce((n, d) => n + d.processed, 0);
    const inlined = dispatchers.reduce((n, d) => n + d.inlined, 0);
    const reasons = new Map<string, number>();
    for (const d of dispatchers) {
      for (const [k, v] of Object.entries(d.notInlined)) reasons.set(k, (reasons.get(k) ?? 0) + v);
    }
    const queued = [...reasons]
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ');
    const share = processed > 0 ? ((100 * inlined) / processed).toFixed(0) : '0';
    const waits = (reports[i] ?? []).reduce((n, r) => n + r.shadowWaits, 0);
    lines.push(
      `  ${s.config.padEnd(13)} ${s.hosts} host(s), ${dispatchers.length} dispatcher(s): ${processed.toLocaleString('en-US')} hand-overs, ${share}% inlined; queued: ${queued || 'none'}${waits > 0 ? `; zxcrypt shadow waits ${waits}` : ''}`,
    );
  });
  lines.push(
    '  (banjo: only block-server uses a dispatcher; the drivers below it are direct calls)',
  );
  return lines;
}

export function blockSuite(): BenchSuite {
  let records: BlockRecord[] = [];
  let notes: string[] = [];
  return {
    title:
      'block: RFC-0126 preliminary experiment on the block stack (banjo, driver, driver-queued, channel)',
    cases: () => Promise.resolve([]),
    run: async (options) => {
      const plan = planOf(options);
      for (const line of setupLines(plan)) console.log(line);
      options.onProgress(`starting ${BLOCK_CONFIGS.length} configurations`);
      const stacks = await startAll(plan.crypt);
      let reports: HostReport[][] = [];
      try {
        records = await measureAll(stacks, plan, options.onProgress);
      } finally {
        // Every host is ended even if measuring failed; a measuring failure wins over a stop failure.
        const stopped = await Promise.allSettled(stacks.map((s) => s.stop()));
        reports = stopped.map((s) => (s.status === 'fulfilled' ? s.value : []));
      }
      console.log(formatBlockTable(records).join('\n'));
      const caption = `pnpm bench block${plan.quick ? ' --quick' : ''}${plan.crypt ? '' : ' --no-crypt'}: ${stackText(plan.crypt)}; ${cpus().length} CPUs, node ${process.version}`;
      writeBlockChart(plan.svg, records, caption);
      notes = [
        '',
        ...targetChecks(records),
        '',
        ...shapeSummary(records),
        '',
        ...handOverLines(stacks, reports),
        '',
        `chart: ${plan.svg}`,
      ];
    },
    notes: () => notes,
    jsonRecords: () => records,
  };
}
