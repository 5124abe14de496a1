/**
 * The reply to a flexible two-way method the server does not know. The
 * server cannot encode it through the method's result union (it does not know
 * the method), but every such union has the same wire form for this variant:
 * ordinal 3 (framework_err) and an inline int32 envelope holding -2.
 */
import {
  DYNAMIC_FLAGS_FLEXIBLE_METHOD,
  HEADER_SIZE,
  MAGIC_NUMBER_INITIAL,
} from '../../wire/index.js';
import { FRAMEWORK_ERR_UNKNOWN_METHOD } from '../results.js';

export function unknownMethodReply(txid: number, ordinal: bigint): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE + 16);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, txid, true);
  v.setUint8(4, 0x02);
  v.setUint8(6, DYNAMIC_FLAGS_FLEXIBLE_METHOD);
  v.setUint8(7, MAGIC_NUMBER_INITIAL);
  v.setBigUint64(8, ordinal, true);
  v.setBigUint64(16, 3n, true); // union ordinal: framework_err
  v.setInt32(24, FRAMEWORK_ERR_UNKNOWN_METHOD, true); // inline value
  v.setUint16(28, 0, true); // num_handles
  v.setUint16(30, 1, true); // flags: inlined
  return bytes;
}
