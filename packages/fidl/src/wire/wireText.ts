/**
 * Text in, text out: what `fdf fidl encode` and `fdf fidl decode` do once
 * the IR is compiled. Values are JSON in the gidl_cases.json conventions,
 * bytes are hex (see hex.ts).
 */
import { Status, StatusError } from '@fdf/zx';
import type { IrRoot } from '../ir/types.js';
import { createCodec } from './codec.js';
import { formatGidlJson, gidlToValue, valueToGidl } from './gidlJson.js';
import { formatHex, parseHex } from './hex.js';

/** Encodes a JSON value of `type` (`library.name/Type`) and returns the bytes as hex lines. */
export function encodeJsonToHex(ir: IrRoot, type: string, json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `--value is not JSON (${(err as Error).message}); quote it for the shell, e.g. --value '{"a": 1}'`,
    );
  }
  const codec = createCodec(ir);
  const { bytes, handles } = codec.encode(type, gidlToValue(ir, type, parsed));
  const hex = formatHex(bytes);
  return handles.length === 0 ? hex : `${hex}\n(${handles.length} handles)`;
}

/** Decodes hex bytes as `type` and returns the value as JSON text. */
export function decodeHexToJson(ir: IrRoot, type: string, hex: string): string {
  const codec = createCodec(ir);
  const value = codec.decode(type, parseHex(hex));
  return formatGidlJson(valueToGidl(ir, type, value));
}
