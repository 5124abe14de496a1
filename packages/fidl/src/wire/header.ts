/**
 * The 16-byte transactional message header (fidl.md 2.9,
 * `fidl_message_header_t`) and epitaphs.
 *
 *   off 0  u32  txid            0 for one-way calls and events
 *   off 4  u8   at-rest flags 0 0x02: wire format V2
 *   off 5  u8   at-rest flags 1 0
 *   off 6  u8   dynamic flags   0x80: flexible method
 *   off 7  u8   magic number    0x01
 *   off 8  u64  ordinal
 */
import { FidlError, type FidlPhase } from './errors.js';
import { invalidValue } from './checks.js';
import { u32, u64 } from './read.js';

export const HEADER_SIZE = 16;
export const AT_REST_FLAGS_0_USE_VERSION_V2 = 0x02;
export const DYNAMIC_FLAGS_FLEXIBLE_METHOD = 0x80;
export const DYNAMIC_FLAGS_BYTE_OVERFLOW = 0x40;
export const MAGIC_NUMBER_INITIAL = 0x01;
/** Ordinal of an epitaph, the last message a server sends before closing (body: int32 status). */
export const EPITAPH_ORDINAL = 0xffff_ffff_ffff_ffffn;

/** What a sender chooses; the codec fills in the flags and the magic number. */
export interface MessageHeader {
  /** 0 for one-way calls, events and epitaphs; otherwise matches a reply to its call. */
  txid: number;
  /** u64 method ordinal (IrMethod.ordinal as a bigint). */
  ordinal: bigint;
  /** Sets dynamic flag 0x80: the method is flexible. */
  flexible?: boolean;
}

/** A header as read from bytes; unknown at-rest flags are kept, not rejected. */
export interface DecodedHeader {
  txid: number;
  ordinal: bigint;
  flexible: boolean;
  atRestFlags: readonly [number, number];
  dynamicFlags: number;
  magicNumber: number;
}

export function writeHeader(
  view: DataView,
  offset: number,
  header: MessageHeader,
  phase: FidlPhase = 'encode',
): void {
  const { txid, ordinal } = header;
  if (typeof txid !== 'number' || txid >>> 0 !== txid)
    throw invalidValue(phase, 'a u32 txid', txid);
  if (typeof ordinal !== 'bigint' || BigInt.asUintN(64, ordinal) !== ordinal) {
    throw invalidValue(phase, 'a u64 bigint ordinal', ordinal);
  }
  view.setUint32(offset, txid, true);
  view.setUint8(offset + 4, AT_REST_FLAGS_0_USE_VERSION_V2);
  view.setUint8(offset + 5, 0);
  view.setUint8(offset + 6, header.flexible === true ? DYNAMIC_FLAGS_FLEXIBLE_METHOD : 0);
  view.setUint8(offset + 7, MAGIC_NUMBER_INITIAL);
  view.setBigUint64(offset + 8, ordinal, true);
}

/**
 * Reads and checks a header: at least 16 bytes, magic number 0x01, at-rest
 * flag 0x02 (V2). Other flag bits are ignored, as the bindings must.
 */
export function decodeHeader(bytes: Uint8Array): DecodedHeader {
  if (bytes.length < HEADER_SIZE) {
    throw new FidlError(
      'TOO_FEW_BYTES',
      'decode',
      `a transactional message needs a ${HEADER_SIZE}-byte header, got ${bytes.length} bytes`,
    ).at('header');
  }
  const header: DecodedHeader = {
    txid: u32(bytes, 0),
    atRestFlags: [bytes[4]!, bytes[5]!],
    dynamicFlags: bytes[6]!,
    magicNumber: bytes[7]!,
    ordinal: u64(bytes, 8),
    flexible: (bytes[6]! & DYNAMIC_FLAGS_FLEXIBLE_METHOD) !== 0,
  };
  if (header.magicNumber !== MAGIC_NUMBER_INITIAL) {
    throw new FidlError(
      'INVALID_MAGIC_NUMBER',
      'decode',
      `magic number is 0x${header.magicNumber.toString(16)}, expected 0x01`,
    ).at('header');
  }
  if ((header.atRestFlags[0] & AT_REST_FLAGS_0_USE_VERSION_V2) === 0) {
    throw new FidlError(
      'UNSUPPORTED_WIRE_FORMAT',
      'decode',
      `at-rest flags 0x${header.atRestFlags[0].toString(16)} lack the V2 bit 0x02`,
    ).at('header');
  }
  return header;
}
