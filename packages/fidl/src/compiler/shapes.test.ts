import { describe, expect, it } from 'vitest';
import {
  compileFiles,
  compileText,
  expectClean,
  GIDL_TYPES,
  lastLibrary,
} from '../../test/compiler/helpers.js';
import type { IrLibrary, IrStruct, TypeShape } from '../ir/types.js';

const UNBOUNDED = 0xffffffff;

function decl(lib: IrLibrary, name: string): { shape: TypeShape } & Partial<IrStruct> {
  const fq = `${lib.name}/${name}`;
  const found = [...lib.structs, ...lib.tables, ...lib.unions].find((d) => d.name === fq);
  if (!found) throw new TypeError(`no layout ${fq}`);
  return found as { shape: TypeShape } & Partial<IrStruct>;
}

describe('gidl_types.fidl (test.conformance)', () => {
  const result = compileFiles([GIDL_TYPES]);
  const ir = expectClean(result);
  const lib = lastLibrary(ir);

  it('compiles with no diagnostics at all', () => {
    expect(result.diagnostics).toEqual([]);
    expect(lib.name).toBe('test.conformance');
    expect(ir.libraries).toHaveLength(1);
  });

  it('lays out struct{a int32; b int8} in 8 bytes with 3 bytes of trailing padding', () => {
    const s = decl(lib, 'Struct5Byte');
    expect(s.shape).toMatchObject({ inlineSize: 8, alignment: 4, hasPadding: true, depth: 0 });
    expect(s.members?.map((m) => [m.name, m.offset, m.padding])).toEqual([
      ['a', 0, 0],
      ['b', 4, 3],
    ]);
  });

  it('keeps nested struct layout: an array of 3 FiveByte is 24 bytes', () => {
    expect(decl(lib, 'FiveByteInArray').shape.inlineSize).toBe(24);
    expect(decl(lib, 'ThreeByteInArray').shape.inlineSize).toBe(9);
  });

  it('makes the empty struct one byte', () => {
    expect(decl(lib, 'EmptyStruct').shape).toEqual({
      inlineSize: 1,
      alignment: 1,
      depth: 0,
      maxHandles: 0,
      maxOutOfLine: 0,
      hasPadding: false,
      hasFlexibleEnvelope: false,
    });
    const sandwich = decl(lib, 'EmptyStructSandwich');
    expect(sandwich.members?.map((m) => m.offset)).toEqual([0, 16, 24]);
    expect(sandwich.shape.inlineSize).toBe(40);
  });

  it('aligns members naturally', () => {
    expect(decl(lib, 'Uint8Uint16Uint32Uint64').members?.map((m) => [m.offset, m.padding])).toEqual(
      [
        [0, 1],
        [2, 0],
        [4, 0],
        [8, 0],
      ],
    );
    expect(decl(lib, 'Uint64Uint32Uint16Uint8').members?.map((m) => [m.offset, m.padding])).toEqual(
      [
        [0, 0],
        [8, 0],
        [12, 0],
        [14, 1],
      ],
    );
  });

  it('gives strings, vectors, unions and tables 16 bytes and boxes 8', () => {
    const s = decl(lib, 'StructWithOptionals');
    expect(s.members?.map((m) => [m.name, m.offset, m.type?.shape.inlineSize])).toEqual([
      ['s', 0, 1],
      ['s2', 8, 8],
      ['t', 16, 16],
      ['xu', 32, 16],
      ['xu2', 48, 16],
      ['u', 64, 16],
      ['u2', 80, 16],
    ]);
    expect(s.shape.maxOutOfLine).toBe(32);
  });

  it('counts envelopes: payloads of 4 bytes or less stay inline', () => {
    // int64 members go out of line: 5 envelopes + 2 * 8 bytes.
    expect(decl(lib, 'SimpleTable').shape).toMatchObject({
      maxOutOfLine: 56,
      depth: 2,
      hasFlexibleEnvelope: true,
    });
    // int32 fits in the envelope: only the envelope array.
    expect(decl(lib, 'TableFieldInlined').shape.maxOutOfLine).toBe(8);
    expect(decl(lib, 'TableFieldOutOfLine').shape.maxOutOfLine).toBe(16);
    expect(decl(lib, 'EnvelopeInliningTestUnion').shape).toMatchObject({
      maxOutOfLine: 8,
      depth: 1,
    });
    expect(decl(lib, 'EmptyTable').shape).toMatchObject({ maxOutOfLine: 0, depth: 1 });
  });

  it('marks strict unions without flexible parts as not flexible', () => {
    expect(decl(lib, 'PaddedUnion').shape.hasFlexibleEnvelope).toBe(false);
    expect(decl(lib, 'SampleXUnion').shape.hasFlexibleEnvelope).toBe(true);
    // Strict, but reaches a table, which is always flexible.
    expect(decl(lib, 'SampleStrictXUnion').shape.hasFlexibleEnvelope).toBe(true);
  });

  it('makes recursive types unbounded', () => {
    expect(decl(lib, 'RecursiveOptionalStruct').shape).toMatchObject({
      inlineSize: 8,
      depth: UNBOUNDED,
      maxOutOfLine: UNBOUNDED,
      maxHandles: 0,
    });
    expect(decl(lib, 'RecursiveOptionalAndTableStruct').shape.depth).toBe(UNBOUNDED);
    expect(decl(lib, 'MutualRecursionUnionStruct').shape.depth).toBe(UNBOUNDED);
    expect(decl(lib, 'RecursiveVectorUnion').shape.depth).toBe(UNBOUNDED);
  });

  it('bounds strings and vectors', () => {
    expect(decl(lib, 'Length2StringWrapper').shape).toMatchObject({ depth: 1, maxOutOfLine: 8 });
    expect(decl(lib, 'VectorWithLimit').shape).toMatchObject({ depth: 1, maxOutOfLine: 8 });
    expect(decl(lib, 'StringWrapper').shape.maxOutOfLine).toBe(UNBOUNDED);
    // A table holding a union holding string:2: depths 1 (table) + 1 (envelope) + 1 (string).
    expect(decl(lib, 'StringWithLimitInTable').shape.depth).toBe(3);
  });

  it('names inline layouts after the member or @generated_name', () => {
    const names = lib.enums.map((e) => e.name);
    expect(names).toContain('test.conformance/SignedEnum');
    expect(names).toContain('test.conformance/UnsignedEnum');
    expect(lib.tables.map((t) => t.name)).toContain('test.conformance/TableWithStringWithLimit');
    const u = lib.unions.find((x) => x.name === 'test.conformance/UnionWithStringWithLimit');
    expect(u?.namingContext).toEqual(['StringWithLimitInUnion', 'u']);
  });

  it('sorts table and union members by ordinal', () => {
    const t = lib.tables.find((x) => x.name === 'test.conformance/ReverseOrdinalTable');
    expect(t?.members.map((m) => m.ordinal)).toEqual([1, 2, 4]);
  });

  it('defaults enums and bits to uint32 and sets flexible unknown values', () => {
    const e = lib.enums.find((x) => x.name === 'test.conformance/EmptyEnum');
    expect(e).toMatchObject({
      subtype: 'uint32',
      strict: false,
      members: [],
      unknownValue: '4294967295',
    });
    const b = lib.bits.find((x) => x.name === 'test.conformance/StrictBitsUint64');
    expect(b).toMatchObject({ subtype: 'uint64', strict: true, mask: '3' });
    const i64 = lib.enums.find((x) => x.name === 'test.conformance/StrictEnumInt64');
    expect(i64?.members.map((m) => m.value)).toEqual(['72623859790382856', '1230066625199609624']);
  });
});

