/**
 * Fixed numbers of the FVM on-disk format. The values are those of the real
 * FVM (src/storage/fvm/format.h), so an image's geometry reads the same way;
 * README.md explains each one and the few places where we differ.
 */

/** "FVM PART" read as a little-endian u64. */
export const FVM_MAGIC = 0x54524150204d5646n;

/** A newer major version means an incompatible layout: refuse to touch it. */
export const FVM_MAJOR_VERSION = 1;
/** Recorded as `oldest_minor_version`, lowered whenever an older writer touches the image. */
export const FVM_MINOR_VERSION = 1;

/**
 * The unit of the metadata layout: the header block, the tables and the data
 * start are all aligned to it, and slice sizes are multiples of it. It is not
 * the device block size.
 */
export const FVM_BLOCK_SIZE = 8192;

/** Bytes of the header that carry fields; the rest of its block is zero. */
export const HEADER_SIZE = 104;
/** Where the SHA-256 of the metadata copy sits inside the header. */
export const HEADER_HASH_OFFSET = 64;
export const HASH_SIZE = 32;

/** Table entries 0..1023; entry 0 is never used, so volumes are numbered 1..1023. */
export const MAX_VPARTITIONS = 1024;
export const VPARTITION_ENTRY_SIZE = 64;
/** The real FVM fixes the partition table at exactly 1024 entries (64 KiB). */
export const PARTITION_TABLE_SIZE = MAX_VPARTITIONS * VPARTITION_ENTRY_SIZE;
export const PARTITION_TABLE_OFFSET = FVM_BLOCK_SIZE;
export const ALLOCATION_TABLE_OFFSET = PARTITION_TABLE_OFFSET + PARTITION_TABLE_SIZE;

export const GUID_SIZE = 16;
export const MAX_NAME_LENGTH = 24;

/** Slice entries are packed u64: vpartition in bits 0..15, vslice in bits 16..47. */
export const SLICE_ENTRY_SIZE = 8;
/** Virtual slices of a volume are numbered 0..MAX_VSLICES-1 (2^31, as in the real FVM). */
export const MAX_VSLICES = 2 ** 31;

/** A partition entry flag: the volume is inactive (an upgrade not yet activated). */
export const VPARTITION_FLAG_INACTIVE = 0x1;
/** The flags the format knows; other bits are masked off, as the real FVM does. */
export const VPARTITION_FLAG_MASK = 0x1;

/** The most ranges one `querySlices` call answers (MAX_SLICE_QUERY_REQUESTS). */
export const MAX_SLICE_QUERY_REQUESTS = 16;

/**
 * Our own limits, not the real format's: they keep every offset a safe JS
 * integer and stop a corrupt header from making us read gigabytes.
 */
export const MAX_SLICE_SIZE = 2 ** 32;
export const MAX_ALLOCATION_TABLE_SIZE = 128 * 1024 * 1024;

/** The type GUID of the real FVM's internal "reserved slices" partition. */
export const RESERVED_PARTITION_TYPE_GUID: Readonly<Uint8Array> = Uint8Array.of(
  0xa0,
  0x44,
  0xe4,
  0x75,
  0xaa,
  0x6b,
  0xe5,
  0xf3,
  0x52,
  0x4b,
  0xf3,
  0x67,
  0x81,
  0x61,
  0xf9,
  0xce,
);
