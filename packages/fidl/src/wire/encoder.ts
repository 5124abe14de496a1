/**
 * Wire format V2 encoder: one closure per type, built once from the IR and
 * cached, writing into a growable buffer that is reused between calls.
 *
 * Each closure has the shape `(enc, value, offset, depth)`: it writes the
 * inline part of `value` at `offset` and appends out-of-line objects at
 * `enc.end` immediately, so objects land in depth-first traversal order
 * (fidl.md 2.1). `depth` is the depth of the object holding the inline part.
 *
 * The buffer is all zeros between calls: padding and absent values need no
 * writes, and after each call the used range is zeroed again.
 */
import type { Handle } from '@fdf/zx';
import type { IrType } from '../ir/types.js';
import {
  bitsCheck,
  checkOutgoingHandle,
  enumCheck,
  invalidValue,
  primitiveCheck,
} from './checks.js';
import { CompileCache } from './compileCache.js';
import { generateStructEncoder } from './codegen.js';
import { FidlError, depthError, withSegment } from './errors.js';
import { MAX_DEPTH, align8, type TypeRegistry } from './layout.js';
import { writeUtf8 } from './utf8.js';

export type EncodeFn = (enc: EncodeBuffer, value: unknown, offset: number, depth: number) => void;

const PRESENT = 0xffffffff;

export class EncodeBuffer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  /** End of the last object: where the next out-of-line object goes. */
  end = 0;
  /** Highest offset written past `end` (a string that failed its checks). */
  dirty = 0;
  handles: Handle[] = [];
  /** True while an encode uses this buffer; a nested encode gets its own. */
  busy = false;

  /** Starts a message whose primary object of `size` bytes is at `start`. */
  begin(start: number, size: number): void {
    this.end = start + align8(size);
    this.ensure(this.end);
    this.handles = [];
  }

  /** Claims a zeroed out-of-line object of `size` bytes (padded to 8) at depth `depth`. */
  alloc(size: number, depth: number): number {
    if (depth > MAX_DEPTH) throw depthError('encode', depth);
    const off = this.end;
    const end = off + align8(size);
    if (end > this.buf.length) this.ensure(end);
    this.end = end;
    return off;
  }

  ensure(capacity: number): void {
    if (capacity <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < capacity) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  writePresence(offset: number): void {
    this.view.setUint32(offset, PRESENT, true);
    this.view.setUint32(offset + 4, PRESENT, true);
  }

  /** Copies out [start, end) and zeroes what was used, restoring the invariant. */
  finish(start: number): Uint8Array {
    const out = this.buf.slice(start, this.end);
    this.reset();
    return out;
  }

  reset(): void {
    this.buf.fill(0, 0, Math.max(this.end, this.dirty));
    this.end = 0;
    this.dirty = 0;
    this.busy = false;
  }
}

