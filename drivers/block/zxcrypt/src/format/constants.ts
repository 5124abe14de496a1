/**
 * Fixed numbers of our zxcrypt superblock. The type GUID, the header layout
 * and the copy count are the real zxcrypt's (src/security/lib/zxcrypt); the
 * key-wrapping details differ and so carry their own version (README.md).
 */

/** The zxcrypt type GUID that opens every superblock (the real `zxcrypt_magic`). */
export const ZXCRYPT_MAGIC: Readonly<Uint8Array> = Uint8Array.of(
  0x5f,
  0xe8,
  0xf8,
  0x00,
  0xb3,
  0x6d,
  0x11,
  0xe7,
  0x80,
  0x7a,
  0x78,
  0x63,
  0x72,
  0x79,
  0x70,
  0x74,
);

/**
 * Our format's version, stored big-endian like the real one. The real
 * version 1 wraps keys with AES-128-GCM-SIV, which node:crypto lacks; this
 * value ("FDF" 1) keeps the two from being mistaken for each other.
 */
export const ZXCRYPT_VERSION = 0x46444601;

export const GUID_LEN = 16;
/** type GUID | instance GUID | version: also the AAD of every key slot. */
export const HEADER_LEN = 16 + GUID_LEN + 4;

/** AES-256-XTS takes two AES-256 keys: 64 bytes. */
export const DATA_KEY_LEN = 64;
export const WRAP_KEY_LEN = 32;
export const NONCE_LEN = 12;
export const TAG_LEN = 16;
/** nonce 12 | wrapped key 64 | tag 16 | 4 zero bytes: the real slot stride of 96. */
export const SLOT_LEN = 96;

/** SHA-256 of the rest of the block, in the block's last 32 bytes. */
export const CHECKSUM_LEN = 32;

/** Superblock copies, at blocks 0 and 1 (the real kMetadataBlocks). */
export const METADATA_BLOCKS = 2;

/** The XTS data unit must hold whole AES blocks. */
export const AES_BLOCK = 16;

/** Root keys of 128 bits are tolerated, as the real zxcrypt does for weak hardware keys. */
export const ROOT_KEY_LENGTHS: readonly number[] = [16, 32];
