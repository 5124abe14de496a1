/**
 * Time. Deadlines in this package are absolute milliseconds on
 * `performance.now()`, the same clock as the runtime's `env.now()`, so a
 * deadline computed by the runtime can be handed to a zx wait unchanged.
 * `performance.now()` has a per-thread origin: compute a deadline in the
 * thread that waits on it, or pass a duration across threads instead.
 */

/** A deadline that never passes. */
export const INFINITE = Number.POSITIVE_INFINITY;

/** zx_clock_get_monotonic(): nanoseconds since an arbitrary process-wide origin. */
export function zxClockGetMonotonic(): bigint {
  return process.hrtime.bigint();
}

/** The deadline clock: milliseconds since this thread started. */
export function monotonicMs(): number {
  return performance.now();
}

/** The absolute deadline `ms` milliseconds from now; INFINITE for Infinity. */
export function deadlineAfter(ms: number): number {
  return ms === INFINITE ? INFINITE : performance.now() + ms;
}

/** Milliseconds left until `deadline`, never negative; Infinity for INFINITE. */
export function remainingMs(deadline: number): number {
  if (deadline === INFINITE) return INFINITE;
  const left = deadline - performance.now();
  return left > 0 ? left : 0;
}

/** Nanoseconds to milliseconds, for turning zx-style durations into deadlines. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}