function nullError(what: string): FidlError {
  return new FidlError(
    'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
    'encode',
    `${what} is required but the value is null or missing`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

interface EnvelopeEntry {
  ordinal: number;
  key: string;
  inline: boolean;
  size: number;
  enc: EncodeFn;
}

export class EncoderCompiler {
  private readonly structs = new CompileCache<EncodeFn>();
  private readonly named = new CompileCache<EncodeFn>();

  constructor(private readonly reg: TypeRegistry) {}

  forType(type: IrType): EncodeFn {
    switch (type.kind) {
      case 'primitive':
        return primitiveEncoder(type.subtype);
      case 'internal':
        return primitiveEncoder('int32');
      case 'string':
        return stringEncoder(type.maxLength, type.nullable);
      case 'vector':
        return this.vector(type);
      case 'array':
        return this.array(type);
      case 'handle':
      case 'endpoint':
        return handleEncoder(type);
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
              return checkedScalar(enumCheck(decl, 'encode'), primitiveEncoder(decl.subtype));
            });
          case 'bits':
            return this.named.get(`bits:${id}`, () => {
              const decl = this.reg.bits(id);
              return checkedScalar(bitsCheck(decl, 'encode'), primitiveEncoder(decl.subtype));
            });
        }
      }
    }
  }

  structInline(fqn: string): EncodeFn {
    return this.structs.get(fqn, () => {
      const layout = this.reg.structLayout(fqn);
      const fields = layout.fields.map((f) => ({
        key: f.key,
        offset: f.offset,
        fn: this.forType(f.type),
      }));
      const name = layout.decl.name;
      return generateStructEncoder(fields, (v) => {
        throw v === null || v === undefined
          ? nullError(`struct ${name}`)
          : invalidValue('encode', `a ${name} object`, v);
      });
    });
  }

  private box(fqn: string): EncodeFn {
    return this.named.get(`box:${fqn}`, () => {
      const inline = this.structInline(fqn);
      const size = this.reg.structLayout(fqn).size;
      return (enc, v, off, depth) => {
        if (v === null || v === undefined) return;
        enc.writePresence(off);
        const body = enc.alloc(size, depth + 1);
        inline(enc, v, body, depth + 1);
      };
    });
  }

  private vector(type: IrType & { kind: 'vector' }): EncodeFn {
    const { maxCount, nullable, elementType } = type;
    const bytes = elementType.kind === 'primitive' && elementType.subtype === 'uint8';
    const elemSize = this.reg.size(elementType);
    const elem = bytes ? primitiveEncoder('uint8') : this.forType(elementType);
    return (enc, v, off, depth) => {
      if (v === null || v === undefined) {
        if (nullable) return;
        throw nullError('vector');
      }
      if (!Array.isArray(v) && !(bytes && v instanceof Uint8Array)) {
        throw invalidValue('encode', bytes ? 'a Uint8Array' : 'an array', v);
      }
      const arr = v as ArrayLike<unknown>;
      const n = arr.length;
      enc.view.setUint32(off, n, true);
      enc.writePresence(off + 8);
      if (maxCount !== null && n > maxCount) {
        throw new FidlError('COUNT_EXCEEDS_LIMIT', 'encode', `${n} elements, bound ${maxCount}`);
      }
      if (n === 0) return;
      const body = enc.alloc(n * elemSize, depth + 1);
      if (v instanceof Uint8Array) {
        enc.buf.set(v, body);
        return;
      }
      encodeElements(enc, arr, n, elem, elemSize, body, depth + 1);
    };
  }

  private array(type: IrType & { kind: 'array' }): EncodeFn {
    const { elementCount, elementType } = type;
    const bytes = elementType.kind === 'primitive' && elementType.subtype === 'uint8';
    const elemSize = this.reg.size(elementType);
    const elem = this.forType(elementType);
    return (enc, v, off, depth) => {
      if (!Array.isArray(v) && !(bytes && v instanceof Uint8Array)) {
        throw v === null || v === undefined
          ? nullError('array')
          : invalidValue('encode', `an array of ${elementCount}`, v);
      }
      const arr = v as ArrayLike<unknown>;
      if (arr.length !== elementCount) {
        throw invalidValue('encode', `exactly ${elementCount} elements`, `${arr.length} elements`);
      }
      if (v instanceof Uint8Array) {
        enc.buf.set(v, off);
        return;
      }
      encodeElements(enc, arr, elementCount, elem, elemSize, off, depth);
    };
  }

  private envelopeEntries(fqn: string, kind: 'table' | 'union'): EnvelopeEntry[] {
    const decl = kind === 'table' ? this.reg.table(fqn) : this.reg.union(fqn);
    return this.reg.envelopeMembers(decl).map((m) => {
      const size = this.reg.size(m.type);
      return { ordinal: m.ordinal, key: m.key, size, inline: size <= 4, enc: this.forType(m.type) };
    });
  }

  private table(fqn: string): EncodeFn {
    const members = this.envelopeEntries(fqn, 'table');
    const name = this.reg.table(fqn).name;
    return (enc, v, off, depth) => {
      if (!isObject(v)) {
        throw v === null || v === undefined
          ? nullError(`table ${name}`)
          : invalidValue('encode', `a ${name} object`, v);
      }
      // Trailing absent members are not sent: max_ordinal is the highest present one.
      let last = members.length - 1;
      while (last >= 0 && isAbsent(v[members[last]!.key])) last--;
      enc.writePresence(off + 8);
      if (last < 0) return;
      const maxOrdinal = members[last]!.ordinal;
      enc.view.setUint32(off, maxOrdinal, true);
      const envelopes = enc.alloc(maxOrdinal * 8, depth + 1);
      let i = 0;
      try {
        for (; i <= last; i++) {
          const m = members[i]!;
          const x = v[m.key];
          if (isAbsent(x)) continue;
          encodeEnvelope(enc, m, x, envelopes + (m.ordinal - 1) * 8, depth + 1);
        }
      } catch (err) {
        throw withSegment(err, `.${members[i]!.key}`);
      }
    };
  }

  private union(fqn: string, nullable: boolean): EncodeFn {
    const members = this.envelopeEntries(fqn, 'union');
    const byKey = new Map(members.map((m) => [m.key, m]));
    const name = this.reg.union(fqn).name;
    return (enc, v, off, depth) => {
      if (v === null || v === undefined) {
        if (nullable) return;
        throw nullError(`union ${name}`);
      }
      if (!isObject(v)) throw invalidValue('encode', `a ${name} union object { $tag, ... }`, v);
      const tag = v['$tag'];
      if (tag === undefined) {
        throw new FidlError('UNION_FIELD_NOT_SET', 'encode', `union ${name} has no $tag`);
      }
      if (tag === '$unknown') {
        throw new FidlError(
          'FLEXIBLE_UNION_UNKNOWN_FIELD',
          'encode',
          `union ${name} holds an unknown variant (ordinal ${String(v['ordinal'])}) whose payload was dropped`,
        );
      }
      const m = typeof tag === 'string' ? byKey.get(tag) : undefined;
      if (m === undefined) {
        throw invalidValue(
          'encode',
          `a $tag among ${[...byKey.keys()].join(', ')} for union ${name}`,
          tag,
        );
      }
      enc.view.setUint32(off, m.ordinal, true);
      try {
        encodeEnvelope(enc, m, v[m.key], off + 8, depth);
      } catch (err) {
        throw withSegment(err, `.${m.key}`);
      }
    };
  }
}

