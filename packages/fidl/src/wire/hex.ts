/**
 * Hex text for wire bytes, as printed and read by `fdf fidl encode/decode`:
 * lowercase pairs separated by spaces, 8 bytes (one wire-format alignment
 * unit) per line, so that every out-of-line object starts on a new line.
 */
import { Status, StatusError } from '@fdf/zx';

export function formatHex(bytes: Uint8Array, perLine = 8): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + perLine, bytes.length); j++) {
      row.push(bytes[j]!.toString(16).padStart(2, '0'));
    }
    lines.push(row.join(' '));
  }
  return lines.join('\n');
}

/**
 * Parses bytes written as hex pairs separated by spaces, commas or newlines,
 * each with an optional `0x` prefix (`01 00`, `0x01,0x00`, `0100`).
 */
export function parseHex(text: string): Uint8Array {
  const out: number[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    if (raw === '') continue;
    const token = raw.replace(/^0x/i, '');
    if (token.length === 0 || !/^[0-9a-f]+$/i.test(token)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `'${raw}' is not hex; write bytes as pairs like '01 ff' or '0x01,0xff'`,
      );
    }
    if (token.length > 2 && token.length % 2 !== 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `'${raw}' has an odd number of hex digits; write each byte as two digits`,
      );
    }
    if (token.length <= 2) {
      out.push(parseInt(token, 16));
      continue;
    }
    for (let i = 0; i < token.length; i += 2) out.push(parseInt(token.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}
