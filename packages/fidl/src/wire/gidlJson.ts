/**
 * Conversion between JSON values in the conventions of gidl_cases.json and
 * the codec's TS values, guided by the IR type. The conformance test and the
 * `fdf fidl encode/decode` commands share it.
 *
 * JSON side: member names as written in FIDL; int64/uint64 (and 64-bit
 * enums and bits) as decimal strings; unions as one-key objects, with
 * `{"$unknown_ordinal": N}` for an unknown variant; null for absent optionals;
 * floats as numbers (-0.0 kept; "NaN", "Infinity", "-Infinity" as strings).
 * For convenience, input also accepts JSON numbers for 64-bit values when they
 * are safe integers and enum member names for enums.
 * TS side: the conventions of src/ir/types.ts (camelCase keys, bigint,
 * Uint8Array for bytes, `{ $tag, [tag]: value }` unions).
 */
import { Handle } from '@fdf/zx';
import type { IrRoot, IrType } from '../ir/types.js';
import { is64 } from './checks.js';
import { FidlError, withSegment } from './errors.js';
import { TypeRegistry } from './layout.js';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const registries = new WeakMap<IrRoot, TypeRegistry>();

function registryOf(ir: IrRoot): TypeRegistry {
  let reg = registries.get(ir);
  if (reg === undefined) {
    reg = new TypeRegistry(ir);
    registries.set(ir, reg);
  }
  return reg;
}

