/**
 * The block FIFO protocol: 40-byte request and response records in a shared
 * zx fifo between a client and block-server.
 *
 * Request  (little-endian): opcode word u32 @0 (opcode in the low byte, BlockIoFlag bits above),
 *   reqid u32 @4, group u16 @8, vmoid u16 @10, length u32 @12 (blocks),
 *   vmo_offset u64 @16 (blocks), dev_offset u64 @24 (blocks), trace_flow_id u64 @32.
 * Response (little-endian): status i32 @0, reqid u32 @4, group u16 @8, reserved u16 @10,
 *   count u32 @12, 3 x u64 reserved @16.
 *
 * Decoding fills a caller-owned record object in place so the serving loop
 * allocates nothing per entry. 64-bit offsets become JS numbers: every
 * offset a real device can reach is below 2^53, and a larger value (which
 * the number can only approximate) is still far out of range, so range
 * checks reject it exactly as they would the true value.
 */
import { block } from '@fdf/bindings';
import { Status, StatusError } from '@fdf/zx';

/** Bytes per FIFO element, both directions. */
export const BLOCK_FIFO_ESIZE = 40;
/** Elements per direction: as many 40-byte records as fit the 4096-byte fifo. */
export const BLOCK_FIFO_MAX_DEPTH = Math.floor(4096 / BLOCK_FIFO_ESIZE);
/** Transaction groups a session may have open at once; group ids are 0..7. */
export const MAX_TXN_GROUP_COUNT = 8;
/** vmoid 0 never names a VMO. */
export const BLOCK_VMOID_INVALID = 0;
/** Largest vmoid (vmoids are u16). */
export const BLOCK_VMOID_MAX = 0xffff;

export const BlockOpcode = block.BlockOpcode;
export const BlockIoFlag = block.BlockIoFlag;

/** The opcode byte of the opcode word. */
export const OPCODE_MASK = 0xff;
/** GROUP_ITEM | GROUP_LAST: consumed by block-server, never forwarded to the device. */
export const GROUP_FLAGS = BlockIoFlag.GROUP_ITEM | BlockIoFlag.GROUP_LAST;
/** Flag bits block-server forwards to the device (the known non-group bits). */
export const DEVICE_FLAGS =
  BlockIoFlag.BARRIER_BEFORE | BlockIoFlag.BARRIER_AFTER | BlockIoFlag.FORCE_ACCESS;

const TWO_32 = 0x1_0000_0000;

/** One request, decoded. Reused: decode overwrites every field. */
export interface FifoRequest {
  /** The low byte of the opcode word. */
  opcode: number;
  /** The opcode word without its low byte (BlockIoFlag bits, known or not). */
  flags: number;
  reqid: number;
  group: number;
  vmoid: number;
  /** Blocks. */
  length: number;
  /** Blocks; see the module comment for values at or above 2^53. */
  vmoOffset: number;
  /** Blocks; see the module comment for values at or above 2^53. */
  devOffset: number;
  /** Exact; 0n (no allocation) when zero. */
  traceFlowId: bigint;
}

/** One response, decoded. Reused: decode overwrites every field. */
export interface FifoResponse {
  status: number;
  reqid: number;
  group: number;
  /** Requests this response answers: 1, or the member count of a group. */
  count: number;
}

export function newRequest(): FifoRequest {
  return {
    opcode: 0,
    flags: 0,
    reqid: 0,
    group: 0,
    vmoid: 0,
    length: 0,
    vmoOffset: 0,
    devOffset: 0,
    traceFlowId: 0n,
  };
}

export function newResponse(): FifoResponse {
  return { status: 0, reqid: 0, group: 0, count: 0 };
}

function readU64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
}

function writeU64(view: DataView, at: number, value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `block fifo: ${what} ${value} is not an integer in [0, 2^53); pass a block count a device can address`,
    );
  }
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `block fifo: ${what} ${value} does not fit a u32; keep it in [0, 2^32)`,
    );
  }
}

function checkU16(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `block fifo: ${what} ${value} does not fit a u16; keep it in [0, 65536)`,
    );
  }
}

