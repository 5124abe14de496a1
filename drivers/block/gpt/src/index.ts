/**
 * @fdf/block-gpt: the GPT on-disk format (read, validate, write) and
 * the gpt driver that publishes one child per partition.
 */
export * from './format/index.js';

// The driver: one child node per partition, Block + Partition, in both variants.
export { GptDriver } from './driver.js';
export {
  BLOCK_BIND_PROTOCOL,
  PARTITION_BIND_PROTOCOL,
  PartitionProperty,
  partitionNodeName,
  partitionProperties,
} from './partitionNode.js';
export { PartitionDevice } from './partitionDevice.js';
export { blockServer, blockBanjoOps, type BlockDevice } from './blockServer.js';
export { partitionServer, partitionBanjoOps, type PartitionIdentity } from './partitionServer.js';
export {
  banjoParent,
  connectParentBlock,
  fidlParent,
  isOffered,
  offeredInstance,
  queueAsync,
  type OfferedInstance,
  type OpCompletion,
  type ParentBlock,
} from './parentBlock.js';
export { readBlocks, writeBlocks } from './parentIo.js';
