/**
 * The forwarding drivers of the block stack (gpt, fvm, zxcrypt) as the
 * benchmark builds them: each package's logic class over a `ParentBlock`
 * (Banjo table, Driver-transport client or Channel-transport client), set
 * up the way the driver's start() does it (read the partition table, the
 * volume metadata or the superblock through the parent), and offered with
 * the package's own Block server or Banjo table. The driver classes add
 * only framework wiring (nodes, offers, logs) around exactly these objects;
 * building them here lets each configuration choose its transports and
 * hosts freely.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { BlockCore, blockCoreBanjo, blockServer as blockCoreServer } from '@fdf/block-core';
import {
  ChangeGate,
  VolumeDevice,
  blockBanjoOps as fvmBanjoOps,
  blockServer as fvmServer,
  loadFvm,
  parentBytes,
} from '@fdf/block-fvm';
import {
  PartitionDevice,
  blockBanjoOps as gptBanjoOps,
  blockServer as gptServer,
  readBlocks,
  readGptAsync,
  type BlockDevice,
  type ParentBlock,
} from '@fdf/block-gpt';
import { RamdiskDevice } from '@fdf/block-ramdisk';
import {
  CryptDevice,
  METADATA_BLOCKS,
  ShadowPool,
  blockBanjoOps as zxcryptBanjoOps,
  blockServer as zxcryptServer,
  prepareDataKey,
  unseal,
  zxcryptGeometry,
} from '@fdf/block-zxcrypt';
import { DriverCounters } from '@fdf/framework';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import { DISK } from './disk.js';

/**
 * zxcrypt's shadow VMO, sized for the deepest cell (32 writes of 128 KiB in
 * flight). The driver's default (1 MiB) would hold back 128 KiB writes above
 * queue depth 8 and measure the shadow instead of the transport.
 */
export const BENCH_SHADOW_BYTES = 32 * 128 * 1024;

export type LayerName = 'gpt' | 'fvm' | 'zxcrypt';

/** One forwarding driver, opened over its parent. */
export interface OpenLayer {
  readonly name: LayerName;
  readonly device: BlockDevice;
  readonly counters: DriverCounters;
  /** fdf.block/Block over `device`: the package's server (Driver or Channel transport). */
  server(): block.BlockServer;
  /** The package's Banjo table over `device`. */
  banjo(): blockBanjo.BlockBanjo<BlockDevice>;
}

/** The forwarding drivers bottom up: gpt, fvm, then zxcrypt when asked for. */
export function layerNames(crypt: boolean): LayerName[] {
  return crypt ? ['gpt', 'fvm', 'zxcrypt'] : ['gpt', 'fvm'];
}

export function openLayer(name: LayerName, parent: ParentBlock): Promise<OpenLayer> {
  switch (name) {
    case 'gpt':
      return openGpt(parent);
    case 'fvm':
      return openFvm(parent);
    case 'zxcrypt':
      return openZxcrypt(parent);
  }
}

async function openGpt(parent: ParentBlock): Promise<OpenLayer> {
  const parentInfo = await parent.query();
  const { blockSize, blockCount } = parentInfo.info;
  const table = await readGptAsync(
    (lba, count) => readBlocks(parent, blockSize, lba, count),
    blockSize,
    blockCount,
  );
  const partition = table.partitions.find((p) => p.name === DISK.partitionName);
  if (partition === undefined) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `bench: no GPT partition '${DISK.partitionName}' on the bench disk (found: ${table.partitions.map((p) => p.name).join(', ')})`,
    );
  }
  const counters = new DriverCounters();
  const device = new PartitionDevice(parent, partition, parentInfo, counters);
  return {
    name: 'gpt',
    device,
    counters,
    server: () => gptServer(device),
    banjo: () => ({ ops: gptBanjoOps(), ctx: device }),
  };
}

async function openFvm(parent: ParentBlock): Promise<OpenLayer> {
  const parentInfo = await parent.query();
  const { blockSize, blockCount } = parentInfo.info;
  const counters = new DriverCounters();
  const io = parentBytes(parent, blockSize, counters);
  const fvm = await loadFvm(io.read, {
    diskBytes: Number(blockCount) * blockSize,
    write: io.write,
  });
  const volume = fvm.volumes().find((v) => v.name === DISK.volumeName);
  if (volume === undefined) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `bench: no FVM volume '${DISK.volumeName}' on the bench disk`,
    );
  }
  const device = new VolumeDevice(
    fvm,
    volume.index,
    parent,
    parentInfo,
    new ChangeGate(),
    counters,
  );
  return {
    name: 'fvm',
    device,
    counters,
    server: () => fvmServer(device),
    banjo: () => ({ ops: fvmBanjoOps(), ctx: device }),
  };
}

async function openZxcrypt(parent: ParentBlock): Promise<OpenLayer> {
  const parentInfo = await parent.query();
  const { blockSize, blockCount } = parentInfo.info;
  // The slice size is the disk's: a zxcrypt host in another thread cannot ask fvm's object.
  const geometry = zxcryptGeometry(Number(blockCount), blockSize, DISK.sliceSize);
  const superblocks = await readBlocks(parent, blockSize, 0n, METADATA_BLOCKS);
  const dataKey = unseal(superblocks, DISK.rootKey, { blockSize });
  const counters = new DriverCounters();
  const device = new CryptDevice(
    parent,
    prepareDataKey(dataKey),
    geometry,
    parentInfo,
    new ShadowPool(blockSize, BENCH_SHADOW_BYTES),
    counters,
  );
  return {
    name: 'zxcrypt',
    device,
    counters,
    server: () => zxcryptServer(device),
    banjo: () => ({ ops: zxcryptBanjoOps(), ctx: device }),
  };
}

/** The fake device: no timing model, so what is measured is the stack's own cost. */
export function openRamdisk(storage: Vmo): RamdiskDevice {
  return new RamdiskDevice({ blockSize: DISK.blockSize, blockCount: DISK.blockCount }, { storage });
}

/** block-core's Block offer over a core, in both forms. */
export const blockCoreOffers = {
  server: (core: BlockCore): block.BlockServer => blockCoreServer(core),
  banjo: (core: BlockCore): blockBanjo.BlockBanjo<BlockCore> => blockCoreBanjo(core),
};
