/**
 * @fdf/block-gpt: the GPT on-disk format (read, validate, write) and
 * the gpt driver that publishes one child per partition.
 */
export * from './format/index.js';

// The driver: one child node per partition, Block + Partition, in both variants.
export { GptDriver } from './driver.js';
export {
  PARTITION_BIND_PROTOCOL,
  PartitionProperty,
  partitionNodeName,
  partitionProperties,
} from './partitionNode.js';
export { PartitionDevice } from './partitionDevice.js';
// The forwarding pieces shared with fvm and zxcrypt (@fdf/block-lib), re-exported.
export {
  BLOCK_BIND_PROTOCOL,
  blockServer,
  blockBanjoOps,
  partitionServer,
  partitionBanjoOps,
  banjoParent,
  connectParentBlock,
  fidlParent,
  isOffered,
  offeredInstance,
  queueAsync,
  readBlocks,
  writeBlocks,
  type BlockDevice,
  type PartitionIdentity,
  type OfferedInstance,
  type OpCompletion,
  type ParentBlock,
} from '@fdf/block-lib';
