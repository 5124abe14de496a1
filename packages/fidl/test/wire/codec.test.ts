import { describe, expect, it } from 'vitest';
import { Status } from '@fdf/zx';
import { createCodec, FidlError, type FidlErrorCode } from '../../src/wire/index.js';
import { testIr } from './testLibrary.js';

const codec = createCodec(testIr);

function bytes(...parts: Array<number | number[]>): Uint8Array {
  return Uint8Array.from(parts.flat());
}
const u64 = (n: number): number[] => [
  n & 0xff,
  (n >> 8) & 0xff,
  (n >> 16) & 0xff,
  n >>> 24,
  0,
  0,
  0,
  0,
];
const PRESENT = [255, 255, 255, 255, 255, 255, 255, 255];
const pad = (n: number): number[] => new Array<number>(n).fill(0);

function failure(fn: () => unknown): FidlError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FidlError) return err;
    throw err;
  }
  throw new Error('expected a FidlError');
}

function expectCode(fn: () => unknown, code: FidlErrorCode): FidlError {
  const err = failure(fn);
  expect(err.code).toBe(code);
  return err;
}

function roundTrip(type: string, value: unknown): Uint8Array {
  const { bytes: out, handles } = codec.encode(type, value);
  expect(handles).toEqual([]);
  expect(codec.decode(type, out)).toEqual(value);
  expect(codec.validate(type, value)).toEqual([]);
  return out;
}

const inner = { x: 1, y: 2 };
const mixed = {
  id: 7n,
  table: { a: 1, s: 'hi' },
  un: { $tag: 'i', i: -3 },
  optUn: null,
  strictUn: { $tag: 'a', a: 5n },
  boxed: inner,
  empty: {},
  tail: 9,
};

describe('primitives and structs', () => {
  it('lays out primitives at natural alignment, little endian', () => {
    const value = {
      b: true,
      i8: -2,
      i16: -300,
      i32: -70000,
      i64: -(1n << 40n),
      u8: 200,
      u16: 65535,
      u32: 0xdeadbeef,
      u64: (1n << 64n) - 1n,
      f32: 1.5,
      f64: -0,
    };
    const out = roundTrip('Prims', value);
    // b i8 i16 | i32 | i64 | u8 _ u16 u32 | u64 | f32 pad | f64
    expect(out.length).toBe(48);
    expect(Array.from(out.subarray(0, 8))).toEqual([1, 0xfe, 0xd4, 0xfe, 0x90, 0xee, 0xfe, 0xff]);
    expect(Object.is((codec.decode('Prims', out) as { f64: number }).f64, -0)).toBe(true);
  });

  it('pads a struct to its alignment and checks the padding on decode', () => {
    const out = roundTrip('Inner', inner);
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 2, 0, 0, 0]);
    const bad = out.slice();
    bad[6] = 1;
    const err = expectCode(() => codec.decode('Inner', bad), 'INVALID_PADDING_BYTE');
    expect(err.status).toBe(Status.ERR_INVALID_ARGS);
    expect(err.phase).toBe('decode');
  });

  it('encodes the empty struct as one zero byte plus padding', () => {
    expect(Array.from(roundTrip('Empty', {}))).toEqual(pad(8));
    expectCode(() => codec.decode('Empty', bytes(1, pad(7))), 'INVALID_EMPTY_STRUCT');
    expectCode(() => codec.decode('Empty', bytes(pad(16))), 'TOO_MANY_BYTES_IN_MESSAGE');
    expectCode(() => codec.decode('Empty', bytes(0)), 'TOO_FEW_BYTES_IN_PRIMARY_OBJECT');
  });

  it('rejects values of the wrong JS type with INVALID_VALUE and a path', () => {
    const err = expectCode(() => codec.encode('Inner', { x: 1, y: 256 }), 'INVALID_VALUE');
    expect(err.path).toBe('Inner.y');
    expect(err.message).toContain('Inner.y: INVALID_VALUE');
    expectCode(() => codec.encode('Prims', { ...{ b: 1 } }), 'INVALID_VALUE');
    expectCode(() => codec.encode('Inner', { x: 1 }), 'INVALID_VALUE');
    expectCode(() => codec.encode('Inner', null), 'NON_NULLABLE_TYPE_WITH_NULL_VALUE');
    const wide = { ...mixed, id: 7 };
    expect(expectCode(() => codec.encode('Mixed', wide), 'INVALID_VALUE').message).toContain(
      'bigint',
    );
  });

  it('accepts a fully qualified or a bare type name and reports unknown names', () => {
    expect(codec.encode('test.wire/Inner', inner).bytes).toEqual(
      codec.encode('Inner', inner).bytes,
    );
    expect(() => codec.encode('Nope', {})).toThrow(/no struct, table, union/);
  });

  it('reuses its buffer without leaking bytes between calls', () => {
    const long = { plain: 'x'.repeat(100), bounded: 'abc', opt: 'z'.repeat(50) };
    codec.encode('Strings', long);
    expect(() => codec.encode('Strings', { ...long, bounded: 'toolong' })).toThrow(FidlError);
    const short = { plain: 'a', bounded: '', opt: null };
    expect(Array.from(codec.encode('Strings', short).bytes)).toEqual([
      ...u64(1),
      ...PRESENT,
      ...u64(0),
      ...PRESENT,
      ...pad(16),
      97,
      ...pad(7),
    ]);
  });
});

