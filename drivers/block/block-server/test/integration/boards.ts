/**
 * Booting the block boards for the integration tests, through the manager
 * API as a tool would: the boards of boards/, optionally edited, optionally
 * with a disk the test owns (so it outlives a host crash); and running a
 * block-client workload with a report cell to read its full results.
 */
import { fileURLToPath } from 'node:url';
import {
  DriverManager,
  loadBoardManifest,
  type Board,
  type WorkloadParams,
  type WorkloadReport,
} from '@fdf/framework';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import { withDiskStorage } from '../../src/boardDisk.js';
import { ReportCell } from '../../src/sharedCells.js';

export const BLOCK_BOARDS = ['reference', 'block-banjo', 'block-split'] as const;
export type BlockBoard = (typeof BLOCK_BOARDS)[number];

export function boardFile(name: BlockBoard): string {
  return fileURLToPath(new URL(`../../../../../boards/${name}.yaml`, import.meta.url));
}

/** The node block-client binds on every block board. */
export const CLIENT_NODE =
  'root/sys/platform/ramdisk-0/block/block/part-001/data-p-1/data-zxcrypt/unsealed/block-server/fifo';

export interface BootOptions {
  /** The disk's memory, kept by the test. */
  readonly storage?: Vmo;
  /** Changes the board before it boots. */
  readonly edit?: (board: Board) => Board;
}

export async function bootBlockBoard(
  name: BlockBoard,
  options: BootOptions = {},
): Promise<DriverManager> {
  let board = loadBoardManifest(boardFile(name));
  if (options.edit !== undefined) board = options.edit(board);
  if (options.storage !== undefined) board = withDiskStorage(board, options.storage);
  return DriverManager.boot(board);
}

/** The board with the ramdisk's config changed (timing, maxTransferSize, ...). */
export function editRamdisk(board: Board, config: Record<string, unknown>): Board {
  return {
    ...board,
    devices: board.devices.map((d) =>
      d.name === 'ramdisk-0' ? { ...d, config: { ...(d.config as object), ...config } } : d,
    ),
  };
}

export interface ClientRun<R> {
  readonly result: WorkloadReport;
  readonly report: R;
}

/** Runs a block-client workload and reads its report cell. */
export async function runClient<R = Record<string, unknown>>(
  manager: DriverManager,
  workload: string,
  params: WorkloadParams = {},
): Promise<ClientRun<R>> {
  const cell = ReportCell.create();
  const [result] = await manager.runWorkload(workload, { ...params, report: cell.buffer });
  if (result === undefined) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `no driver ran ${workload}; is block-client bound?`,
    );
  }
  return { result, report: cell.read() as R };
}
