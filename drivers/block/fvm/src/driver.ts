/**
 * fvm: binds a GPT partition of the FVM type, loads the volume manager's
 * metadata through it, and adds one child node per (active) volume. Each
 * child is offered fdf.block/Block (the volume's virtual blocks, mapped to
 * slices, split where slices are not adjacent), fdf.block/Partition (type
 * and instance GUIDs, name) and fdf.block/Volume (QuerySlices, GetInfo,
 * Extend, Shrink; metadata written through the parent).
 *
 * Variants: `driver` talks FIDL to its parent and children; `banjo` calls
 * the parent's Banjo table and hands out Banjo tables. VolumeDevice and
 * VolumeControl hold the logic once for both.
 */
import { block, blockBanjo } from '@fdf/bindings';
import {
  blockBanjoOps,
  blockServer,
  connectParentBlock,
  partitionBanjoOps,
  partitionServer,
  type ParentBlock,
} from '@fdf/block-lib';
import { DriverBase } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { ChangeGate } from './changeGate.js';
import { FVM_BLOCK_SIZE } from './format/constants.js';
import type { Fvm } from './format/fvm.js';
import { loadFvm } from './format/load.js';
import type { FvmVolume } from './format/types.js';
import { parentBytes } from './parentBytes.js';
import { VolumeControl } from './volumeControl.js';
import { VolumeDevice } from './volumeDevice.js';
import { volumeNodeName, volumeProperties } from './volumeNode.js';
import { volumeBanjoOps, volumeServer } from './volumeServer.js';

export class FvmDriver extends DriverBase {
  #fvm: Fvm | undefined;
  readonly #gate = new ChangeGate();

  /** The volume manager loaded at start (undefined before). */
  get fvm(): Fvm | undefined {
    return this.#fvm;
  }

  async start(): Promise<void> {
    for (const name of ['block.ops', 'block.splits', 'block.errors']) this.counters.add(name, 0);
    const parent = connectParentBlock(this);
    const parentInfo = await parent.query();
    const fvm = await this.#load(parent, parentInfo.info);
    this.#fvm = fvm;
    let published = 0;
    for (const volume of fvm.volumes()) {
      if (volume.inactive) {
        // An upgrade target not yet activated: the real FVM hides it too.
        this.logger.info(
          `volume '${volume.name}' (vpartition ${volume.index}) is inactive; no node`,
        );
        continue;
      }
      await this.#publish(fvm, parent, parentInfo, volume);
      published++;
    }
    const info = fvm.getInfo();
    this.logger.info(
      `${published} volumes, ${info.assignedSliceCount} of ${info.sliceCount} slices of ${info.sliceSize} B in use (${this.variant} variant)`,
    );
  }

  /** Ops still waiting for a metadata write are failed: every accepted op completes. */
  override prepareStop(): void {
    this.#gate.cancelHeld(Status.ERR_CANCELED);
  }

  async #load(parent: ParentBlock, info: block.BlockInfo): Promise<Fvm> {
    const where = `fvm on ${this.node.path}`;
    if (FVM_BLOCK_SIZE % info.blockSize !== 0) {
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `${where}: block size ${info.blockSize} does not divide the FVM's ${FVM_BLOCK_SIZE}-byte metadata unit; use a device with 512, 1024, 2048, 4096 or 8192-byte blocks`,
      );
    }
    const diskBytes = info.blockCount * BigInt(info.blockSize);
    if (diskBytes > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `${where}: the partition's ${diskBytes} bytes exceed what this FVM addresses (2^53); use a smaller partition`,
      );
    }
    const io = parentBytes(parent, info.blockSize, this.counters);
    try {
      return await loadFvm(io.read, { diskBytes: Number(diskBytes), write: io.write });
    } catch (err) {
      const status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
      const detail = err instanceof Error ? err.message : String(err);
      throw new StatusError(
        status,
        `${where}: no usable FVM on this ${diskBytes}-byte partition (${detail}); format it with \`fdf disk create\` or formatFvm`,
      );
    }
  }

  async #publish(
    fvm: Fvm,
    parent: ParentBlock,
    parentInfo: block.BlockQueryResult,
    volume: FvmVolume,
  ): Promise<void> {
    const v = volume.index;
    const device = new VolumeDevice(fvm, v, parent, parentInfo, this.#gate, this.counters);
    const control = new VolumeControl(fvm, v, this.#gate, this.counters, this.logger);
    const identity = { typeGuid: volume.type, instanceGuid: volume.instance, name: volume.name };
    const name = volumeNodeName(volume);
    const instance = { instance: name };
    const offers =
      this.variant === 'banjo'
        ? [
            this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), device, instance),
            this.outgoing.addBanjo(blockBanjo.Partition, partitionBanjoOps(), identity, instance),
            this.outgoing.addBanjo(blockBanjo.Volume, volumeBanjoOps(), control, instance),
          ]
        : [
            this.outgoing.addService(block.Block, blockServer(device), instance),
            this.outgoing.addService(block.Partition, partitionServer(identity), instance),
            this.outgoing.addService(block.Volume, volumeServer(control), instance),
          ];
    await this.node.addChild({ name, properties: volumeProperties(volume), offers });
  }
}
