/**
 * The benchmark harness: every suite is a list of cases measured in one
 * process, side by side, so ratios between them are meaningful on a loaded
 * machine. Timing is tinybench's; a case may do many operations per call
 * (`opsPerCall`) so that the per-call overhead of the harness does not hide
 * operations that take a few nanoseconds.
 */
import { Bench } from 'tinybench';
import { Status, StatusError } from '@fdf/zx';

export interface BenchCase {
  /** Stable machine name, used in --json output. */
  name: string;
  /** What a reader sees in the table. */
  label: string;
  /** Operations done by one call of `fn`. */
  opsPerCall: number;
  fn: () => void | Promise<void>;
}

export interface BenchSuite {
  title: string;
  /** Builds the cases; may start workers and allocate state. A suite with `run` has none. */
  cases(): Promise<BenchCase[]>;
  /**
   * For a suite that measures its own way rather than ns per call (the block
   * suite: IOPS and latency percentiles per cell): runs instead of the cases
   * and prints its own table; `notes` then gets no results.
   */
  run?(options: SuiteRunOptions): Promise<void>;
  /** `--json` records in the suite's own shape; without it, its BenchResults are written. */
  jsonRecords?(): readonly object[];
  /** Releases workers and state; runs once after every case was measured. */
  dispose?(): Promise<void>;
  /** Lines printed under the table: what the ratios mean, targets. */
  notes?(results: BenchResult[]): string[];
}

/** What `pnpm bench` hands to a suite's `run`: the command line's options. */
export interface SuiteRunOptions {
  /** `--time` in ms when given; each suite has its own default. */
  timeMs: number | undefined;
  /** `--quick`: a smaller matrix, for a fast look. */
  quick: boolean;
  /** `--svg FILE`, resolved; undefined: the suite's default file. */
  svg: string | undefined;
  /** False with `--no-crypt`. */
  crypt: boolean;
  /** A path as the user typed it, resolved from where the command was started. */
  resolvePath(path: string): string;
  onProgress(label: string): void;
}

export interface BenchResult {
  name: string;
  label: string;
  nsPerOp: number;
  /** Relative margin of error of the mean, percent. */
  rmePercent: number;
  /** Heap growth across a second run as long as the measured one, in bytes per 1000 ops. */
  heapGrowthBytesPer1kOps: number | null;
}

export interface HarnessOptions {
  /** Measured time per case, ms. */
  timeMs: number;
  onProgress?: (label: string) => void;
}

declare const gc: undefined | (() => void);

function heapAfterGc(): number | null {
  if (typeof gc !== 'function') return null;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function measureCases(
  cases: BenchCase[],
  options: HarnessOptions,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const c of cases) {
    options.onProgress?.(c.label);
    const bench = new Bench({ time: options.timeMs, warmupTime: 100, throws: true });
    bench.add(c.name, c.fn);
    await bench.run();
    const task = bench.tasks[0];
    const result = task?.result;
    if (!task || !result || result.state !== 'completed') {
      throw new StatusError(
        Status.ERR_INTERNAL,
        `benchmark ${c.name} did not complete: ${result?.state === 'errored' ? result.error.message : 'no result'}; run it alone to see the failure`,
      );
    }
    // Steady-state memory: the same number of calls again, bracketed by GCs.
    const before = heapAfterGc();
    const calls = Math.max(1, task.runs);
    for (let i = 0; i < calls; i++) await c.fn();
    const after = heapAfterGc();
    const growth =
      before === null || after === null ? null : ((after - before) / (calls * c.opsPerCall)) * 1000;
    results.push({
      name: c.name,
      label: c.label,
      nsPerOp: (result.latency.p50 * 1e6) / c.opsPerCall,
      rmePercent: result.latency.rme,
      heapGrowthBytesPer1kOps: growth,
    });
  }
  return results;
}

function fmt(n: number, digits = 1): string {
  return n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits);
}

/** The table: ns per op and the ratio to the first line, then heap growth. */
export function formatTable(title: string, results: BenchResult[]): string[] {
  const base = results[0]?.nsPerOp ?? 1;
  const rows = results.map((r) => [
    r.label,
    fmt(r.nsPerOp),
    `${(r.nsPerOp / base).toFixed(2)}x`,
    `±${r.rmePercent.toFixed(1)}%`,
    r.heapGrowthBytesPer1kOps === null ? 'n/a' : fmt(r.heapGrowthBytesPer1kOps, 0),
  ]);
  const header = ['case', 'ns/op', 'vs first', 'rme', 'heap B/1k ops'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