function isAbsent(x: unknown): boolean {
  return x === undefined || x === null;
}

function encodeElements(
  enc: EncodeBuffer,
  arr: ArrayLike<unknown>,
  n: number,
  elem: EncodeFn,
  elemSize: number,
  base: number,
  depth: number,
): void {
  let i = 0;
  try {
    for (; i < n; i++) elem(enc, arr[i], base + i * elemSize, depth);
  } catch (err) {
    throw withSegment(err, `[${i}]`);
  }
}

/** An envelope at `off`: the value inline when it fits in 4 bytes, else the next object. */
function encodeEnvelope(
  enc: EncodeBuffer,
  m: EnvelopeEntry,
  x: unknown,
  off: number,
  depth: number,
): void {
  const handlesBefore = enc.handles.length;
  if (m.inline) {
    m.enc(enc, x, off, depth + 1);
    enc.view.setUint16(off + 4, enc.handles.length - handlesBefore, true);
    enc.view.setUint16(off + 6, 1, true);
    return;
  }
  const start = enc.end;
  const body = enc.alloc(m.size, depth + 1);
  m.enc(enc, x, body, depth + 1);
  enc.view.setUint32(off, enc.end - start, true);
  enc.view.setUint16(off + 4, enc.handles.length - handlesBefore, true);
}

function checkedScalar(check: (v: unknown) => void, write: EncodeFn): EncodeFn {
  return (enc, v, off, depth) => {
    check(v);
    write(enc, v, off, depth);
  };
}

