/**
 * Giving a board's image-ramdisk a disk that the caller owns. A board file
 * describes the disk (`config.image`), and the driver formats fresh memory
 * at each start; a program (a test, `fdf block --image`) may instead hand in
 * a VMO, which the manager's structured clone shares with the host rather
 * than copies. That disk then outlives a host crash and a whole boot: the
 * driver formats it only while it holds no GPT.
 */
import type { Board, BoardDevice } from '@fdf/framework';
import { Status, StatusError, Vmo, transferHandle } from '@fdf/zx';

function ramdiskGeometry(device: BoardDevice): { blockSize: number; blockCount: number } {
  const config = (device.config ?? {}) as { blockSize?: unknown; blockCount?: unknown };
  const { blockSize, blockCount } = config;
  if (typeof blockSize !== 'number' || typeof blockCount !== 'number') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `board device '${device.name}' has no numeric config.blockSize and config.blockCount; is it a ramdisk?`,
    );
  }
  return { blockSize, blockCount };
}

/** The board's disk device: `name`, or its only device whose config has an `image`. */
export function diskDevice(board: Board, name?: string): BoardDevice {
  const disks = board.devices.filter((d) =>
    name === undefined
      ? typeof d.config === 'object' && d.config !== null && 'image' in d.config
      : d.name === name,
  );
  const disk = disks[0];
  if (disk === undefined || disks.length > 1) {
    throw new StatusError(
      disk === undefined ? Status.ERR_NOT_FOUND : Status.ERR_INVALID_ARGS,
      name === undefined
        ? `board ${board.name} has ${disks.length} devices with a config.image; name the disk device`
        : `board ${board.name} has no device '${name}'; devices: ${board.devices.map((d) => d.name).join(', ')}`,
    );
  }
  return disk;
}

/** A zeroed VMO the size of the board's disk device. */
export function createDiskVmo(board: Board, name?: string): Vmo {
  const { blockSize, blockCount } = ramdiskGeometry(diskDevice(board, name));
  return Vmo.create(blockSize * blockCount);
}

/** The board with `storage` as its disk device's memory (the caller keeps its own handle). */
export function withDiskStorage(board: Board, storage: Vmo, name?: string): Board {
  const disk = diskDevice(board, name);
  const { blockSize, blockCount } = ramdiskGeometry(disk);
  if (storage.size < blockSize * blockCount) {
    throw new StatusError(
      Status.ERR_BUFFER_TOO_SMALL,
      `the storage VMO has ${storage.size} bytes; device '${disk.name}' has ${blockCount} blocks of ${blockSize} B (${blockSize * blockCount} bytes)`,
    );
  }
  const { descriptor } = transferHandle(storage.duplicate());
  return {
    ...board,
    devices: board.devices.map((d) =>
      d === disk ? { ...d, config: { ...(d.config as object), storage: descriptor } } : d,
    ),
  };
}
