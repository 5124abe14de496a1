/**
 * The wire format V2 codec: the public door of src/wire. See docs/wire.md.
 */
export { createCodec } from './codec.js';
export type { Codec, TypeRef, EncodedMessage, DecodedMessage, BodySpec } from './codec.js';
export { FidlError, GIDL_ERROR_CODES } from './errors.js';
export type { FidlErrorCode, GidlErrorCode, FidlPhase } from './errors.js';
export {
  HEADER_SIZE,
  EPITAPH_ORDINAL,
  AT_REST_FLAGS_0_USE_VERSION_V2,
  DYNAMIC_FLAGS_FLEXIBLE_METHOD,
  DYNAMIC_FLAGS_BYTE_OVERFLOW,
  MAGIC_NUMBER_INITIAL,
  decodeHeader,
} from './header.js';
export type { MessageHeader, DecodedHeader } from './header.js';
export { MAX_DEPTH } from './layout.js';
export { SAME_RIGHTS } from './checks.js';
export { memberKey } from './names.js';
export { gidlToValue, valueToGidl, formatGidlJson } from './gidlJson.js';
export type { JsonValue } from './gidlJson.js';
export { formatHex, parseHex } from './hex.js';
export { encodeJsonToHex, decodeHexToJson } from './wireText.js';