describe('re-entrant use', () => {
  it('keeps an outer encode intact when a getter encodes during it', () => {
    const value = {
      get x() {
        codec.encode('Strings', { plain: 'zzzzzzzz', bounded: '', opt: null });
        return 1;
      },
      y: 2,
    };
    const outer = {
      plain: 'abc',
      bounded: '',
      opt: null,
      get unused() {
        return 0;
      },
    };
    expect(Array.from(codec.encode('Inner', value).bytes)).toEqual([1, 0, 0, 0, 2, 0, 0, 0]);
    expect(codec.decode('Strings', codec.encode('Strings', outer).bytes)).toEqual({
      plain: 'abc',
      bounded: '',
      opt: null,
    });
  });
});

describe('strings', () => {
  it('encodes headers first, then bodies in order, padded to 8', () => {
    const out = roundTrip('Strings', { plain: 'hello, world', bounded: 'ab', opt: null });
    expect(Array.from(out.subarray(48))).toEqual([
      ...Array.from(Buffer.from('hello, world')),
      ...pad(4),
      97,
      98,
      ...pad(6),
    ]);
  });

  it('enforces the byte bound, not the UTF-16 length', () => {
    roundTrip('Strings', { plain: '', bounded: 'ééa', opt: '' });
    const err = expectCode(
      () => codec.encode('Strings', { plain: '', bounded: 'ééé', opt: null }),
      'STRING_TOO_LONG',
    );
    expect(err.message).toContain('Strings.bounded: STRING_TOO_LONG: 6 bytes, bound 5');
    expectCode(
      () => codec.validate('Strings', { plain: '', bounded: 'ééé', opt: null }),
      'STRING_TOO_LONG',
    );
  });

  it('rejects lone surrogates on encode and validate, and bad UTF-8 on decode', () => {
    const value = { plain: 'a\ud800b', bounded: '', opt: null };
    expectCode(() => codec.encode('Strings', value), 'STRING_NOT_UTF8');
    expectCode(() => codec.validate('Strings', value), 'STRING_NOT_UTF8');
    roundTrip('Strings', { plain: '\u{1F642} ok', bounded: '\ufeff', opt: null });
    const out = codec.encode('Strings', { plain: 'ab', bounded: '', opt: null }).bytes;
    out[48] = 0xc0;
    out[49] = 0x80;
    expectCode(() => codec.decode('Strings', out), 'STRING_NOT_UTF8');
  });

  it('checks the decode order: presence, null body, null value, 32-bit count, bound, size', () => {
    const hdr = (count: number[], presence: number[]) =>
      bytes(count, presence, u64(0), PRESENT, pad(16));
    expectCode(
      () => codec.decode('Strings', hdr(u64(1), [1, ...pad(7)])),
      'INVALID_PRESENCE_INDICATOR',
    );
    expectCode(
      () => codec.decode('Strings', hdr(u64(1), pad(8))),
      'NON_EMPTY_STRING_WITH_NULL_BODY',
    );
    expectCode(
      () => codec.decode('Strings', hdr(u64(0), pad(8))),
      'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
    );
    expectCode(
      () => codec.decode('Strings', hdr([0, 0, 0, 0, 1, 0, 0, 0], PRESENT)),
      'STRING_COUNT_EXCEEDS_32_BIT_LIMIT',
    );
    expectCode(() => codec.decode('Strings', hdr(u64(9), PRESENT)), 'TOO_FEW_BYTES');
    const tooLong = bytes(u64(0), PRESENT, u64(6), PRESENT, pad(16), pad(8));
    expectCode(() => codec.decode('Strings', tooLong), 'STRING_TOO_LONG');
  });
});

