import cliProgress from 'cli-progress';

/**
 * A progress bar for long image writes. Shown only on a terminal and only for
 * big jobs: piped output and tests get nothing, small images finish before a
 * bar would be readable.
 */
export interface Progress {
  advance(bytes: number): void;
  stop(): void;
}

/** Jobs smaller than this finish too fast for a bar to help. */
export const PROGRESS_THRESHOLD_BYTES = 64 * 1024 * 1024;

const silent: Progress = { advance: () => undefined, stop: () => undefined };

export function createProgress(
  label: string,
  totalBytes: number,
  stream: NodeJS.WriteStream = process.stdout,
): Progress {
  if (stream.isTTY !== true || totalBytes < PROGRESS_THRESHOLD_BYTES) return silent;
  const mib = (n: number): string => (n / (1024 * 1024)).toFixed(0);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% {doneMiB}/{totalMiB} MiB`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  bar.start(totalBytes, 0, { doneMiB: '0', totalMiB: mib(totalBytes) });
  return {
    advance(bytes) {
      done += bytes;
      bar.update(done, { doneMiB: mib(done) });
    },
    stop() {
      bar.stop();
    },
  };
}
