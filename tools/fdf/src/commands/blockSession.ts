/**
 * Running a block command against a board. The framework has no daemon to
 * attach to, so each `fdf block` command boots the board it is given
 * (default: the reference board), waits for the stack to bind, runs one or
 * two block-client workloads, and stops the board; Ctrl-C stops it cleanly.
 *
 * With `--image <file>` the board's disk is that file: loaded into shared
 * memory that the ramdisk uses as it is (the board formats it at boot only
 * if it holds no GPT yet), and written back after a command that writes. So
 * `fdf block write` and a later `fdf block read` see the same disk.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createDiskVmo,
  diskDevice,
  ReportCell,
  withDiskStorage,
  type ProgressCell,
} from '@fdf/block-server';
import {
  DriverManager,
  loadBoardManifest,
  type Board,
  type WorkloadParams,
  type WorkloadReport,
} from '@fdf/framework';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import { progressPrinter, resolveFromUser, type Write } from './boardSession.js';

/** The board `fdf block` boots when none is given. */
export const REFERENCE_BLOCK_BOARD = fileURLToPath(
  new URL('../../../../boards/reference.yaml', import.meta.url),
);

export interface BlockFlags {
  board?: string;
  image?: string;
  node?: string;
  verbose?: boolean;
}

export interface BlockRun<R> {
  readonly result: WorkloadReport;
  /** The workload's report cell, parsed (see @fdf/block-server sharedCells). */
  readonly report: R;
}

/** What a command body gets: the booted board, and a way to run a block-client workload. */
export interface BlockSession {
  readonly manager: DriverManager;
  readonly board: Board;
  run<R>(workload: string, params: WorkloadParams, progress?: ProgressCell): Promise<BlockRun<R>>;
}

export interface BlockSessionOptions {
  /** The command changes the disk: an `--image` file is written back after it. */
  readonly writes: boolean;
  /** Boot progress and driver warnings go here (default: nothing). */
  readonly progress?: Write;
}

interface DiskImage {
  readonly path: string;
  readonly vmo: Vmo;
  readonly created: boolean;
}

async function loadImage(path: string, board: Board): Promise<DiskImage> {
  const vmo = createDiskVmo(board);
  const device = diskDevice(board);
  const size = vmo.size;
  if (!existsSync(path)) return { path, vmo, created: true };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new StatusError(
      Status.ERR_IO,
      `cannot read disk image ${path} (${err instanceof Error ? err.message : String(err)}); check the path and permissions`,
    );
  }
  const config = device.config as { blockSize: number; blockCount: number };
  const wanted = config.blockSize * config.blockCount;
  if (bytes.length !== wanted) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `disk image ${path} has ${bytes.length} bytes, but device '${device.name}' of board ${board.name} has ${config.blockCount} blocks of ${config.blockSize} B (${wanted} bytes); use an image of that size, or a new path (the board formats it)`,
    );
  }
  vmo.write(bytes, 0);
  if (size > wanted) vmo.write(new Uint8Array(size - wanted), wanted);
  return { path, vmo, created: false };
}

async function saveImage(image: DiskImage, bytes: number): Promise<void> {
  try {
    await writeFile(image.path, image.vmo.read(0, bytes));
  } catch (err) {
    throw new StatusError(
      Status.ERR_IO,
      `cannot write disk image ${image.path} (${err instanceof Error ? err.message : String(err)}); the board's writes are lost`,
    );
  }
}

/** Why the stack did not come up: the quarantined nodes and their reasons. */
function noClient(manager: DriverManager): StatusError {
  const quarantined = manager.tree
    .nodes()
    .filter((n) => n.state === 'quarantined')
    .map((n) => `  ${n.path}: ${n.stateReason ?? 'no reason recorded'}`);
  return new StatusError(
    Status.ERR_NOT_FOUND,
    `board ${manager.board.name} has no running block-client, so the block stack did not come up${quarantined.length === 0 ? '; check that the board lists block-client and block-server' : `:\n${quarantined.join('\n')}`}`,
  );
}

/**
 * Boots the board of `flags`, runs `body`, stops the board; writes an
 * `--image` back when the command writes. Ctrl-C: stops and returns 'interrupted'.
 */
export async function withBlockBoard<T>(
  flags: BlockFlags,
  options: BlockSessionOptions,
  body: (session: BlockSession) => Promise<T>,
): Promise<T | 'interrupted'> {
  const file = flags.board === undefined ? REFERENCE_BLOCK_BOARD : resolveFromUser(flags.board);
  let board = loadBoardManifest(file);
  const image =
    flags.image === undefined ? null : await loadImage(resolveFromUser(flags.image), board);
  if (image !== null) board = withDiskStorage(board, image.vmo);

  let onSigint: () => void = () => {};
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onSigint = () => resolve('interrupted');
    process.on('SIGINT', onSigint);
  });
  const listener =
    options.progress === undefined ? undefined : progressPrinter(options.progress, false);
  let manager: DriverManager | undefined;
  try {
    const booting = DriverManager.boot(board, listener === undefined ? {} : { listener });
    const first = await Promise.race([booting, interrupted]);
    manager = first === 'interrupted' ? await booting : first;
    if (first === 'interrupted') return 'interrupted';
    const m = manager;
    if (!m.drivers().some((d) => d.driver === 'block-client' && d.state === 'running')) {
      throw noClient(m);
    }
    const session: BlockSession = {
      manager: m,
      board,
      run: async <R>(workload: string, params: WorkloadParams, progress?: ProgressCell) => {
        const cell = ReportCell.create();
        const reports = await m.runWorkload(
          workload,
          {
            ...params,
            report: cell.buffer,
            ...(progress === undefined ? {} : { progress: progress.buffer }),
          },
          flags.node === undefined ? {} : { node: flags.node },
        );
        const result = reports[0];
        if (result === undefined) throw noClient(m);
        return { result, report: cell.read() as R };
      },
    };
    const out = await Promise.race([body(session), interrupted]);
    if (out !== 'interrupted' && image !== null && (options.writes || image.created)) {
      const device = diskDevice(board).config as { blockSize: number; blockCount: number };
      await saveImage(image, device.blockSize * device.blockCount);
    }
    return out;
  } finally {
    await manager?.stop();
    process.off('SIGINT', onSigint);
  }
}
