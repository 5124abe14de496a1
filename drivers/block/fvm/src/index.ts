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