const primitiveEncoders = new Map<string, EncodeFn>();

/** Checked writers for bool, integers and floats. */
export function primitiveEncoder(subtype: string): EncodeFn {
  let fn = primitiveEncoders.get(subtype);
  if (fn !== undefined) return fn;
  const check = primitiveCheck(subtype as Parameters<typeof primitiveCheck>[0], 'encode');
  switch (subtype) {
    case 'bool':
      fn = (enc, v, off) => {
        if (v === true) enc.buf[off] = 1;
        else if (v !== false) check(v);
      };
      break;
    case 'uint8':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || (v & 0xff) !== v) check(v);
        enc.buf[off] = v as number;
      };
      break;
    case 'int8':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || (v << 24) >> 24 !== v) check(v);
        enc.view.setInt8(off, v as number);
      };
      break;
    case 'uint16':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || (v & 0xffff) !== v) check(v);
        enc.view.setUint16(off, v as number, true);
      };
      break;
    case 'int16':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || (v << 16) >> 16 !== v) check(v);
        enc.view.setInt16(off, v as number, true);
      };
      break;
    case 'uint32':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || v >>> 0 !== v) check(v);
        enc.view.setUint32(off, v as number, true);
      };
      break;
    case 'int32':
      fn = (enc, v, off) => {
        if (typeof v !== 'number' || (v | 0) !== v) check(v);
        enc.view.setInt32(off, v as number, true);
      };
      break;
    case 'int64':
      fn = (enc, v, off) => {
        check(v);
        enc.view.setBigInt64(off, v as bigint, true);
      };
      break;
    case 'uint64':
      fn = (enc, v, off) => {
        check(v);
        enc.view.setBigUint64(off, v as bigint, true);
      };
      break;
    case 'float32':
      fn = (enc, v, off) => {
        if (typeof v !== 'number') check(v);
        enc.view.setFloat32(off, v as number, true);
      };
      break;
    case 'float64':
      fn = (enc, v, off) => {
        if (typeof v !== 'number') check(v);
        enc.view.setFloat64(off, v as number, true);
      };
      break;
    default:
      throw invalidValue('encode', 'a primitive subtype', subtype);
  }
  primitiveEncoders.set(subtype, fn);
  return fn;
}

function stringEncoder(maxLength: number | null, nullable: boolean): EncodeFn {
  return (enc, v, off, depth) => {
    if (v === null || v === undefined) {
      if (nullable) return;
      throw nullError('string');
    }
    if (typeof v !== 'string') throw invalidValue('encode', 'a string', v);
    enc.writePresence(off + 8);
    if (v.length === 0) return;
    if (depth + 1 > MAX_DEPTH) throw depthError('encode', depth + 1);
    const start = enc.end;
    const room = v.length * 3;
    enc.ensure(start + room + 8);
    enc.dirty = Math.max(enc.dirty, start + room);
    const n = writeUtf8(v, enc.buf, start);
    if (n < 0) {
      throw new FidlError('STRING_NOT_UTF8', 'encode', 'the string holds a lone UTF-16 surrogate');
    }
    if (maxLength !== null && n > maxLength) {
      throw new FidlError('STRING_TOO_LONG', 'encode', `${n} bytes, bound ${maxLength}`);
    }
    enc.view.setUint32(off, n, true);
    enc.end = start + align8(n);
  };
}

function handleEncoder(type: IrType & { kind: 'handle' | 'endpoint' }): EncodeFn {
  const nullable = type.nullable;
  return (enc, v, off) => {
    if (v === null || v === undefined) {
      if (nullable) return;
      throw nullError(type.kind === 'handle' ? `zx.Handle:${type.subtype}` : `${type.role}_end`);
    }
    enc.handles.push(checkOutgoingHandle(type, v, 'encode', enc.handles));
    enc.view.setUint32(off, PRESENT, true);
  };
}