describe('shapes of handles and nesting', () => {
  it('counts handles and boxes', () => {
    const ir = expectClean(
      compileText(`
library example;
using zx;
type Pair = resource struct { a zx.Handle; b zx.Handle:VMO; };
type Holder = resource struct {
    pairs array<Pair, 3>;
    some vector<Pair>:2;
    many vector<Pair>;
    boxed box<Inner>;
};
type Inner = struct { x uint8; };
type Deep = struct { v vector<vector<string:5>:3>:2; };
`),
    );
    const lib = lastLibrary(ir);
    expect(decl(lib, 'Pair').shape).toMatchObject({ inlineSize: 8, alignment: 4, maxHandles: 2 });
    const holder = decl(lib, 'Holder');
    expect(holder.shape.maxHandles).toBe(UNBOUNDED);
    expect(holder.members?.[1]?.type?.shape).toMatchObject({
      maxHandles: 4,
      maxOutOfLine: 16,
      depth: 1,
    });
    expect(holder.members?.[3]?.type?.shape).toMatchObject({
      inlineSize: 8,
      depth: 1,
      maxOutOfLine: 8,
      hasPadding: true,
    });
    expect(decl(lib, 'Deep').shape).toMatchObject({
      depth: 3,
      maxOutOfLine: 32 + 2 * (48 + 3 * 8),
    });
  });
});
