import { Status, StatusError } from '@fdf/zx';

/** Run-time helpers of a generated enum (`BlockCommandEnum`). */
export interface EnumHelpers<T extends number | bigint> {
  readonly name: string;
  readonly strict: boolean;
  /** True when `value` is a declared member. */
  isKnown(value: number | bigint): value is T;
  /** The member name of `value`, or undefined for a value only a newer peer knows. */
  nameOf(value: number | bigint): string | undefined;
  /** Returns `value`, or throws ERR_INVALID_ARGS when a strict enum does not declare it. */
  validate(value: number | bigint): T;
}

export function defineEnum<T extends number | bigint>(
  name: string,
  members: Readonly<Record<string, T>>,
  strict: boolean,
): EnumHelpers<T> {
  const byValue = new Map<number | bigint, string>();
  for (const [k, v] of Object.entries(members)) byValue.set(v, k);
  const isKnown = (value: number | bigint): value is T => byValue.has(value);
  return Object.freeze({
    name,
    strict,
    isKnown,
    nameOf: (value: number | bigint) => byValue.get(value),
    validate(value: number | bigint): T {
      if (strict && !isKnown(value)) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `${String(value)} is not a member of strict enum ${name}; use one of ${[...byValue.keys()].map(String).join(', ')}`,
        );
      }
      return value as T;
    },
  });
}