/** Decodes the request at element `index` of `view` into `into` and returns it. */
export function decodeRequest(view: DataView, index: number, into: FifoRequest): FifoRequest {
  const at = index * BLOCK_FIFO_ESIZE;
  const word = view.getUint32(at, true);
  into.opcode = word & OPCODE_MASK;
  into.flags = (word & ~OPCODE_MASK) >>> 0;
  into.reqid = view.getUint32(at + 4, true);
  into.group = view.getUint16(at + 8, true);
  into.vmoid = view.getUint16(at + 10, true);
  into.length = view.getUint32(at + 12, true);
  into.vmoOffset = readU64(view, at + 16);
  into.devOffset = readU64(view, at + 24);
  const traceLo = view.getUint32(at + 32, true);
  const traceHi = view.getUint32(at + 36, true);
  into.traceFlowId = (traceLo | traceHi) === 0 ? 0n : view.getBigUint64(at + 32, true);
  return into;
}

/**
 * Encodes `request` at element `index` of `view`. Checks every field's range
 * (ERR_OUT_OF_RANGE) so a client never puts a silently truncated value on
 * the wire.
 */
export function encodeRequest(view: DataView, index: number, request: FifoRequest): void {
  checkU32(request.opcode, 'opcode');
  if (request.opcode > OPCODE_MASK) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `block fifo: opcode ${request.opcode} does not fit the low byte of the opcode word; opcodes are 1..5`,
    );
  }
  checkU32(request.flags, 'flags');
  if ((request.flags & OPCODE_MASK) !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block fifo: flags 0x${request.flags.toString(16)} overlap the opcode byte; flags start at bit 8`,
    );
  }
  checkU32(request.reqid, 'reqid');
  checkU16(request.group, 'group');
  checkU16(request.vmoid, 'vmoid');
  checkU32(request.length, 'length');
  if (request.traceFlowId < 0n || request.traceFlowId > 0xffff_ffff_ffff_ffffn) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `block fifo: trace_flow_id ${request.traceFlowId} does not fit a u64`,
    );
  }
  const at = index * BLOCK_FIFO_ESIZE;
  view.setUint32(at, (request.opcode | request.flags) >>> 0, true);
  view.setUint32(at + 4, request.reqid, true);
  view.setUint16(at + 8, request.group, true);
  view.setUint16(at + 10, request.vmoid, true);
  view.setUint32(at + 12, request.length, true);
  writeU64(view, at + 16, request.vmoOffset, 'vmo_offset');
  writeU64(view, at + 24, request.devOffset, 'dev_offset');
  view.setBigUint64(at + 32, request.traceFlowId, true);
}

/** Decodes the response at element `index` of `view` into `into` and returns it. */
export function decodeResponse(view: DataView, index: number, into: FifoResponse): FifoResponse {
  const at = index * BLOCK_FIFO_ESIZE;
  into.status = view.getInt32(at, true);
  into.reqid = view.getUint32(at + 4, true);
  into.group = view.getUint16(at + 8, true);
  into.count = view.getUint32(at + 12, true);
  return into;
}

/**
 * Encodes a response at element `index` of `view`, zeroing the reserved
 * bytes. Takes the fields as arguments so the server needs no record object.
 */
export function encodeResponse(
  view: DataView,
  index: number,
  status: number,
  reqid: number,
  group: number,
  count: number,
): void {
  const at = index * BLOCK_FIFO_ESIZE;
  view.setInt32(at, status, true);
  view.setUint32(at + 4, reqid, true);
  view.setUint16(at + 8, group, true);
  view.setUint16(at + 10, 0, true);
  view.setUint32(at + 12, count, true);
  for (let o = at + 16; o < at + BLOCK_FIFO_ESIZE; o += 4) view.setUint32(o, 0, true);
}

/** A short name of an opcode byte, for messages. */
export function opcodeName(opcode: number): string {
  switch (opcode) {
    case BlockOpcode.READ:
      return 'READ';
    case BlockOpcode.WRITE:
      return 'WRITE';
    case BlockOpcode.FLUSH:
      return 'FLUSH';
    case BlockOpcode.TRIM:
      return 'TRIM';
    case BlockOpcode.CLOSE_VMO:
      return 'CLOSE_VMO';
    default:
      return `opcode ${opcode}`;
  }
}
