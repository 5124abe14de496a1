/**
 * gpt: binds a block device (block-core's child), reads its GUID Partition
 * Table through it, and adds one child node per partition. Each child is
 * offered fdf.block/Block (the partition's blocks: offsets shifted by the
 * partition start, bounds-checked) and fdf.block/Partition (GUIDs, name).
 *
 * Variants: `driver` connects to the parent's fdf.block/Block and serves
 * FIDL (Driver transport in this host, Channel transport to other hosts);
 * `banjo` calls the parent's Banjo table and hands out Banjo tables. The
 * forwarding logic (PartitionDevice) is the same object in both.
 */
import { block, blockBanjo } from '@fdf/bindings';
import {
  blockBanjoOps,
  blockServer,
  connectParentBlock,
  partitionBanjoOps,
  partitionServer,
  readBlocks,
  type ParentBlock,
  type PartitionIdentity,
} from '@fdf/block-lib';
import { DriverBase } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { encodeGuid } from './format/guid.js';
import { readGptAsync, type GptTable } from './format/reader.js';
import type { GptPartition } from './format/entries.js';
import { PartitionDevice } from './partitionDevice.js';
import { partitionNodeName, partitionProperties } from './partitionNode.js';

export class GptDriver extends DriverBase {
  #table: GptTable | undefined;

  /** The table the driver read at start (undefined before). */
  get table(): GptTable | undefined {
    return this.#table;
  }

  async start(): Promise<void> {
    for (const name of ['block.ops', 'block.splits', 'block.errors']) this.counters.add(name, 0);
    const parent = connectParentBlock(this);
    const parentInfo = await parent.query();
    const table = await this.#readTable(parent, parentInfo.info);
    this.#table = table;
    for (const problem of table.problems) this.logger.warn(problem);
    for (const partition of table.partitions) {
      await this.#publish(parent, parentInfo, partition);
    }
    this.logger.info(
      `${table.partitions.length} partitions from the ${table.source} table (${this.variant} variant)`,
    );
  }

  async #readTable(parent: ParentBlock, info: block.BlockInfo): Promise<GptTable> {
    try {
      return await readGptAsync(
        (lba, count) => readBlocks(parent, info.blockSize, lba, count),
        info.blockSize,
        info.blockCount,
      );
    } catch (err) {
      const status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
      const detail = err instanceof Error ? err.message : String(err);
      throw new StatusError(
        status,
        `gpt on ${this.node.path}: no usable partition table on the ${info.blockCount}-block device (${detail})`,
      );
    }
  }

  async #publish(
    parent: ParentBlock,
    parentInfo: block.BlockQueryResult,
    partition: GptPartition,
  ): Promise<void> {
    const device = new PartitionDevice(parent, partition, parentInfo, this.counters);
    const identity: PartitionIdentity = {
      typeGuid: guidBytes(partition.typeGuid),
      instanceGuid: guidBytes(partition.uniqueGuid),
      name: partition.name,
    };
    const name = partitionNodeName(partition);
    const instance = { instance: name };
    const offers =
      this.variant === 'banjo'
        ? [
            this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), device, instance),
            this.outgoing.addBanjo(blockBanjo.Partition, partitionBanjoOps(), identity, instance),
          ]
        : [
            this.outgoing.addService(block.Block, blockServer(device), instance),
            this.outgoing.addService(block.Partition, partitionServer(identity), instance),
          ];
    await this.node.addChild({ name, properties: partitionProperties(partition), offers });
  }
}

function guidBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  encodeGuid(text, out, 0);
  return out;
}
