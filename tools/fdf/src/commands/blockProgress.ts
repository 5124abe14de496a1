/**
 * A progress bar for `fdf block bench` and `verify`, fed by the workload's
 * ProgressCell (shared memory the workload in its host updates and
 * notifies). Only on a terminal: piped output and tests get nothing, and the
 * command's result lines stay clean.
 */
import cliProgress from 'cli-progress';
import type { ProgressCell, ProgressSnapshot } from '@fdf/block-server';

const LABELS: Readonly<Record<string, string>> = {
  prefill: 'prefill',
  run: 'run    ',
  verify: 'verify ',
  digest: 'digest ',
};

/** One line of progress, as the bar shows it (also used by tests). */
export function progressLine(p: ProgressSnapshot): string {
  const total = p.total < 0 ? '?' : String(p.total);
  return `${LABELS[p.phase] ?? p.phase} ${p.done}/${total}${p.errors > 0 ? ` (${p.errors} errors)` : ''}`;
}

/**
 * Shows the progress of `cell` until `finished` settles. Resolves when the
 * bar is gone; never rejects (the command reports the workload's outcome).
 */
export async function showProgress(
  cell: ProgressCell,
  finished: Promise<unknown>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  if (stream.isTTY !== true) return;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {percentage}% {value}/{total} {errors}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  let done = false;
  const ended = finished.then(
    () => (done = true),
    () => (done = true),
  );
  let p = cell.read();
  bar.start(1, 0, { phase: 'boot   ', errors: '' });
  while (!done) {
    if (p.phase !== phase && p.phase !== 'idle') {
      phase = p.phase;
      bar.setTotal(Math.max(1, p.total));
    }
    if (p.total > 0) bar.setTotal(p.total);
    bar.update(p.done, {
      phase: LABELS[p.phase] ?? p.phase,
      errors: p.errors > 0 ? `${p.errors} errors` : '',
    });
    const next = await Promise.race([cell.changed(p.seq), ended]);
    if (typeof next === 'object') p = next;
  }
  bar.stop();
}