function bad(expected: string, got: unknown): FidlError {
  const shown = JSON.stringify(got) ?? String(got);
  return new FidlError(
    'INVALID_VALUE',
    'encode',
    `JSON value: expected ${expected}, got ${shown.slice(0, 60)}`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** GIDL-convention JSON -> TS value for `type` (a name in `ir` or an IrType). */
export function gidlToValue(ir: IrRoot, type: string | IrType, json: unknown): unknown {
  const reg = registryOf(ir);
  try {
    return toValue(reg, typeof type === 'string' ? reg.typeOf(type) : type, json);
  } catch (err) {
    if (err instanceof FidlError) err.at(typeof type === 'string' ? type : reg.describe(type));
    throw err;
  }
}

/** TS value -> GIDL-convention JSON for `type`. */
export function valueToGidl(ir: IrRoot, type: string | IrType, value: unknown): JsonValue {
  const reg = registryOf(ir);
  try {
    return toJson(reg, typeof type === 'string' ? reg.typeOf(type) : type, value);
  } catch (err) {
    if (err instanceof FidlError) err.at(typeof type === 'string' ? type : reg.describe(type));
    throw err;
  }
}

function integer(subtype: string, json: unknown): number | bigint {
  if (is64(subtype)) {
    if (typeof json === 'string' && /^-?\d+$/.test(json)) return BigInt(json);
    if (typeof json === 'number' && Number.isSafeInteger(json)) return BigInt(json);
    throw bad(`a decimal string for ${subtype}`, json);
  }
  if (typeof json === 'number') return json;
  if (typeof json === 'string' && /^-?\d+$/.test(json)) return Number(json);
  throw bad(`a number for ${subtype}`, json);
}

function float(json: unknown): number {
  if (typeof json === 'number') return json;
  if (json === 'NaN') return NaN;
  if (json === 'Infinity') return Infinity;
  if (json === '-Infinity') return -Infinity;
  throw bad('a number', json);
}

function toValue(reg: TypeRegistry, type: IrType, json: unknown): unknown {
  if (json === null) return null;
  switch (type.kind) {
    case 'primitive':
      if (type.subtype === 'bool') {
        if (typeof json !== 'boolean') throw bad('true or false', json);
        return json;
      }
      if (type.subtype === 'float32' || type.subtype === 'float64') return float(json);
      return integer(type.subtype, json);
    case 'internal':
      return integer('int32', json);
    case 'string':
      if (typeof json !== 'string') throw bad('a string', json);
      return json;
    case 'vector':
    case 'array': {
      if (!Array.isArray(json)) throw bad('an array', json);
      const el = type.elementType;
      if (el.kind === 'primitive' && el.subtype === 'uint8') {
        const out = new Uint8Array(json.length);
        json.forEach((b, i) => {
          if (typeof b !== 'number' || (b & 0xff) !== b)
            throw withSegment(bad('a byte 0..255', b), `[${i}]`);
          out[i] = b;
        });
        return out;
      }
      return json.map((x, i) => {
        try {
          return toValue(reg, el, x);
        } catch (err) {
          throw withSegment(err, `[${i}]`);
        }
      });
    }
    case 'handle':
    case 'endpoint':
      throw bad('no handle: JSON values cannot carry handles', json);
    case 'identifier':
      return identifierToValue(reg, type, json);
  }
}

function identifierToValue(
  reg: TypeRegistry,
  type: IrType & { kind: 'identifier' },
  json: unknown,
): unknown {
  const id = type.identifier;
  switch (type.declKind) {
    case 'enum': {
      const decl = reg.enumDecl(id);
      const member =
        typeof json === 'string' ? decl.members.find((m) => m.name === json) : undefined;
      return integer(decl.subtype, member?.value ?? json);
    }
    case 'bits':
      return integer(reg.bits(id).subtype, json);
    case 'struct': {
      if (!isRecord(json)) throw bad(`an object for struct ${id}`, json);
      const out: Record<string, unknown> = {};
      for (const f of reg.structLayout(id).fields) {
        if (!(f.name in json)) continue;
        out[f.key] = member(reg, f.type, json[f.name], f.name);
      }
      checkKeys(
        json,
        reg.structLayout(id).fields.map((f) => f.name),
        id,
      );
      return out;
    }
    case 'table': {
      if (!isRecord(json)) throw bad(`an object for table ${id}`, json);
      const members = reg.envelopeMembers(reg.table(id));
      const out: Record<string, unknown> = {};
      for (const m of members) {
        if (json[m.name] === undefined) continue;
        out[m.key] = member(reg, m.type, json[m.name], m.name);
      }
      checkKeys(
        json,
        members.map((m) => m.name),
        id,
      );
      return out;
    }
    case 'union': {
      if (!isRecord(json)) throw bad(`a one-key object for union ${id}`, json);
      const keys = Object.keys(json);
      if (keys.length !== 1) throw bad(`exactly one variant key for union ${id}`, json);
      const name = keys[0]!;
      if (name === '$unknown_ordinal') {
        return { $tag: '$unknown', ordinal: integer('uint64', json[name]) };
      }
      const m = reg.envelopeMembers(reg.union(id)).find((x) => x.name === name);
      if (m === undefined) throw bad(`a variant of union ${id}`, name);
      return { $tag: m.key, [m.key]: member(reg, m.type, json[name], name) };
    }
  }
}

function member(reg: TypeRegistry, type: IrType, json: unknown, name: string): unknown {
  try {
    return toValue(reg, type, json);
  } catch (err) {
    throw withSegment(err, `.${name}`);
  }
}

function checkKeys(json: Record<string, unknown>, names: string[], id: string): void {
  for (const k of Object.keys(json)) {
    if (!names.includes(k)) throw bad(`a member of ${id} (${names.join(', ')})`, k);
  }
}

function toJson(reg: TypeRegistry, type: IrType, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  }
  if (value instanceof Uint8Array) return Array.from(value);
  if (value instanceof Handle) return `#handle(${value.koid})`;
  if (Array.isArray(value)) {
    if (type.kind !== 'vector' && type.kind !== 'array') throw bad(reg.describe(type), value);
    return value.map((x, i) => {
      try {
        return toJson(reg, type.elementType, x);
      } catch (err) {
        throw withSegment(err, `[${i}]`);
      }
    });
  }
  if (type.kind !== 'identifier' || !isRecord(value)) throw bad(reg.describe(type), value);
  const id = type.identifier;
  const out: { [key: string]: JsonValue } = {};
  switch (type.declKind) {
    case 'struct':
      for (const f of reg.structLayout(id).fields)
        out[f.name] = jsonMember(reg, f.type, value[f.key], f.name);
      return out;
    case 'table':
      for (const m of reg.envelopeMembers(reg.table(id))) {
        if (value[m.key] !== undefined) out[m.name] = jsonMember(reg, m.type, value[m.key], m.name);
      }
      return out;
    case 'union': {
      const tag = value['$tag'];
      if (tag === '$unknown') {
        const ordinal = value['ordinal'];
        out['$unknown_ordinal'] =
          typeof ordinal === 'bigint' && ordinal <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(ordinal)
            : String(ordinal);
        return out;
      }
      const m = reg.envelopeMembers(reg.union(id)).find((x) => x.key === tag);
      if (m === undefined) throw bad(`a $tag of union ${id}`, tag);
      out[m.name] = jsonMember(reg, m.type, value[m.key], m.name);
      return out;
    }
    default:
      throw bad(reg.describe(type), value);
  }
}

function jsonMember(reg: TypeRegistry, type: IrType, value: unknown, name: string): JsonValue {
  try {
    return toJson(reg, type, value);
  } catch (err) {
    throw withSegment(err, `.${name}`);
  }
}

/**
 * JSON text in which negative zero stays `-0.0` (JSON.stringify prints `0`),
 * two-space indented like JSON.stringify(v, null, 2).
 */
export function formatGidlJson(value: JsonValue, indent = 2): string {
  const pad = (depth: number): string => ' '.repeat(indent * depth);
  const nl = indent > 0 ? '\n' : '';
  const sep = indent > 0 ? ': ' : ':';
  const write = (v: JsonValue, depth: number): string => {
    if (typeof v === 'number' && Object.is(v, -0)) return '-0.0';
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${nl}${v.map((x) => pad(depth + 1) + write(x, depth + 1)).join(`,${nl}`)}${nl}${pad(depth)}]`;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{${nl}${keys
      .map((k) => `${pad(depth + 1)}${JSON.stringify(k)}${sep}${write(v[k]!, depth + 1)}`)
      .join(`,${nl}`)}${nl}${pad(depth)}}`;
  };
  return write(value, 0);
}
