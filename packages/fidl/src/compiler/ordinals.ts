/**
 * Method ordinals: the first 8 bytes of SHA-256 over the selector, read as a
 * little-endian u64, with bit 63 cleared (set ordinals are reserved for
 * control messages such as epitaphs).
 */
import { createHash } from 'node:crypto';

const LOW_63_BITS = (1n << 63n) - 1n;

export function methodOrdinal(selector: string): bigint {
  const digest = createHash('sha256').update(selector, 'utf8').digest();
  return digest.readBigUInt64LE(0) & LOW_63_BITS;
}

/**
 * The string hashed for a method: `library/Protocol.Method`, or the
 * @selector value: a full selector when it contains '/', otherwise a
 * replacement for the method name only. Composed methods pass their declaring
 * protocol, so composition never changes an ordinal.
 */
export function methodSelector(
  libraryName: string,
  protocolName: string,
  methodName: string,
  selectorAttr?: string,
): string {
  if (selectorAttr !== undefined && selectorAttr.includes('/')) return selectorAttr;
  return `${libraryName}/${protocolName}.${selectorAttr ?? methodName}`;
}
