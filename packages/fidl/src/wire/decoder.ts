/**
 * Wire format V2 decoder: one closure per type, built once from the IR and
 * cached. Each closure `(dec, offset, depth)` reads the inline part at
 * `offset` and claims out-of-line objects in traversal order. The checks and
 * their order follow fidl.md 2.2-2.8, so that malformed input fails with the
 * error code the GIDL conformance suite expects.
 */
import type { Handle } from '@fdf/zx';
import type { IrType } from '../ir/types.js';
import { checkHandleKind, enumCheck, bitsCheck } from './checks.js';
import { CompileCache } from './compileCache.js';
import { generateStructDecoder, generateVariant } from './codegen.js';
import { FidlError, depthError, withSegment, type FidlErrorCode } from './errors.js';
import { MAX_DEPTH, align8, type TypeRegistry } from './layout.js';
import { f32, f64, i16, i32, i64, u16, u32, u64 } from './read.js';
import { readUtf8 } from './utf8.js';

export type DecodeFn = (dec: DecodeState, offset: number, depth: number) => unknown;

const ALL_ONES = 0xffffffff;

export function decodeError(code: FidlErrorCode, detail: string): FidlError {
  return new FidlError(code, 'decode', detail);
}

export class DecodeState {
  bytes: Uint8Array = new Uint8Array(0);
  /** Where the next out-of-line object must start. */
  next = 0;
  handles: readonly Handle[] = [];
  /** Index of the next handle to take. */
  handleIndex = 0;
  /**
   * Handles of unknown members, closed once decoding succeeded: closing runs
   * handle code, which must not run while this state is in use.
   */
  dropped: Handle[] = [];
  /** True while a decode uses this state; a nested decode gets its own. */
  busy = false;

  init(bytes: Uint8Array, handles: readonly Handle[]): void {
    this.bytes = bytes;
    this.handles = handles;
    this.handleIndex = 0;
    this.next = 0;
    this.dropped = [];
    this.busy = true;
  }

  /** Forgets the message; returns the handles of unknown members to close. */
  release(): Handle[] {
    const dropped = this.dropped;
    this.bytes = EMPTY;
    this.handles = [];
    this.dropped = [];
    this.busy = false;
    return dropped;
  }

  /** Claims the next out-of-line object: depth, bounds, then zero padding up to 8. */
  claim(size: number, depth: number): number {
    if (depth > MAX_DEPTH) throw depthError('decode', depth);
    const off = this.next;
    const end = off + align8(size);
    if (end > this.bytes.length) {
      throw decodeError(
        'TOO_FEW_BYTES',
        `an out-of-line object of ${size} bytes at offset ${off} runs past the end of the ${this.bytes.length}-byte message`,
      );
    }
    this.checkZero(off + size, end);
    this.next = end;
    return off;
  }

  /** Bytes [from, to) must be zero padding. */
  checkZero(from: number, to: number): void {
    const b = this.bytes;
    for (let i = from; i < to; i++) {
      if (b[i] !== 0) {
        throw decodeError(
          'INVALID_PADDING_BYTE',
          `padding byte at offset ${i} is 0x${b[i]!.toString(16)}, must be 0`,
        );
      }
    }
  }

  takeHandle(): Handle {
    const h = this.handles[this.handleIndex];
    if (h === undefined) {
      throw decodeError(
        'TOO_FEW_HANDLES',
        `the bytes reference handle #${this.handleIndex} but the message carries ${this.handles.length}`,
      );
    }
    this.handleIndex++;
    return h;
  }

  /** Reads a u64 presence marker: true (~0), false (0), or throws. */
  presence(off: number): boolean {
    const lo = u32(this.bytes, off);
    const hi = u32(this.bytes, off + 4);
    if (lo === 0 && hi === 0) return false;
    if (lo === ALL_ONES && hi === ALL_ONES) return true;
    throw decodeError(
      'INVALID_PRESENCE_INDICATOR',
      `presence marker at offset ${off} is 0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}, must be 0 or all ones`,
    );
  }
}

const EMPTY = new Uint8Array(0);

interface EnvelopeEntry {
  ordinal: number;
  key: string;
  inline: boolean;
  size: number;
  dec: DecodeFn;
  /** Builds `{ $tag: key, [key]: value }` (unions). */
  variant: (value: unknown) => unknown;
}

