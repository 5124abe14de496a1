/**
 * UTF-8 for FIDL strings. JS strings are UTF-16 and may hold lone surrogates,
 * which have no UTF-8 encoding: TextEncoder would silently turn them into
 * U+FFFD, so well-formedness is checked first. Decoding uses the WHATWG fatal
 * decoder, which rejects overlong forms, surrogates and values past U+10FFFF,
 * as fidl.md 2.3 requires; `ignoreBOM` keeps a leading U+FEFF as data.
 * Short ASCII strings take a hand-written path: most FIDL strings are short
 * names, and the native calls cost more than the loop for them.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface WellFormed {
  isWellFormed(): boolean;
}

/** False when the string holds a lone surrogate (String.prototype.isWellFormed, ES2024). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as WellFormed).isWellFormed();
}

/** Number of UTF-8 bytes of a well-formed string, without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // a surrogate pair: 2 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * Writes `s` as UTF-8 at `buf[offset]` and returns the byte count, or -1 when
 * `s` is not well-formed. The caller guarantees room for 3 bytes per UTF-16 unit.
 */
export function writeUtf8(s: string, buf: Uint8Array, offset: number): number {
  const n = s.length;
  if (n <= 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[offset + i] = c;
    }
    if (i === n) return n;
  }
  if (!isWellFormed(s)) return -1;
  return encoder.encodeInto(s, buf.subarray(offset)).written;
}

/** Decodes `len` bytes at `offset`; returns null when they are not valid UTF-8. */
export function readUtf8(buf: Uint8Array, offset: number, len: number): string | null {
  if (len <= 32) {
    let s = '';
    let i = 0;
    for (; i < len; i++) {
      const c = buf[offset + i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === len) return s;
  }
  try {
    return decoder.decode(buf.subarray(offset, offset + len));
  } catch {
    return null;
  }
}
