/**
 * The GIDL conformance vectors (test/wire/conformance, a copy of
 * /work/shared/conformance/fidl): one Vitest case per vector, run against the
 * IR the compiler makes from gidl_types.fidl.
 *
 * - success: encode(value) is exactly `bytes` and decode(bytes) deep-equals value;
 * - decode_success: decode(bytes) deep-equals value, and re-encoding gives
 *   `reencoded_bytes` (or fails with `reencode_error`) when the case says so;
 * - encode_failure / decode_failure: fail with exactly the `err` code.
 * validate() must agree with encode() on every value.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IrRoot } from '../../src/ir/types.js';
import { createCodec, FidlError, gidlToValue, type Codec } from '../../src/wire/index.js';
import { TypeRegistry } from '../../src/wire/layout.js';
import { loadIr } from './compileFidl.js';

interface GidlCase {
  name: string;
  kind: 'success' | 'decode_success' | 'encode_failure' | 'decode_failure';
  type: string;
  value?: unknown;
  bytes?: number[];
  reencoded_bytes?: number[];
  reencode_error?: string;
  err?: string;
}

const dir = fileURLToPath(new URL('./conformance/', import.meta.url));
const suite = JSON.parse(readFileSync(`${dir}gidl_cases.json`, 'utf8')) as {
  library: string;
  success: GidlCase[];
  failure: GidlCase[];
};

let ir: IrRoot;
let codec: Codec;

beforeAll(() => {
  ir = loadIr([`${dir}gidl_types.fidl`]);
  codec = createCodec(ir);
});

const fq = (type: string): string => `${suite.library}/${type}`;

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof FidlError) return err.code;
    throw err;
  }
  return '(no error)';
}

function run(c: GidlCase): void {
  const type = fq(c.type);
  switch (c.kind) {
    case 'success': {
      const value = gidlToValue(ir, type, c.value);
      const { bytes, handles } = codec.encode(type, value);
      expect(Array.from(bytes)).toEqual(c.bytes);
      expect(handles).toEqual([]);
      expect(codec.decode(type, Uint8Array.from(c.bytes!))).toEqual(value);
      expect(codec.validate(type, value)).toEqual([]);
      return;
    }
    case 'decode_success': {
      const value = gidlToValue(ir, type, c.value);
      const decoded = codec.decode(type, Uint8Array.from(c.bytes!));
      expect(decoded).toEqual(value);
      if (c.reencoded_bytes !== undefined) {
        expect(Array.from(codec.encode(type, decoded).bytes)).toEqual(c.reencoded_bytes);
      }
      if (c.reencode_error !== undefined) {
        expect(errorCode(() => codec.encode(type, decoded))).toBe(c.reencode_error);
        expect(errorCode(() => codec.validate(type, decoded))).toBe(c.reencode_error);
      }
      return;
    }
    case 'encode_failure': {
      const value = gidlToValue(ir, type, c.value);
      expect(errorCode(() => codec.encode(type, value))).toBe(c.err);
      expect(errorCode(() => codec.validate(type, value))).toBe(c.err);
      return;
    }
    case 'decode_failure':
      expect(errorCode(() => codec.decode(type, Uint8Array.from(c.bytes!)))).toBe(c.err);
      return;
  }
}

describe('GIDL conformance: success vectors', () => {
  for (const c of suite.success) it(`${c.kind} ${c.name}`, () => run(c));
});

describe('GIDL conformance: failure vectors', () => {
  for (const c of suite.failure) it(`${c.kind} ${c.name} -> ${c.err}`, () => run(c));
});

describe('compiler and codec agree on layout', () => {
  it('struct member offsets and inline sizes', () => {
    const reg = new TypeRegistry(ir);
    const mismatches: string[] = [];
    for (const lib of ir.libraries) {
      for (const s of lib.structs) {
        const layout = reg.structLayout(s.name);
        if (s.shape.inlineSize !== layout.size) {
          mismatches.push(`${s.name}: IR size ${s.shape.inlineSize}, codec ${layout.size}`);
        }
        s.members.forEach((m, i) => {
          if (m.offset !== layout.fields[i]!.offset) {
            mismatches.push(
              `${s.name}.${m.name}: IR offset ${m.offset}, codec ${layout.fields[i]!.offset}`,
            );
          }
        });
      }
    }
    expect(mismatches).toEqual([]);
  });
});
