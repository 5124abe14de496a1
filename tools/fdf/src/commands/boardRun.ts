/**
 * `fdf board run <manifest>`: boot a board with progress, print its node tree
 * and hosts, run its workloads, print a summary, stop (also on Ctrl-C).
 */
import {
  formatDispatcherDump,
  formatDriverList,
  formatHostList,
  formatWorkloadReports,
  printNodeTree,
  resultsDigest,
  type DriverManager,
  type WorkloadReport,
} from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { withBoard, type Write } from './boardSession.js';

export interface BoardRunOptions {
  /** Workloads to run, in order; default every workload the board declares. */
  readonly workloads?: readonly string[];
  /** Parameters for every workload (override the board's). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Print dispatcher dumps and counters after the workloads. */
  readonly inspect?: boolean;
  /** Crash this driver after the workloads, show the recovery, run them again. */
  readonly crash?: string;
  /** Keep the board running until Ctrl-C. */
  readonly stay?: boolean;
  /** Verbose node and driver listings, and the drivers' log records. */
  readonly verbose?: boolean;
}

export interface BoardRunResult {
  readonly status: 'ok' | 'interrupted' | 'failed';
  readonly reports: readonly WorkloadReport[];
  readonly digest: string;
}

function section(write: Write, title: string): void {
  write(`\n${title}\n${'-'.repeat(title.length)}\n`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}

async function runWorkloads(
  manager: DriverManager,
  names: readonly string[],
  params: Readonly<Record<string, unknown>>,
  write: Write,
): Promise<{ reports: WorkloadReport[]; failures: string[] }> {
  const reports: WorkloadReport[] = [];
  const failures: string[] = [];
  for (const name of names) {
    try {
      reports.push(...(await manager.runWorkload(name, params)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${name}: ${message}`);
      write(`  workload ${name} FAILED: ${message}\n`);
    }
  }
  if (reports.length > 0) write(indent(formatWorkloadReports(reports)));
  return { reports, failures };
}

export async function runBoard(
  file: string,
  options: BoardRunOptions,
  write: Write,
): Promise<BoardRunResult> {
  section(write, `Booting ${file}`);
  const result = await withBoard(
    file,
    {
      progress: write,
      logs: options.verbose === true,
      onStop: () => section(write, 'Stopping'),
    },
    async (manager, interrupted) => {
      const board = manager.board;
      const names = options.workloads ?? board.workloads.map((w) => w.name);
      for (const n of names) {
        if (!board.workloads.some((w) => w.name === n)) {
          throw new StatusError(
            Status.ERR_NOT_FOUND,
            `board ${board.name} declares no workload '${n}'; it declares: ${board.workloads.map((w) => w.name).join(', ') || '(none)'}`,
          );
        }
      }
      const verbose = options.verbose === true;
      section(write, 'Node tree');
      write(indent(printNodeTree(manager.tree, { verbose })));
      section(write, 'Drivers');
      write(
        indent(
          formatDriverList(board, manager.drivers(), { verbose, reports: await manager.reports() }),
        ),
      );
      section(write, 'Driver hosts');
      write(indent(formatHostList(manager.hosts(), await manager.hostStats())));

      section(write, `Workloads (${names.join(', ') || 'none'})`);
      const params = options.params ?? {};
      const first = await runWorkloads(manager, names, params, write);
      const reports = [...first.reports];
      const failures = [...first.failures];

      if (options.crash !== undefined) {
        section(write, `Crash test: ${options.crash}`);
        await manager.injectCrash(options.crash);
        write(indent(formatHostList(manager.hosts())));
        const again = await runWorkloads(manager, names, params, write);
        failures.push(...again.failures);
        const same = resultsDigest(again.reports) === resultsDigest(first.reports);
        write(`  after the restart the results are ${same ? 'the same' : 'DIFFERENT'}\n`);
        if (!same) failures.push('results changed after the crash and restart');
      }

      if (options.inspect === true) {
        section(write, 'Dispatchers');
        write(indent(formatDispatcherDump(await manager.reports())));
      }

      section(write, 'Summary');
      const drivers = manager.drivers();
      const hosts = manager.hosts();
      const crashes = hosts.reduce((n, h) => n + h.crashes, 0);
      const quarantined = manager.tree.nodes().filter((n) => n.state === 'quarantined');
      const digest = resultsDigest(first.reports);
      write(
        `  board ${board.name}: ${drivers.filter((d) => d.state === 'running').length} drivers running in ${hosts.filter((h) => h.state === 'running').length} hosts, ${crashes} host crash${crashes === 1 ? '' : 'es'}, ${quarantined.length} quarantined node${quarantined.length === 1 ? '' : 's'}\n`,
      );
      for (const n of quarantined) write(`  quarantined ${n.path}: ${n.stateReason ?? ''}\n`);
      write(
        `  workloads: ${reports.length} run${reports.length === 1 ? '' : 's'}, ${failures.length} failure${failures.length === 1 ? '' : 's'}; results digest ${digest} (equal on boards that run the same stack)\n`,
      );
      if (options.stay === true) {
        write('\nThe board keeps running; press Ctrl-C to stop it.\n');
        await interrupted;
      }
      const ok = failures.length === 0 && quarantined.length === 0;
      return { status: ok ? ('ok' as const) : ('failed' as const), reports, digest };
    },
  );
  if (result === 'interrupted') {
    write('  stopped cleanly after Ctrl-C\n');
    return { status: 'interrupted', reports: [], digest: '' };
  }
  write('  stopped cleanly\n');
  return result;
}
