export { crc32 } from './crc32.js';
export {
  GUID_BYTES,
  ZERO_GUID,
  decodeGuid,
  encodeGuid,
  isGuid,
  parseGuid,
  randomGuid,
} from './guid.js';
export {
  PARTITION_TYPE_ALIASES,
  PartitionType,
  partitionTypeName,
  resolvePartitionType,
} from './partitionTypes.js';
export {
  DEFAULT_ENTRY_COUNT,
  ENTRY_SIZE,
  GPT_HEADER_SIZE,
  GPT_REVISION,
  GPT_SIGNATURE,
  MAX_ENTRY_ARRAY_BYTES,
  checkBlockSize,
  gptGeometry,
  minimumBlockCount,
  type GptGeometry,
} from './geometry.js';
export { checkProtectiveMbr, encodeProtectiveMbr, PROTECTIVE_MBR_TYPE } from './mbr.js';
export {
  decodeHeader,
  encodeHeader,
  hasGptSignature,
  type GptHeader,
  type GptHeaderFields,
} from './header.js';
export {
  NAME_UNITS,
  checkPartitionLayout,
  decodeEntries,
  encodeEntries,
  entriesCrc32,
  type GptPartition,
} from './entries.js';
export {
  readGpt,
  readGptAsync,
  readGptFromImage,
  type GptTable,
  type ReadBlocks,
  type ReadBlocksAsync,
} from './reader.js';
export {
  MAX_IN_MEMORY_IMAGE,
  defaultAlignment,
  renderImage,
  writeGpt,
  type GptLayout,
  type GptRegion,
  type GptWriteOptions,
  type PartitionSpec,
} from './writer.js';
export { partitionBlockCount, toDeviceBlock, type PartitionRange } from './bounds.js';
