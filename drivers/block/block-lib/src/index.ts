/**
 * @fdf/block-lib: the forwarding pieces the block drivers above block-core
 * (gpt, fvm, zxcrypt) share: the parent block device in either transport,
 * whole-block reads and writes through it, and fdf.block/Block and
 * fdf.block/Partition served to a child in both variants.
 *
 * Test helpers (a driver stack on fake nodes, a memory disk, op builders,
 * a seeded PRNG) are exported separately from `@fdf/block-lib/testing`.
 */
export { blockServer, blockBanjoOps, type BlockDevice } from './blockServer.js';
export { partitionServer, partitionBanjoOps, type PartitionIdentity } from './partitionServer.js';
export {
  BLOCK_BIND_PROTOCOL,
  banjoParent,
  connectParentBlock,
  fidlParent,
  isOffered,
  lastTransport,
  lendOp,
  offeredInstance,
  queueAsync,
  vmoLending,
  type LentOp,
  type OfferedInstance,
  type OpCompletion,
  type ParentBlock,
  type VmoLending,
} from './parentBlock.js';
export { readBlocks, writeBlocks } from './parentIo.js';
