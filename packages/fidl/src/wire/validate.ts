/**
 * In-process validation for transports that pass JS values instead of bytes
 * (the Driver transport): the same checks the encoder makes, in the same
 * order and with the same error codes, without writing anything. A value
 * passes `validate` exactly when `encode` would accept it (fidl.md 2.10):
 * enum and bits strictness, bounds, required members, union tags, well-formed
 * strings, the depth limit, and handles (open, sent once, type and rights).
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
import { FidlError, depthError, withSegment } from './errors.js';
import { MAX_DEPTH, type TypeRegistry } from './layout.js';
import { isWellFormed, utf8Length } from './utf8.js';

/** Checks `value` whose inline part sits in an object at `depth`; collects handles into `handles`. */
export type ValidateFn = (value: unknown, depth: number, handles: Handle[]) => void;

function nullError(what: string): FidlError {
  return new FidlError(
    'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
    'validate',
    `${what} is required but the value is null or missing`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isAbsent(x: unknown): boolean {
  return x === undefined || x === null;
}

interface Member {
  key: string;
  outOfLine: boolean;
  check: ValidateFn;
}

export class ValidatorCompiler {
  private readonly structs = new CompileCache<ValidateFn>();
  private readonly named = new CompileCache<ValidateFn>();

  constructor(private readonly reg: TypeRegistry) {}

  forType(type: IrType): ValidateFn {
    switch (type.kind) {
      case 'primitive':
        return scalar(primitiveCheck(type.subtype, 'validate'));
      case 'internal':
        return scalar(primitiveCheck('int32', 'validate'));
      case 'string':
        return stringValidator(type.maxLength, type.nullable);
      case 'vector':
        return this.vector(type);
      case 'array':
        return this.array(type);
      case 'handle':
      case 'endpoint':
        return handleValidator(type);
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
            return this.named.get(`enum:${id}`, () =>
              scalar(enumCheck(this.reg.enumDecl(id), 'validate')),
            );
          case 'bits':
            return this.named.get(`bits:${id}`, () =>
              scalar(bitsCheck(this.reg.bits(id), 'validate')),
            );
        }
      }
    }
  }

  private structInline(fqn: string): ValidateFn {
    return this.structs.get(fqn, () => {
      const layout = this.reg.structLayout(fqn);
      const fields = layout.fields.map((f) => ({ key: f.key, check: this.forType(f.type) }));
      const name = layout.decl.name;
      return (v, depth, handles) => {
        if (!isObject(v)) {
          throw isAbsent(v)
            ? nullError(`struct ${name}`)
            : invalidValue('validate', `a ${name} object`, v);
        }
        let i = 0;
        try {
          for (; i < fields.length; i++) fields[i]!.check(v[fields[i]!.key], depth, handles);
        } catch (err) {
          throw withSegment(err, `.${fields[i]!.key}`);
        }
      };
    });
  }

  private box(fqn: string): ValidateFn {
    return this.named.get(`box:${fqn}`, () => {
      const inline = this.structInline(fqn);
      return (v, depth, handles) => {
        if (isAbsent(v)) return;
        if (depth + 1 > MAX_DEPTH) throw depthError('validate', depth + 1);
        inline(v, depth + 1, handles);
      };
    });
  }

  private vector(type: IrType & { kind: 'vector' }): ValidateFn {
    const { maxCount, nullable, elementType } = type;
    const bytes = elementType.kind === 'primitive' && elementType.subtype === 'uint8';
    const elem = this.forType(elementType);
    return (v, depth, handles) => {
      if (isAbsent(v)) {
        if (nullable) return;
        throw nullError('vector');
      }
      if (!Array.isArray(v) && !(bytes && v instanceof Uint8Array)) {
        throw invalidValue('validate', bytes ? 'a Uint8Array' : 'an array', v);
      }
      const arr = v as ArrayLike<unknown>;
      if (maxCount !== null && arr.length > maxCount) {
        throw new FidlError(
          'COUNT_EXCEEDS_LIMIT',
          'validate',
          `${arr.length} elements, bound ${maxCount}`,
        );
      }
      if (arr.length === 0) return;
      if (depth + 1 > MAX_DEPTH) throw depthError('validate', depth + 1);
      if (v instanceof Uint8Array) return;
      checkElements(arr, elem, depth + 1, handles);
    };
  }

  private array(type: IrType & { kind: 'array' }): ValidateFn {
    const { elementCount, elementType } = type;
    const bytes = elementType.kind === 'primitive' && elementType.subtype === 'uint8';
    const elem = this.forType(elementType);
    return (v, depth, handles) => {
      if (!Array.isArray(v) && !(bytes && v instanceof Uint8Array)) {
        throw isAbsent(v)
          ? nullError('array')
          : invalidValue('validate', `an array of ${elementCount}`, v);
      }
      const arr = v as ArrayLike<unknown>;
      if (arr.length !== elementCount) {
        throw invalidValue(
          'validate',
          `exactly ${elementCount} elements`,
          `${arr.length} elements`,
        );
      }
      if (v instanceof Uint8Array) return;
      checkElements(arr, elem, depth, handles);
    };
  }

  private members(fqn: string, kind: 'table' | 'union'): Member[] {
    const decl = kind === 'table' ? this.reg.table(fqn) : this.reg.union(fqn);
    return this.reg.envelopeMembers(decl).map((m) => ({
      key: m.key,
      outOfLine: this.reg.size(m.type) > 4,
      check: this.forType(m.type),
    }));
  }

  private table(fqn: string): ValidateFn {
    const members = this.members(fqn, 'table');
    const name = this.reg.table(fqn).name;
    return (v, depth, handles) => {
      if (!isObject(v)) {
        throw isAbsent(v)
          ? nullError(`table ${name}`)
          : invalidValue('validate', `a ${name} object`, v);
      }
      let i = 0;
      let any = false;
      try {
        for (; i < members.length; i++) {
          const m = members[i]!;
          const x = v[m.key];
          if (isAbsent(x)) continue;
          // The envelope array is at depth + 1, the member's payload at depth + 2.
          if (!any && depth + 1 > MAX_DEPTH) throw depthError('validate', depth + 1);
          any = true;
          if (m.outOfLine && depth + 2 > MAX_DEPTH) throw depthError('validate', depth + 2);
          m.check(x, depth + 2, handles);
        }
      } catch (err) {
        throw withSegment(err, `.${members[i]!.key}`);
      }
    };
  }

  private union(fqn: string, nullable: boolean): ValidateFn {
    const members = this.members(fqn, 'union');
    const byKey = new Map(members.map((m) => [m.key, m]));
    const name = this.reg.union(fqn).name;
    return (v, depth, handles) => {
      if (isAbsent(v)) {
        if (nullable) return;
        throw nullError(`union ${name}`);
      }
      if (!isObject(v)) throw invalidValue('validate', `a ${name} union object { $tag, ... }`, v);
      const tag = v['$tag'];
      if (tag === undefined)
        throw new FidlError('UNION_FIELD_NOT_SET', 'validate', `union ${name} has no $tag`);
      if (tag === '$unknown') {
        throw new FidlError(
          'FLEXIBLE_UNION_UNKNOWN_FIELD',
          'validate',
          `union ${name} holds an unknown variant (ordinal ${String(v['ordinal'])}) whose payload was dropped`,
        );
      }
      const m = typeof tag === 'string' ? byKey.get(tag) : undefined;
      if (m === undefined) {
        throw invalidValue(
          'validate',
          `a $tag among ${[...byKey.keys()].join(', ')} for union ${name}`,
          tag,
        );
      }
      try {
        if (m.outOfLine && depth + 1 > MAX_DEPTH) throw depthError('validate', depth + 1);
        m.check(v[m.key], depth + 1, handles);
      } catch (err) {
        throw withSegment(err, `.${m.key}`);
      }
    };
  }
}

