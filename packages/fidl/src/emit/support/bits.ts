import { Status, StatusError } from '@fdf/zx';

/** Run-time helpers of generated bits (`BlockFlagsBits`). */
export interface BitsHelpers<T extends number | bigint> {
  readonly name: string;
  readonly strict: boolean;
  /** The OR of every member. */
  readonly mask: T;
  /** True when every bit of `flags` is set in `value`. */
  has(value: T, flags: T): boolean;
  /** The OR of the given flags (the empty set for none). */
  union(...flags: T[]): T;
  /** The bits of `value` no member declares. */
  unknownBits(value: T): T;
  /** True when `value` has no unknown bit, or when the bits are flexible. */
  isValid(value: T): boolean;
  /** Returns `value`, or throws ERR_INVALID_ARGS when strict bits see an unknown bit. */
  validate(value: T): T;
}

export function defineBits<T extends number | bigint>(
  name: string,
  mask: T,
  strict: boolean,
): BitsHelpers<T> {
  // Numbers are at most 32 bits (uint8..uint32); `>>> 0` keeps results unsigned.
  const big = typeof mask === 'bigint';
  const and = (a: T, b: T): T =>
    (big ? (a as bigint) & (b as bigint) : ((a as number) & (b as number)) >>> 0) as T;
  const or = (a: T, b: T): T =>
    (big ? (a as bigint) | (b as bigint) : ((a as number) | (b as number)) >>> 0) as T;
  const notMask = (v: T): T =>
    (big ? (v as bigint) & ~(mask as bigint) : ((v as number) & ~(mask as number)) >>> 0) as T;
  const zero = (big ? 0n : 0) as T;
  const unknownBits = (value: T): T => notMask(value);
  return Object.freeze({
    name,
    strict,
    mask,
    has: (value: T, flags: T) => and(value, flags) === flags,
    union: (...flags: T[]) => flags.reduce(or, zero),
    unknownBits,
    isValid: (value: T) => !strict || unknownBits(value) === zero,
    validate(value: T): T {
      const unknown = unknownBits(value);
      if (strict && unknown !== zero) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `bits 0x${unknown.toString(16)} are not members of strict bits ${name} (mask 0x${mask.toString(16)}); clear them`,
        );
      }
      return value;
    },
  });
}
