/**
 * Text views of a running board for the `fdf` tools, in the spirit of
 * `ffx driver list-hosts`, `ffx driver list --verbose` and the runtime's
 * dispatcher dump. Pure functions of what the manager reports, so the CLI
 * and tests print the same thing.
 */
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { formatBindRules } from '../bind/program.js';
import type { HostedDriverReport, HostStats } from '../host/driverHost.js';
import type { Board } from '../manifest/boardManifest.js';
import type { WorkloadReport } from '../driver/workload.js';
import type { DriverInstanceInfo, HostInfo } from './driverManager.js';
import { driverUrl } from './placement.js';

/** Per-host driver reports, as DriverManager.reports() gives them. */
export type BoardReports = readonly {
  readonly host: string;
  readonly drivers: readonly HostedDriverReport[];
}[];

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `ffx driver list-hosts`: each host, its state, and the drivers in it. */
export function formatHostList(
  hosts: readonly HostInfo[],
  stats: readonly HostStats[] = [],
): string {
  const blocks = hosts.map((h) => {
    const facts: string[] = [];
    if (h.threadId !== undefined) facts.push(`thread ${h.threadId}`);
    facts.push(h.state);
    const s = stats.find((x) => x.host === h.name);
    if (s !== undefined) facts.push(`heap ${mib(s.heapUsed)}`);
    if (h.crashes > 0)
      facts.push(`${h.crashes} crash${h.crashes === 1 ? '' : 'es'}, ${h.starts} starts`);
    const lines = [`Driver Host: ${h.name} (${facts.join(', ')})`];
    if (h.lastCrash !== undefined) lines.push(`    last crash: ${h.lastCrash}`);
    if (h.drivers.length === 0)
      lines.push(`    (no drivers; the board places here: ${h.placed.join(', ')})`);
    const width = Math.max(0, ...h.drivers.map((d) => d.url.length));
    for (const d of h.drivers) lines.push(`    ${d.url.padEnd(width)}  ${d.node}`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

function transportLines(report: HostedDriverReport | undefined): string[] {
  if (report === undefined) return [];
  return report.incoming.map(
    (c) =>
      `      <- ${c.offer} from ${c.provider.driver} (${c.transport === 'banjo' ? 'Banjo' : c.transport === 'driver' ? 'Driver' : 'Channel'} transport, host ${c.provider.host})`,
  );
}

/**
 * `ffx driver list`: the board's drivers, with where they run. Verbose: one
 * block per driver with its manifest facts, bind rules, and per node the
 * connections it made and the transport each one uses.
 */
export function formatDriverList(
  board: Board,
  instances: readonly DriverInstanceInfo[],
  options: {
    readonly verbose?: boolean;
    readonly reports?: BoardReports;
    readonly cwd?: string;
  } = {},
): string {
  const reportOf = (instance: number): HostedDriverReport | undefined =>
    options.reports?.flatMap((r) => r.drivers).find((d) => d.instance === instance);
  if (options.verbose !== true) {
    const rows = board.drivers.map((d) => {
      const running = instances.filter((i) => i.driver === d.name);
      return [
        d.name,
        driverUrl(d),
        `${d.variant}, host ${d.host}, ${running.length} node${running.length === 1 ? '' : 's'}`,
      ];
    });
    const w0 = Math.max(...rows.map((r) => r[0]?.length ?? 0));
    const w1 = Math.max(...rows.map((r) => r[1]?.length ?? 0));
    return `${rows.map((r) => `${(r[0] ?? '').padEnd(w0)}  ${(r[1] ?? '').padEnd(w1)}  ${r[2] ?? ''}`).join('\n')}\n`;
  }
  const blocks = board.drivers.map((d) => {
    const m = d.manifest;
    const lines = [
      `Name       : ${d.name}`,
      `URL        : ${driverUrl(d)}`,
      `Manifest   : ${relative(options.cwd ?? process.cwd(), d.manifestPath)}`,
      `Variant    : ${d.variant}${m === undefined ? '' : ` (builds: ${m.variants.join(', ')})`}`,
      `Host       : ${d.host}`,
      `Colocate   : ${d.colocate}`,
    ];
    if (m !== undefined) {
      lines.push(`Dispatcher : allowSyncCalls=${m.dispatcher.allowSyncCalls}`);
      lines.push(
        `On crash   : ${m.onCrash}${m.restartLimits === undefined ? '' : ` (at most ${m.restartLimits.maxRestarts} restarts per ${m.restartLimits.windowMs} ms)`}`,
      );
    }
    const running = instances.filter((i) => i.driver === d.name);
    lines.push(running.length === 0 ? 'Nodes      : (none bound)' : 'Nodes      :');
    for (const i of running) {
      lines.push(
        `    ${i.node} [${i.state}]${i.workloads.length > 0 ? ` workloads: ${i.workloads.join(', ')}` : ''}`,
      );
      lines.push(...transportLines(reportOf(i.instance)));
    }
    if (m !== undefined) {
      lines.push('Bind rules :');
      for (const line of formatBindRules(m.bind).trimEnd().split('\n')) lines.push(`    ${line}`);
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** Every dispatcher's dump, per host and driver, with the driver's counters. */
export function formatDispatcherDump(reports: BoardReports): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`==== Driver host ${r.host} ====`);
    for (const d of r.drivers) {
      out.push(`-- ${d.driver} on ${d.node} [${d.state}]`);
      for (const dispatcher of d.dispatchers) out.push(...dispatcher.lines, '');
      const counters = Object.entries(d.counters);
      if (counters.length > 0)
        out.push(`Counters: ${counters.map(([k, v]) => `${k}=${v}`).join(', ')}`, '');
    }
  }
  return `${out.join('\n')}\n`;
}

/** A digest of what the workloads saw (not where or how fast): equal on boards that agree. */
export function resultsDigest(reports: readonly WorkloadReport[]): string {
  const hash = createHash('sha256');
  for (const r of reports)
    hash.update(`${r.workload} ${r.node} ${r.ops} ${r.summary} ${r.checksum ?? ''}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** The workload results as a table: where each ran, how fast, what it checked. */
export function formatWorkloadReports(reports: readonly WorkloadReport[]): string {
  const header = ['workload', 'node', 'host', 'ops', 'ms', 'ns/op', 'result', 'checksum'];
  const rows = reports.map((r) => [
    r.workload,
    r.node,
    r.host,
    String(r.ops),
    r.elapsedMs.toFixed(1),
    Math.round((r.elapsedMs * 1e6) / Math.max(1, r.ops)).toLocaleString('en-US'),
    r.summary,
    r.checksum ?? '-',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const numeric = new Set([3, 4, 5]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
