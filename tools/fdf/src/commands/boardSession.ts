/**
 * Running a board for a command: resolve the manifest path the way the user
 * typed it, boot with progress lines, stop cleanly however the command ends
 * (done, failed, or Ctrl-C).
 *
 * The list commands (`fdf node|host|driver list`, `fdf dispatcher dump`) have
 * no long-lived board to attach to: each one boots the board it is given
 * (`--board`, default the reference board), waits until every driver that
 * can bind has started, prints, and stops. `fdf board run --inspect` shows
 * the same views after the workloads ran.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DriverManager, formatManagerEvent, type ManagerEvent } from '@fdf/framework';

/** The board the list commands boot when none is given: the sample stack in three hosts. */
export const REFERENCE_BOARD = fileURLToPath(
  new URL('../../../../boards/sample-split.yaml', import.meta.url),
);

/** Where the user ran the command (pnpm runs scripts from the workspace root). */
export function resolveFromUser(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env['INIT_CWD'] ?? process.cwd(), path);
}

export type Write = (text: string) => void;

export interface SessionOptions {
  /** Prints progress lines (boot, stop, crashes); nothing when absent. */
  readonly progress?: Write;
  /** Also print the drivers' log records as progress. */
  readonly logs?: boolean;
  /** Called once, right before the board stops. */
  readonly onStop?: () => void;
}

/** A line of progress: `[  123.4 ms] <event>`. */
export function progressPrinter(write: Write, logs: boolean): (e: ManagerEvent) => void {
  const t0 = performance.now();
  return (e) => {
    if (e.type === 'log' && !logs && e.record.level !== 'error' && e.record.level !== 'warn')
      return;
    write(`  [${(performance.now() - t0).toFixed(1).padStart(8)} ms] ${formatManagerEvent(e)}\n`);
  };
}

/**
 * Boots `file`, runs `body`, stops the board. Ctrl-C during any of it stops
 * the board and resolves with 'interrupted' (the caller sets the exit code).
 * The handler stays until the board stopped: a second Ctrl-C (a terminal
 * sends one to every process of the group, and tsx relays another) must not
 * kill the process halfway through stopping its hosts.
 */
export async function withBoard<T>(
  file: string,
  options: SessionOptions,
  body: (manager: DriverManager, interrupted: Promise<'interrupted'>) => Promise<T>,
): Promise<T | 'interrupted'> {
  let sigints = 0;
  let onSigint: () => void = () => {};
  const interrupted = new Promise<'interrupted'>((resolvePromise) => {
    onSigint = () => {
      sigints++;
      if (sigints === 1) resolvePromise('interrupted');
    };
    process.on('SIGINT', onSigint);
  });
  const listener =
    options.progress === undefined
      ? undefined
      : progressPrinter(options.progress, options.logs === true);
  const booting = DriverManager.boot(file, listener === undefined ? {} : { listener });
  let manager: DriverManager | undefined;
  try {
    const first = await Promise.race([booting, interrupted]);
    if (first === 'interrupted') {
      options.progress?.('interrupted while booting\n');
      manager = await booting;
      return 'interrupted';
    }
    manager = first;
    const result = await Promise.race([body(manager, interrupted), interrupted]);
    if (result === 'interrupted') options.progress?.('interrupted\n');
    return result;
  } finally {
    if (manager !== undefined) {
      options.onStop?.();
      await manager.stop();
    }
    process.off('SIGINT', onSigint);
  }
}

export interface ListFlags {
  board?: string;
  verbose?: boolean;
}

/** The board a list command boots: `--board`, or the reference board. */
export function boardOf(flags: ListFlags): string {
  return flags.board === undefined ? REFERENCE_BOARD : resolveFromUser(flags.board);
}

/** Boots the board, prints what `view` returns, stops; exit code 130 after Ctrl-C. */
export async function printFromBoard(
  flags: ListFlags,
  view: Parameters<typeof withBoard<string>>[2],
): Promise<void> {
  const out = await withBoard(boardOf(flags), {}, view);
  if (out === 'interrupted') process.exitCode = 130;
  else process.stdout.write(out);
}