/** Envelope header checks shared by tables and unions; returns false for a zero envelope. */
function envelopePresent(dec: DecodeState, off: number): boolean {
  const b = dec.bytes;
  const numBytes = u32(b, off);
  const numHandles = u16(b, off + 4);
  const flags = u16(b, off + 6);
  if (flags > 1) {
    throw decodeError(
      'INVALID_INLINE_MARKER_IN_ENVELOPE',
      `envelope flags at offset ${off + 6} are 0x${flags.toString(16)}, must be 0 or 1`,
    );
  }
  if (flags === 0) {
    if (numBytes % 8 !== 0) {
      throw decodeError(
        'INVALID_NUM_BYTES_IN_ENVELOPE',
        `envelope at offset ${off} claims ${numBytes} bytes, not a multiple of 8`,
      );
    }
    if (numBytes === 0 && numHandles === 0) return false;
  }
  return true;
}

/** Handle count checks of a present envelope (fidl.md 2.4 step 4). */
function checkEnvelopeHandles(
  dec: DecodeState,
  off: number,
  known: boolean,
  resource: boolean,
): number {
  const numHandles = u16(dec.bytes, off + 4);
  if (numHandles === 0) return 0;
  if (!resource) {
    throw known
      ? decodeError(
          'INVALID_NUM_HANDLES_IN_ENVELOPE',
          `envelope of a value type claims ${numHandles} handles`,
        )
      : decodeError(
          'NON_RESOURCE_UNKNOWN_HANDLES',
          `unknown member of a value type carries ${numHandles} handles`,
        );
  }
  const remaining = dec.handles.length - dec.handleIndex;
  if (numHandles > remaining) {
    throw decodeError(
      'ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH',
      `envelope claims ${numHandles} handles, ${remaining} remain in the message`,
    );
  }
  return numHandles;
}

/** Decodes a known member's envelope at `off`; `depth` is the depth of the envelope. */
function decodeKnownEnvelope(
  dec: DecodeState,
  m: EnvelopeEntry,
  off: number,
  depth: number,
  resource: boolean,
): unknown {
  const numHandles = checkEnvelopeHandles(dec, off, true, resource);
  const inline = u16(dec.bytes, off + 6) === 1;
  if (inline !== m.inline) {
    throw decodeError(
      'INVALID_INLINE_BIT_IN_ENVELOPE',
      `member is ${m.size} bytes, so its envelope must be ${m.inline ? 'inline' : 'out of line'}`,
    );
  }
  const handlesBefore = dec.handleIndex;
  let value: unknown;
  if (inline) {
    value = m.dec(dec, off, depth + 1);
    dec.checkZero(off + m.size, off + 4);
  } else {
    const numBytes = u32(dec.bytes, off);
    const start = dec.next;
    const body = dec.claim(m.size, depth + 1);
    value = m.dec(dec, body, depth + 1);
    if (dec.next - start !== numBytes) {
      throw decodeError(
        'INVALID_NUM_BYTES_IN_ENVELOPE',
        `envelope claims ${numBytes} bytes, its payload used ${dec.next - start}`,
      );
    }
  }
  if (dec.handleIndex - handlesBefore !== numHandles) {
    throw decodeError(
      'INVALID_NUM_HANDLES_IN_ENVELOPE',
      `envelope claims ${numHandles} handles, its payload used ${dec.handleIndex - handlesBefore}`,
    );
  }
  return value;
}

/** Skips an unknown member's payload and closes its handles (fidl.md 2.4 step 7). */
function skipUnknownEnvelope(
  dec: DecodeState,
  off: number,
  depth: number,
  resource: boolean,
): void {
  const numHandles = checkEnvelopeHandles(dec, off, false, resource);
  const inline = u16(dec.bytes, off + 6) === 1;
  if (!inline) {
    const numBytes = u32(dec.bytes, off);
    if (numBytes > 0) {
      if (depth + 1 > MAX_DEPTH) throw depthError('decode', depth + 1);
      if (dec.next + numBytes > dec.bytes.length) {
        throw decodeError(
          'ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH',
          `unknown envelope claims ${numBytes} bytes, ${dec.bytes.length - dec.next} remain`,
        );
      }
      dec.next += numBytes;
    }
  }
  for (let i = 0; i < numHandles; i++) dec.dropped.push(dec.takeHandle());
}

