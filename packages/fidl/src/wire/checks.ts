/**
 * Value checks shared by the encoder and the validator, so that the Channel
 * transport (which encodes) and the Driver transport (which only validates)
 * accept and reject exactly the same values (fidl.md 2.10).
 */
import { Handle, ObjType, Status } from '@fdf/zx';
import type { IrBits, IrEnum, IrType, PrimitiveSubtype } from '../ir/types.js';
import { FidlError, type FidlPhase } from './errors.js';

/** zx_rights_t ZX_RIGHT_SAME_RIGHTS: the IR's "no rights constraint". */
export const SAME_RIGHTS = 0x80000000;

export type Check = (v: unknown) => void;

const INT_RANGE: Record<string, [number, number]> = {
  int8: [-0x80, 0x7f],
  uint8: [0, 0xff],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

export function is64(subtype: string): boolean {
  return subtype === 'int64' || subtype === 'uint64';
}

function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : `an object`;
  return String(v);
}

export function invalidValue(phase: FidlPhase, expected: string, v: unknown): FidlError {
  return new FidlError('INVALID_VALUE', phase, `expected ${expected}, got ${describeValue(v)}`);
}

/** A check for bool, integers and floats; 64-bit integers are bigint. */
export function primitiveCheck(subtype: PrimitiveSubtype, phase: FidlPhase): Check {
  switch (subtype) {
    case 'bool':
      return (v) => {
        if (v !== true && v !== false) throw invalidValue(phase, 'a boolean', v);
      };
    case 'float32':
    case 'float64':
      return (v) => {
        if (typeof v !== 'number') throw invalidValue(phase, `a number (${subtype})`, v);
      };
    case 'int64':
      return (v) => {
        if (typeof v !== 'bigint' || BigInt.asIntN(64, v) !== v) {
          throw invalidValue(phase, 'a bigint in the int64 range (e.g. 5n)', v);
        }
      };
    case 'uint64':
      return (v) => {
        if (typeof v !== 'bigint' || BigInt.asUintN(64, v) !== v) {
          throw invalidValue(phase, 'a bigint in the uint64 range (e.g. 5n)', v);
        }
      };
    default: {
      const [min, max] = INT_RANGE[subtype]!;
      return (v) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
          throw invalidValue(phase, `an integer in the ${subtype} range [${min}, ${max}]`, v);
        }
      };
    }
  }
}

/** Integer check, then membership for strict enums. */
export function enumCheck(decl: IrEnum, phase: FidlPhase): Check {
  const base = primitiveCheck(decl.subtype, phase);
  if (!decl.strict) return base;
  const wide = is64(decl.subtype);
  const members = new Set<number | bigint>(
    decl.members.map((m) => (wide ? BigInt(m.value) : Number(m.value))),
  );
  return (v) => {
    base(v);
    if (!members.has(v as number | bigint)) {
      throw new FidlError(
        'STRICT_ENUM_UNKNOWN_VALUE',
        phase,
        `${describeValue(v)} is not a member of strict enum ${decl.name} (${decl.members
          .map((m) => `${m.name}=${m.value}`)
          .join(', ')})`,
      );
    }
  };
}

/** Integer check, then no bits outside the member mask for strict bits. */
export function bitsCheck(decl: IrBits, phase: FidlPhase): Check {
  const base = primitiveCheck(decl.subtype, phase);
  if (!decl.strict) return base;
  const fail = (v: unknown): never => {
    throw new FidlError(
      'STRICT_BITS_UNKNOWN_BIT',
      phase,
      `${describeValue(v)} has bits outside the mask ${decl.mask} of strict bits ${decl.name}`,
    );
  };
  if (is64(decl.subtype)) {
    const unknown = ~BigInt(decl.mask) & 0xffff_ffff_ffff_ffffn;
    return (v) => {
      base(v);
      if (((v as bigint) & unknown) !== 0n) fail(v);
    };
  }
  const unknown = ~Number(decl.mask);
  return (v) => {
    base(v);
    if (((v as number) & unknown) !== 0) fail(v);
  };
}

type HandleLike = IrType & { kind: 'handle' | 'endpoint' };

/** The rights a handle object carries, when its class exposes them. */
export function handleRights(h: Handle): number | undefined {
  const rights = (h as unknown as { rights?: unknown }).rights;
  return typeof rights === 'number' ? rights : undefined;
}

/**
 * Object type and rights of a present handle against its IR type. Endpoints
 * accept zx channels and runtime (fdf) channels, which report ObjType.NONE.
 */
export function checkHandleKind(type: HandleLike, h: Handle, phase: FidlPhase): void {
  if (type.kind === 'endpoint') {
    if (h.objType !== ObjType.CHANNEL && h.objType !== ObjType.NONE) {
      throw new FidlError(
        'INCORRECT_HANDLE_TYPE',
        phase,
        `${type.role}_end:${type.protocol} needs a channel, got a ${ObjType[h.objType] ?? h.objType} handle`,
      );
    }
    return;
  }
  if (type.objType !== ObjType.NONE && h.objType !== type.objType) {
    throw new FidlError(
      'INCORRECT_HANDLE_TYPE',
      phase,
      `expected a ${type.subtype} handle, got ${ObjType[h.objType] ?? h.objType} (koid ${h.koid})`,
    );
  }
  if (type.rights !== SAME_RIGHTS) {
    const rights = handleRights(h);
    if (rights !== undefined && (rights & type.rights) >>> 0 !== type.rights >>> 0) {
      throw new FidlError(
        'MISSING_REQUIRED_HANDLE_RIGHTS',
        phase,
        `handle koid ${h.koid} has rights 0x${(rights >>> 0).toString(16)}, the type requires 0x${(
          type.rights >>> 0
        ).toString(16)}`,
      );
    }
  }
}

/**
 * A handle value about to be sent: a Handle object, open, not already in this
 * message (a handle moves once), of the right type and rights.
 */
export function checkOutgoingHandle(
  type: HandleLike,
  v: unknown,
  phase: FidlPhase,
  seen: Handle[],
): Handle {
  if (!(v instanceof Handle)) throw invalidValue(phase, 'a Handle object from @fdf/zx', v);
  if (v.closed) {
    throw new FidlError(
      'INVALID_VALUE',
      phase,
      `handle koid ${v.koid} is closed or was transferred; a handle can be sent once`,
      Status.ERR_BAD_HANDLE,
    );
  }
  if (seen.includes(v)) {
    throw new FidlError(
      'INVALID_VALUE',
      phase,
      `handle koid ${v.koid} appears twice in the value; a handle can be sent once`,
      Status.ERR_BAD_HANDLE,
    );
  }
  checkHandleKind(type, v, phase);
  return v;
}