function checkElements(
  arr: ArrayLike<unknown>,
  elem: ValidateFn,
  depth: number,
  handles: Handle[],
): void {
  let i = 0;
  try {
    for (; i < arr.length; i++) elem(arr[i], depth, handles);
  } catch (err) {
    throw withSegment(err, `[${i}]`);
  }
}

function scalar(check: (v: unknown) => void): ValidateFn {
  return (v) => check(v);
}

function stringValidator(maxLength: number | null, nullable: boolean): ValidateFn {
  return (v, depth) => {
    if (isAbsent(v)) {
      if (nullable) return;
      throw nullError('string');
    }
    if (typeof v !== 'string') throw invalidValue('validate', 'a string', v);
    if (v.length === 0) return;
    if (depth + 1 > MAX_DEPTH) throw depthError('validate', depth + 1);
    if (!isWellFormed(v)) {
      throw new FidlError(
        'STRING_NOT_UTF8',
        'validate',
        'the string holds a lone UTF-16 surrogate',
      );
    }
    if (maxLength !== null) {
      const n = utf8Length(v);
      if (n > maxLength)
        throw new FidlError('STRING_TOO_LONG', 'validate', `${n} bytes, bound ${maxLength}`);
    }
  };
}

function handleValidator(type: IrType & { kind: 'handle' | 'endpoint' }): ValidateFn {
  const nullable = type.nullable;
  return (v, _depth, handles) => {
    if (isAbsent(v)) {
      if (nullable) return;
      throw nullError(type.kind === 'handle' ? `zx.Handle:${type.subtype}` : `${type.role}_end`);
    }
    handles.push(checkOutgoingHandle(type, v, 'validate', handles));
  };
}