export class DecoderCompiler {
  private readonly structs = new CompileCache<DecodeFn>();
  private readonly named = new CompileCache<DecodeFn>();

  constructor(private readonly reg: TypeRegistry) {}

  forType(type: IrType): DecodeFn {
    switch (type.kind) {
      case 'primitive':
        return primitiveDecoder(type.subtype);
      case 'internal':
        return primitiveDecoder('int32');
      case 'string':
        return stringDecoder(type.maxLength, type.nullable);
      case 'vector':
        return this.vector(type);
      case 'array':
        return this.array(type);
      case 'handle':
      case 'endpoint':
        return handleDecoder(type);
      case 'identifier': {
        const id = type.identifier;
        switch (type.declKind) {
          case 'struct':
            return type.nullable ? this.box(id) : this.structInline(id);
          case 'table':
            return this.named.get(`table:${id}`, () => this.table(id));
          case 'union':
            return this.named.get(`union:${id}:${type.nullable}`, () =>
              this.union(id, type.nullable),
            );
          case 'enum':
            return this.named.get(`enum:${id}`, () => {
              const decl = this.reg.enumDecl(id);
              return checkedScalar(primitiveDecoder(decl.subtype), enumCheck(decl, 'decode'));
            });
          case 'bits':
            return this.named.get(`bits:${id}`, () => {
              const decl = this.reg.bits(id);
              return checkedScalar(primitiveDecoder(decl.subtype), bitsCheck(decl, 'decode'));
            });
        }
      }
    }
  }

  structInline(fqn: string): DecodeFn {
    return this.structs.get(fqn, () => {
      const layout = this.reg.structLayout(fqn);
      if (layout.fields.length === 0) {
        return (dec, off) => {
          if (dec.bytes[off] !== 0) {
            throw decodeError(
              'INVALID_EMPTY_STRUCT',
              `empty struct byte at offset ${off} is ${dec.bytes[off]}, must be 0`,
            );
          }
          return {};
        };
      }
      const fields = layout.fields.map((f) => ({
        key: f.key,
        offset: f.offset,
        fn: this.forType(f.type),
      }));
      return generateStructDecoder(fields, layout.padding);
    });
  }

  private box(fqn: string): DecodeFn {
    return this.named.get(`box:${fqn}`, () => {
      const inline = this.structInline(fqn);
      const size = this.reg.structLayout(fqn).size;
      return (dec, off, depth) => {
        if (!dec.presence(off)) return null;
        const body = dec.claim(size, depth + 1);
        return inline(dec, body, depth + 1);
      };
    });
  }

  private vector(type: IrType & { kind: 'vector' }): DecodeFn {
    const { maxCount, nullable, elementType } = type;
    const bytes = elementType.kind === 'primitive' && elementType.subtype === 'uint8';
    const elemSize = this.reg.size(elementType);
    const elem = this.forType(elementType);
    return (dec, off, depth) => {
      const countLo = u32(dec.bytes, off);
      const countHi = u32(dec.bytes, off + 4);
      if (!dec.presence(off + 8)) {
        if (countLo !== 0 || countHi !== 0) {
          throw decodeError(
            'NON_EMPTY_VECTOR_WITH_NULL_BODY',
            `absent vector has count ${countHi * 2 ** 32 + countLo}`,
          );
        }
        if (!nullable)
          throw decodeError('NON_NULLABLE_TYPE_WITH_NULL_VALUE', 'vector is required but absent');
        return null;
      }
      if (countHi !== 0) {
        throw decodeError(
          'VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT',
          `vector count ${countHi * 2 ** 32 + countLo} exceeds 2^32-1`,
        );
      }
      const n = countLo;
      if (maxCount !== null && n > maxCount) {
        throw decodeError('COUNT_EXCEEDS_LIMIT', `${n} elements, bound ${maxCount}`);
      }
      if (n === 0) return bytes ? new Uint8Array(0) : [];
      const body = dec.claim(n * elemSize, depth + 1);
      if (bytes) return dec.bytes.slice(body, body + n);
      return decodeElements(dec, n, elem, elemSize, body, depth + 1);
    };
  }