describe('vectors and arrays', () => {
  const vectors = {
    bytes: Uint8Array.of(1, 2, 3),
    bounded: [1, 2, 3],
    strs: ['ab', '', 'abcd'],
    opt: null,
    nested: [Uint8Array.of(9), new Uint8Array(0)],
    structs: [inner, { x: 3, y: 4 }],
  };

  it('round-trips, with Uint8Array for bytes and arrays otherwise', () => {
    roundTrip('Vectors', vectors);
    roundTrip('Vectors', { ...vectors, opt: [1n, -1n], bounded: [] });
    roundTrip('Arrays', {
      bytes: Uint8Array.of(1, 2, 3),
      ints: [-1, 2],
      inners: [inner, inner],
      strs: ['a', null],
    });
  });

  it('accepts number arrays for bytes on encode', () => {
    const a = codec.encode('Vectors', { ...vectors, bytes: [1, 2, 3] }).bytes;
    expect(a).toEqual(codec.encode('Vectors', vectors).bytes);
  });

  it('enforces bounds and array lengths with paths', () => {
    const err = expectCode(
      () => codec.encode('Vectors', { ...vectors, bounded: [1, 2, 3, 4] }),
      'COUNT_EXCEEDS_LIMIT',
    );
    expect(err.path).toBe('Vectors.bounded');
    expect(
      expectCode(
        () => codec.encode('Vectors', { ...vectors, strs: ['ok', 'toolong'] }),
        'STRING_TOO_LONG',
      ).path,
    ).toBe('Vectors.strs[1]');
    expectCode(
      () =>
        codec.encode('Arrays', {
          bytes: Uint8Array.of(1),
          ints: [1, 2],
          inners: [inner, inner],
          strs: [null, null],
        }),
      'INVALID_VALUE',
    );
    expect(
      expectCode(
        () => codec.encode('Vectors', { ...vectors, structs: [inner, { x: -1, y: 0 }] }),
        'INVALID_VALUE',
      ).path,
    ).toBe('Vectors.structs[1].x');
  });
});

