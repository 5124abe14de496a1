/**
 * The block benchmark's printed output: one row per (config, op, size,
 * queue depth) with ratios to Banjo's same cell, the two targets, and the
 * shape of the results by queue depth (what the RFC's findings are about).
 */
import { cellLabel, sizeLabel } from './measure.js';
import { BLOCK_CONFIGS, type BlockCell, type BlockConfig, type BlockRecord } from './types.js';

function cellOf(r: BlockRecord): BlockCell {
  return { op: r.op, ioSize: r.blockSize, queueDepth: r.queueDepth };
}

function sameCell(a: BlockRecord, b: BlockCell): boolean {
  return a.op === b.op && a.blockSize === b.ioSize && a.queueDepth === b.queueDepth;
}

export function find(
  records: readonly BlockRecord[],
  config: BlockConfig,
  cell: BlockCell,
): BlockRecord | undefined {
  return records.find((r) => r.config === config && sameCell(r, cell));
}

function num(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a)) return 'n/a';
  return `${(a / b).toFixed(2)}x`;
}

/** Columns padded to their widest cell; the first `left` are text (left-aligned), the rest numbers. */
function align(header: string[], rows: string[][], left: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i < left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The table, cells in matrix order and the configurations of a cell together. */
export function formatBlockTable(records: readonly BlockRecord[]): string[] {
  const header = [
    'config',
    'op',
    'size',
    'qd',
    'IOPS',
    'MiB/s',
    'p50 us',
    'p99 us',
    'p99.9 us',
    'CPU us/op',
    'IOPS/banjo',
    'p99/banjo',
    'CPU/banjo',
  ];
  const rows: string[][] = [];
  const cells: BlockCell[] = [];
  for (const r of records) if (!cells.some((c) => sameCell(r, c))) cells.push(cellOf(r));
  for (const cell of cells) {
    const base = find(records, 'banjo', cell);
    for (const config of BLOCK_CONFIGS) {
      const r = find(records, config, cell);
      if (r === undefined) continue;
      rows.push([
        config,
        r.op,
        sizeLabel(r.blockSize),
        String(r.queueDepth),
        num(r.iops, 0),
        num(r.mibPerSec),
        num(r.p50Us),
        num(r.p99Us),
        num(r.p999Us),
        num(r.cpuUsPerOp),
        ratio(r.iops, base?.iops),
        ratio(r.p99Us, base?.p99Us),
        ratio(r.cpuUsPerOp, base?.cpuUsPerOp),
      ]);
    }
  }
  return align(header, rows, 4);
}

const CHECK_CELL: BlockCell = { op: 'read', ioSize: 4096, queueDepth: 1 };

/** The two targets of the brief, each with PASS or MISS and the measured ratio. */
export function targetChecks(records: readonly BlockRecord[]): string[] {
  const iops = (config: BlockConfig): number | undefined => find(records, config, CHECK_CELL)?.iops;
  const check = (what: string, a: BlockConfig, b: BlockConfig, target: number): string => {
    const x = iops(a);
    const y = iops(b);
    const measured = x !== undefined && y !== undefined && y > 0 ? x / y : NaN;
    const verdict = measured >= target ? 'PASS' : 'MISS';
    return `${verdict}  ${what}: ${a} / ${b} IOPS = ${Number.isFinite(measured) ? measured.toFixed(2) : 'n/a'}x (target >= ${target}x)`;
  };
  return [
    `targets (${cellLabel(CHECK_CELL)}):`,
    check('driver reaches 60% of banjo', 'driver', 'banjo', 0.6),
    check('driver is 10x channel', 'driver', 'channel', 10),
  ];
}

function geomean(values: number[]): number {
  const ok = values.filter((v) => v > 0 && Number.isFinite(v));
  if (ok.length === 0) return NaN;
  return Math.exp(ok.reduce((s, v) => s + Math.log(v), 0) / ok.length);
}

/**
 * Per configuration and queue depth, the geometric mean over ops and sizes
 * of its ratio to Banjo: IOPS, p99 latency and CPU per op. This is the
 * "shape" the RFC describes (which depths suffer most, which config is worst).
 */
export function shapeSummary(records: readonly BlockRecord[]): string[] {
  const depths = [...new Set(records.map((r) => r.queueDepth))].sort((a, b) => a - b);
  const header = ['config', 'metric', ...depths.map((d) => `qd${d}`)];
  const rows: string[][] = [];
  const metrics: [string, (r: BlockRecord) => number][] = [
    ['IOPS', (r) => r.iops],
    ['p99', (r) => r.p99Us],
    ['CPU/op', (r) => r.cpuUsPerOp],
  ];
  for (const config of BLOCK_CONFIGS) {
    if (config === 'banjo') continue;
    for (const [metric, value] of metrics) {
      const cols = depths.map((depth) => {
        const ratios: number[] = [];
        for (const r of records) {
          if (r.config !== config || r.queueDepth !== depth) continue;
          const base = find(records, 'banjo', cellOf(r));
          if (base !== undefined) ratios.push(value(r) / value(base));
        }
        const g = geomean(ratios);
        return Number.isFinite(g) ? `${g.toFixed(2)}x` : 'n/a';
      });
      rows.push([config, metric, ...cols]);
    }
  }
  return [
    'shape: ratio to banjo by queue depth (geometric mean over read/write and 4K/128K)',
    ...align(header, rows, 2),
  ];
}