  private array(type: IrType & { kind: 'array' }): DecodeFn {
    const { elementCount, elementType } = type;
    const elemSize = this.reg.size(elementType);
    if (elementType.kind === 'primitive' && elementType.subtype === 'uint8') {
      return (dec, off) => dec.bytes.slice(off, off + elementCount);
    }
    const elem = this.forType(elementType);
    return (dec, off, depth) => decodeElements(dec, elementCount, elem, elemSize, off, depth);
  }

  private envelopeEntries(fqn: string, kind: 'table' | 'union'): EnvelopeEntry[] {
    const decl = kind === 'table' ? this.reg.table(fqn) : this.reg.union(fqn);
    return this.reg.envelopeMembers(decl).map((m) => {
      const size = this.reg.size(m.type);
      return {
        ordinal: m.ordinal,
        key: m.key,
        size,
        inline: size <= 4,
        dec: this.forType(m.type),
        variant: generateVariant(m.key),
      };
    });
  }

  private table(fqn: string): DecodeFn {
    const decl = this.reg.table(fqn);
    const resource = decl.resource;
    const entries = this.envelopeEntries(fqn, 'table');
    const byOrdinal: Array<EnvelopeEntry | undefined> = [];
    for (const e of entries) byOrdinal[e.ordinal] = e;
    return (dec, off, depth) => {
      const maxLo = u32(dec.bytes, off);
      const maxHi = u32(dec.bytes, off + 4);
      if (!dec.presence(off + 8)) {
        throw decodeError(
          'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
          `table ${decl.name} is absent; tables are never optional`,
        );
      }
      if (maxHi !== 0) {
        throw decodeError(
          'TABLE_COUNT_EXCEEDS_32_BIT_LIMIT',
          `table max ordinal ${maxHi * 2 ** 32 + maxLo} exceeds 2^32-1`,
        );
      }
      const out: Record<string, unknown> = {};
      if (maxLo === 0) return out;
      const envelopes = dec.claim(maxLo * 8, depth + 1);
      let ordinal = 1;
      try {
        for (; ordinal <= maxLo; ordinal++) {
          const at = envelopes + (ordinal - 1) * 8;
          if (!envelopePresent(dec, at)) continue;
          const m = byOrdinal[ordinal];
          if (m === undefined) skipUnknownEnvelope(dec, at, depth + 1, resource);
          else out[m.key] = decodeKnownEnvelope(dec, m, at, depth + 1, resource);
        }
      } catch (err) {
        throw withSegment(err, `.${byOrdinal[ordinal]?.key ?? `#${ordinal}`}`);
      }
      return out;
    };
  }

  private union(fqn: string, nullable: boolean): DecodeFn {
    const decl = this.reg.union(fqn);
    const { resource, strict } = decl;
    const entries = this.envelopeEntries(fqn, 'union');
    const byOrdinal = new Map(entries.map((e) => [e.ordinal, e]));
    return (dec, off, depth) => {
      const ordLo = u32(dec.bytes, off);
      const ordHi = u32(dec.bytes, off + 4);
      const present = envelopePresent(dec, off + 8);
      if (ordLo === 0 && ordHi === 0) {
        if (present)
          throw decodeError(
            'UNION_FIELD_NOT_SET',
            `union ${decl.name} has ordinal 0 but a non-empty envelope`,
          );
        if (!nullable)
          throw decodeError(
            'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
            `union ${decl.name} is required but absent`,
          );
        return null;
      }
      if (!present) {
        throw decodeError(
          'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
          `union ${decl.name} variant ${ordHi * 2 ** 32 + ordLo} has an empty envelope`,
        );
      }
      const m = ordHi === 0 ? byOrdinal.get(ordLo) : undefined;
      if (m === undefined) {
        const ordinal = (BigInt(ordHi) << 32n) | BigInt(ordLo);
        if (strict) {
          throw decodeError(
            'STRICT_UNION_UNKNOWN_FIELD',
            `ordinal ${ordinal} is not a variant of strict union ${decl.name}`,
          );
        }
        skipUnknownEnvelope(dec, off + 8, depth, resource);
        return { $tag: '$unknown', ordinal };
      }
      try {
        return m.variant(decodeKnownEnvelope(dec, m, off + 8, depth, resource));
      } catch (err) {
        throw withSegment(err, `.${m.key}`);
      }
    };
  }
}

function decodeElements(
  dec: DecodeState,
  n: number,
  elem: DecodeFn,
  elemSize: number,
  base: number,
  depth: number,
): unknown[] {
  const out = new Array<unknown>(n);
  let i = 0;
  try {
    for (; i < n; i++) out[i] = elem(dec, base + i * elemSize, depth);
  } catch (err) {
    throw withSegment(err, `[${i}]`);
  }
  return out;
}

function checkedScalar(read: DecodeFn, check: (v: unknown) => void): DecodeFn {
  return (dec, off, depth) => {
    const v = read(dec, off, depth);
    check(v);
    return v;
  };
}

const primitiveDecoders: Record<string, DecodeFn> = {
  bool: (dec, off) => {
    const b = dec.bytes[off]!;
    if (b > 1)
      throw decodeError('INVALID_BOOLEAN', `boolean at offset ${off} is ${b}, must be 0 or 1`);
    return b === 1;
  },
  int8: (dec, off) => (dec.bytes[off]! << 24) >> 24,
  uint8: (dec, off) => dec.bytes[off],
  int16: (dec, off) => i16(dec.bytes, off),
  uint16: (dec, off) => u16(dec.bytes, off),
  int32: (dec, off) => i32(dec.bytes, off),
  uint32: (dec, off) => u32(dec.bytes, off),
  int64: (dec, off) => i64(dec.bytes, off),
  uint64: (dec, off) => u64(dec.bytes, off),
  float32: (dec, off) => f32(dec.bytes, off),
  float64: (dec, off) => f64(dec.bytes, off),
};

export function primitiveDecoder(subtype: string): DecodeFn {
  const fn = primitiveDecoders[subtype];
  if (fn === undefined)
    throw decodeError('INVALID_VALUE', `unknown primitive subtype '${subtype}' in the IR`);
  return fn;
}

function stringDecoder(maxLength: number | null, nullable: boolean): DecodeFn {
  return (dec, off, depth) => {
    const countLo = u32(dec.bytes, off);
    const countHi = u32(dec.bytes, off + 4);
    if (!dec.presence(off + 8)) {
      if (countLo !== 0 || countHi !== 0) {
        throw decodeError(
          'NON_EMPTY_STRING_WITH_NULL_BODY',
          `absent string has count ${countHi * 2 ** 32 + countLo}`,
        );
      }
      if (!nullable)
        throw decodeError('NON_NULLABLE_TYPE_WITH_NULL_VALUE', 'string is required but absent');
      return null;
    }
    if (countHi !== 0) {
      throw decodeError(
        'STRING_COUNT_EXCEEDS_32_BIT_LIMIT',
        `string count ${countHi * 2 ** 32 + countLo} exceeds 2^32-1`,
      );
    }
    const n = countLo;
    // The bound comes before the body is claimed (suite case StringWithLimitInVectorExceedsLimit).
    if (maxLength !== null && n > maxLength) {
      throw decodeError('STRING_TOO_LONG', `${n} bytes, bound ${maxLength}`);
    }
    if (n === 0) return '';
    const body = dec.claim(n, depth + 1);
    const s = readUtf8(dec.bytes, body, n);
    if (s === null)
      throw decodeError('STRING_NOT_UTF8', `the ${n} bytes at offset ${body} are not valid UTF-8`);
    return s;
  };
}

function handleDecoder(type: IrType & { kind: 'handle' | 'endpoint' }): DecodeFn {
  const nullable = type.nullable;
  return (dec, off) => {
    const p = u32(dec.bytes, off);
    if (p === 0) {
      if (nullable) return null;
      throw decodeError('NON_NULLABLE_TYPE_WITH_NULL_VALUE', 'handle is required but absent');
    }
    if (p !== ALL_ONES) {
      throw decodeError(
        'INVALID_HANDLE_PRESENCE_INDICATOR',
        `handle presence at offset ${off} is 0x${p.toString(16)}, must be 0 or 0xffffffff`,
      );
    }
    const h = dec.takeHandle();
    checkHandleKind(type, h, 'decode');
    return h;
  };
}
