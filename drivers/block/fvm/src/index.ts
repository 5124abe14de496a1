export {
  FVM_MAGIC,
  FVM_MAJOR_VERSION,
  FVM_MINOR_VERSION,
  FVM_BLOCK_SIZE,
  MAX_VPARTITIONS,
  MAX_VSLICES,
  MAX_NAME_LENGTH,
  MAX_SLICE_QUERY_REQUESTS,
  VPARTITION_FLAG_INACTIVE,
  RESERVED_PARTITION_TYPE_GUID,
} from './format/constants.js';
export { formatFvm, headerForDisk, type FormatFvmOptions } from './format/format.js';
export { loadFvm, type LoadFvmOptions } from './format/load.js';
export { Fvm } from './format/fvm.js';
export type { FvmHeader } from './format/header.js';
export type { PhysicalExtent } from './format/mapOp.js';
export type { SliceRange } from './format/sliceMap.js';
export type {
  FvmInfo,
  FvmMetadataInfo,
  FvmRead,
  FvmVolume,
  FvmWrite,
  SliceAllocation,
} from './format/types.js';

// The driver: one child node per volume, Block + Partition + Volume, in both variants.
export { FvmDriver } from './driver.js';
export {
  FVM_PARTITION_TYPE,
  PARTITION_BIND_PROTOCOL,
  VOLUME_BIND_PROTOCOL,
  VolumeProperty,
  guidText,
  volumeNodeName,
  volumeProperties,
} from './volumeNode.js';
export { VolumeDevice } from './volumeDevice.js';
export { VolumeControl } from './volumeControl.js';
export { checkExtend, checkShrink } from './volumeChecks.js';
export { volumeServer, volumeBanjoOps } from './volumeServer.js';
export { ChangeGate } from './changeGate.js';
export { parentBytes, type ParentBytes } from './parentBytes.js';
// The forwarding pieces shared with gpt and zxcrypt (@fdf/block-lib), re-exported.
export {
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
