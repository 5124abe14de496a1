/**
 * The block benchmark's chart: IOPS against queue depth, one line per
 * configuration, for 4 KiB reads and for 128 KiB reads side by side, as one
 * self-contained SVG (no fonts or scripts to fetch). The IOPS axis is
 * logarithmic: the configurations differ by more than 10x, and a linear
 * axis would flatten the slowest one onto the floor.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BLOCK_CONFIGS, type BlockConfig, type BlockRecord } from './types.js';

const COLORS: Record<BlockConfig, string> = {
  banjo: '#4c78a8',
  driver: '#59a14f',
  'driver-queued': '#f28e2b',
  channel: '#e15759',
};

const PANEL_W = 460;
const PANEL_H = 380;
const TOP = 56;
const M = { left: 64, right: 16, top: 34, bottom: 46 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function iopsLabel(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

/** One panel: the reads of one size, at horizontal offset `x0`. */
function panel(records: readonly BlockRecord[], ioSize: number, x0: number): string[] {
  const rows = records.filter((r) => r.op === 'read' && r.blockSize === ioSize && r.iops > 0);
  const depths = [...new Set(rows.map((r) => r.queueDepth))].sort((a, b) => a - b);
  const out: string[] = [];
  const title = `${ioSize / 1024} KiB random reads`;
  out.push(
    `<text x="${x0 + PANEL_W / 2}" y="${TOP + 18}" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  );
  if (rows.length === 0 || depths.length === 0) {
    out.push(
      `<text x="${x0 + PANEL_W / 2}" y="${TOP + PANEL_H / 2}" text-anchor="middle">no data</text>`,
    );
    return out;
  }
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...rows.map((r) => r.iops)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...rows.map((r) => r.iops)) * 1.01)));
  const left = x0 + M.left;
  const right = x0 + PANEL_W - M.right;
  const top = TOP + M.top;
  const bottom = TOP + PANEL_H - M.bottom;
  const y = (v: number): number =>
    bottom -
    ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (bottom - top);
  const x = (i: number): number =>
    depths.length === 1 ? (left + right) / 2 : left + ((right - left) * i) / (depths.length - 1);

  // Grid: decades labelled, 2x and 5x faint.
  for (let decade = lo; decade <= hi; decade *= 10) {
    out.push(
      `<line x1="${left}" x2="${right}" y1="${y(decade)}" y2="${y(decade)}" stroke="#bbb"/>`,
      `<text x="${left - 6}" y="${y(decade) + 4}" text-anchor="end" font-size="11">${iopsLabel(decade)}</text>`,
    );
    for (const m of [2, 5]) {
      if (decade * m < hi) {
        out.push(
          `<line x1="${left}" x2="${right}" y1="${y(decade * m)}" y2="${y(decade * m)}" stroke="#eee"/>`,
        );
      }
    }
  }
  depths.forEach((d, i) => {
    out.push(
      `<line x1="${x(i)}" x2="${x(i)}" y1="${top}" y2="${bottom}" stroke="#eee"/>`,
      `<text x="${x(i)}" y="${bottom + 16}" text-anchor="middle" font-size="11">${d}</text>`,
    );
  });
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#666"/>`,
    `<text x="${(left + right) / 2}" y="${bottom + 36}" text-anchor="middle" font-size="12">queue depth</text>`,
    `<text transform="translate(${x0 + 16} ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">IOPS (log scale)</text>`,
  );
  for (const config of BLOCK_CONFIGS) {
    const points = depths
      .map((d, i) => {
        const r = rows.find((row) => row.config === config && row.queueDepth === d);
        return r === undefined ? null : { x: x(i), y: y(r.iops) };
      })
      .filter((p): p is { x: number; y: number } => p !== null);
    if (points.length === 0) continue;
    const color = COLORS[config];
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}"/>`,
      ...points.map(
        (p) => `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3.5" fill="${color}"/>`,
      ),
    );
  }
  return out;
}

/** The whole SVG: a caption, a legend, the 4 KiB panel and the 128 KiB panel. */
export function blockChartSvg(records: readonly BlockRecord[], caption: string): string {
  const width = PANEL_W * 2;
  const height = TOP + PANEL_H;
  const legend = BLOCK_CONFIGS.map((config, i) => {
    const lx = 20 + i * 150;
    return [
      `<line x1="${lx}" x2="${lx + 24}" y1="44" y2="44" stroke="${COLORS[config]}" stroke-width="3"/>`,
      `<text x="${lx + 30}" y="48" font-size="12">${esc(config)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="20" y="22" font-size="13">${esc(caption)}</text>`,
    ...legend,
    ...panel(records, 4096, 0),
    ...panel(records, 128 * 1024, PANEL_W),
    '</svg>',
    '',
  ].join('\n');
}

export function writeBlockChart(
  file: string,
  records: readonly BlockRecord[],
  caption: string,
): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, blockChartSvg(records, caption));
}