describe('unions', () => {
  it('inlines payloads of at most 4 bytes and puts the rest out of line', () => {
    const small = codec.encode('Un', { $tag: 'small', small: { a: 1, b: 2 } }).bytes;
    expect(Array.from(small)).toEqual([5, ...pad(7), 1, 2, 0, 0, 0, 0, 1, 0]);
    const big = codec.encode('Un', { $tag: 'inner', inner }).bytes;
    expect(Array.from(big)).toEqual([3, ...pad(7), 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    const empty = codec.encode('Un', { $tag: 'empty', empty: {} }).bytes;
    expect(Array.from(empty)).toEqual([4, ...pad(7), 0, 0, 0, 0, 0, 0, 1, 0]);
    for (const v of [
      { $tag: 'i', i: -1 },
      { $tag: 's', s: 'str' },
      { $tag: 'node', node: { value: 1, next: null } },
      { $tag: 'node', node: null },
    ]) {
      roundTrip('Un', v);
    }
  });

  it('reports unset, unknown and bad tags', () => {
    expectCode(() => codec.encode('Un', {}), 'UNION_FIELD_NOT_SET');
    expectCode(
      () => codec.encode('Un', { $tag: '$unknown', ordinal: 9n }),
      'FLEXIBLE_UNION_UNKNOWN_FIELD',
    );
    expectCode(
      () => codec.validate('Un', { $tag: '$unknown', ordinal: 9n }),
      'FLEXIBLE_UNION_UNKNOWN_FIELD',
    );
    expectCode(() => codec.encode('Un', { $tag: 'nope' }), 'INVALID_VALUE');
    expectCode(
      () => codec.encode('Mixed', { ...mixed, un: null }),
      'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
    );
  });

  it('decodes an unknown flexible variant to its ordinal and skips the payload', () => {
    const unknown = bytes(99, pad(7), 16, 0, 0, 0, 0, 0, 0, 0, pad(16));
    expect(codec.decode('Un', unknown)).toEqual({ $tag: '$unknown', ordinal: 99n });
    const inlineUnknown = bytes(99, pad(7), 1, 2, 3, 4, 0, 0, 1, 0);
    expect(codec.decode('Un', inlineUnknown)).toEqual({ $tag: '$unknown', ordinal: 99n });
    expectCode(() => codec.decode('StrictUn', unknown), 'STRICT_UNION_UNKNOWN_FIELD');
  });

  it('checks envelopes', () => {
    const inline = (flags: number[], value = [1, 0, 0, 0], handles = [0, 0]) =>
      bytes(1, pad(7), value, handles, flags);
    expect(codec.decode('Un', inline([1, 0]))).toEqual({ $tag: 'i', i: 1 });
    expectCode(() => codec.decode('Un', inline([0, 1])), 'INVALID_INLINE_MARKER_IN_ENVELOPE');
    expectCode(() => codec.decode('Un', inline([1, 0], [1, 1, 0, 0])), 'INVALID_PADDING_BYTE');
    expectCode(
      () => codec.decode('Un', inline([1, 0], [1, 0, 0, 0], [1, 0])),
      'INVALID_NUM_HANDLES_IN_ENVELOPE',
    );
    expectCode(
      () => codec.decode('Un', inline([0, 0], [8, 0, 0, 0])),
      'INVALID_INLINE_BIT_IN_ENVELOPE',
    );
    expectCode(
      () => codec.decode('Un', inline([0, 0], [3, 0, 0, 0])),
      'INVALID_NUM_BYTES_IN_ENVELOPE',
    );
    const wrongCount = bytes(3, pad(7), 16, 0, 0, 0, 0, 0, 0, 0, 1, pad(7), pad(8));
    expectCode(() => codec.decode('Un', wrongCount), 'INVALID_NUM_BYTES_IN_ENVELOPE');
    expectCode(
      () => codec.decode('Un', bytes(0, pad(7), 1, pad(3), 0, 0, 1, 0)),
      'UNION_FIELD_NOT_SET',
    );
    expectCode(() => codec.decode('Un', bytes(pad(16))), 'NON_NULLABLE_TYPE_WITH_NULL_VALUE');
    expectCode(
      () => codec.decode('Un', bytes(99, pad(7), 24, 0, 0, 0, 0, 0, 0, 0, pad(16))),
      'ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH',
    );
  });
});

describe('tables', () => {
  it('writes max_ordinal = highest present member, zero envelopes for gaps', () => {
    const out = roundTrip('Tbl', { a: 7, inner });
    expect(Array.from(out)).toEqual([
      ...u64(4),
      ...PRESENT,
      7,
      0,
      0,
      0,
      0,
      0,
      1,
      0, // 1: a, inline
      ...pad(8), // 2: reserved
      ...pad(8), // 3: absent
      8,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // 4: inner, 8 bytes out of line
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
    ]);
    expect(Array.from(roundTrip('Tbl', {}))).toEqual([...u64(0), ...PRESENT]);
    roundTrip('Tbl', {
      s: 'x',
      un: { $tag: 's', s: 'y' },
      child: { child: { big: -5n } },
      big: 1n,
    });
  });

  it('treats undefined and null members as absent', () => {
    expect(codec.encode('Tbl', { a: 1, s: undefined, big: null }).bytes).toEqual(
      codec.encode('Tbl', { a: 1 }).bytes,
    );
  });

  it('skips unknown and reserved ordinals on decode', () => {
    const withReserved = bytes(
      u64(2),
      PRESENT,
      7,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      8,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      u64(5),
    );
    expect(codec.decode('Tbl', withReserved)).toEqual({ a: 7 });
    const trailing = bytes(u64(9), PRESENT, pad(64), 1, 0, 0, 0, 0, 0, 1, 0);
    expect(codec.decode('Tbl', trailing)).toEqual({});
  });

  it('checks presence and the 32-bit count', () => {
    expectCode(() => codec.decode('Tbl', bytes(pad(16))), 'NON_NULLABLE_TYPE_WITH_NULL_VALUE');
    expectCode(() => codec.decode('Tbl', bytes(pad(8), 1, pad(7))), 'INVALID_PRESENCE_INDICATOR');
    expectCode(
      () => codec.decode('Tbl', bytes(pad(4), 1, pad(3), PRESENT)),
      'TABLE_COUNT_EXCEEDS_32_BIT_LIMIT',
    );
    expectCode(() => codec.decode('Tbl', bytes(u64(3), PRESENT, pad(8))), 'TOO_FEW_BYTES');
    expectCode(
      () => codec.decode('Tbl', bytes(u64(9), PRESENT, pad(64), 1, 0, 0, 0, 1, 0, 1, 0)),
      'NON_RESOURCE_UNKNOWN_HANDLES',
    );
  });
});

describe('enums and bits', () => {
  const enums = { color: 1, flex: 1234, big: 1n << 63n, flags: 5, wide: 3n };
  it('round-trips members and, when flexible, unknown values', () => {
    roundTrip('Enums', enums);
  });
  it('rejects unknown values of strict enums and bits on encode, validate and decode', () => {
    expectCode(() => codec.encode('Enums', { ...enums, color: 3 }), 'STRICT_ENUM_UNKNOWN_VALUE');
    expectCode(() => codec.validate('Enums', { ...enums, big: 1n }), 'STRICT_ENUM_UNKNOWN_VALUE');
    expectCode(() => codec.encode('Enums', { ...enums, flags: 2 }), 'STRICT_BITS_UNKNOWN_BIT');
    const out = codec.encode('Enums', enums).bytes;
    out[0] = 3;
    expectCode(() => codec.decode('Enums', out), 'STRICT_ENUM_UNKNOWN_VALUE');
  });
});

describe('boxes and the depth limit', () => {
  const chain = (n: number): unknown => {
    let v: unknown = null;
    for (let i = 0; i < n; i++) v = { value: i, next: v };
    return v;
  };

  it('allows objects up to depth 32 and rejects depth 33 in every direction', () => {
    const ok = roundTrip('Node', chain(33));
    expect(ok.length).toBe(33 * 16);
    expectCode(() => codec.encode('Node', chain(34)), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    expectCode(() => codec.validate('Node', chain(34)), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    // Append one more link by hand: the last `next` becomes present.
    const deeper = bytes(Array.from(ok), pad(16));
    deeper.set(PRESENT, ok.length - 8);
    expectCode(() => codec.decode('Node', deeper), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
  });

  it('counts a table as two levels', () => {
    // Table k (k = 0 at the top) sits at depth 2k and its envelope array at 2k + 1.
    const nest = (inner: Record<string, unknown>, levels: number): Record<string, unknown> => {
      let t = inner;
      for (let i = 1; i < levels; i++) t = { child: t };
      return t;
    };
    roundTrip('Tbl', nest({ a: 1 }, 16)); // innermost envelope array at depth 31
    roundTrip('Tbl', nest({ s: 'x' }, 15)); // string header at 30, body at 31
    expectCode(() => codec.encode('Tbl', nest({ a: 1 }, 17)), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    expectCode(() => codec.encode('Tbl', nest({ s: 'x' }, 16)), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    const deep = nest({ un: { $tag: 's', s: 'x' } }, 16); // union at 32, its string header at 33
    expectCode(() => codec.encode('Tbl', deep), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    expectCode(() => codec.validate('Tbl', deep), 'EXCEEDED_MAX_OUT_OF_LINE_DEPTH');
    roundTrip('Tbl', nest({ un: { $tag: 'i', i: 1 } }, 16)); // union at 32, inline payload
  });

  it('checks box presence markers', () => {
    expectCode(() => codec.decode('Node', bytes(pad(8), 2, pad(7))), 'INVALID_PRESENCE_INDICATOR');
  });
});

describe('a struct of everything', () => {
  it('round-trips', () => {
    roundTrip('Mixed', mixed);
    roundTrip('Mixed', {
      ...mixed,
      optUn: { $tag: 'node', node: { value: 3, next: null } },
      boxed: null,
    });
  });
  it('names the failing member in the message', () => {
    const err = expectCode(
      () => codec.encode('Mixed', { ...mixed, table: { child: { s: 'way too long' } } }),
      'STRING_TOO_LONG',
    );
    expect(err.path).toBe('Mixed.table.child.s');
    expect(err.message).toMatch(
      /^ZX_ERR_INVALID_ARGS: encode Mixed\.table\.child\.s: STRING_TOO_LONG: 12 bytes, bound 8/,
    );
  });
});
