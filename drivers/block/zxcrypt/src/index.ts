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

// The driver: unseals a volume and offers its decrypted blocks, in both variants.
export { ZxcryptDriver, SHADOW_BYTES } from './driver.js';
export { CryptDevice } from './cryptDevice.js';
export { ShadowPool } from './shadowPool.js';
export { keyFromNode, ZxcryptProperty, type ZxcryptKey } from './rootKey.js';
export { parentSliceSize } from './parentVolume.js';
export { UNSEALED_BIND_PROTOCOL, UNSEALED_NODE, unsealedProperties } from './unsealedNode.js';
// The forwarding pieces shared with gpt and fvm (@fdf/block-lib), re-exported.
export {
  blockServer,
  blockBanjoOps,
  banjoParent,
  connectParentBlock,
  fidlParent,
  isOffered,
  offeredInstance,
  queueAsync,
  readBlocks,
  writeBlocks,
  type BlockDevice,
  type OfferedInstance,
  type OpCompletion,
  type ParentBlock,
} from '@fdf/block-lib';
