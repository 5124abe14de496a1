export {
  ZXCRYPT_MAGIC,
  ZXCRYPT_VERSION,
  METADATA_BLOCKS,
  DATA_KEY_LEN,
  SLOT_LEN,
} from './format/constants.js';
export { zxcryptGeometry, zxcryptReservedBlocks, type ZxcryptGeometry } from './format/geometry.js';
export {
  formatZxcrypt,
  unseal,
  inspectZxcryptSuperblock,
  type FormatZxcryptOptions,
  type FormattedZxcrypt,
  type UnsealOptions,
} from './format/volume.js';
export type { ZxcryptSuperblockInfo } from './format/superblock.js';
export { encryptBlocks, decryptBlocks, prepareDataKey } from './format/xts.js';
