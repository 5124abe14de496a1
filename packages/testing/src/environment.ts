import { env, FakeClock } from '@fdf/runtime';

/**
 * Puts the runtime back to a blank state between tests: no dispatchers, no
 * drivers, no queued work, and the real clock.
 */
export function resetEnv(): void {
  env.reset();
  env.setClock(null);
}

/** Runs every ready queue until all dispatchers are idle (delayed tasks wait for their time). */
export function runUntilIdle(): void {
  env.runUntilIdle();
}

/** Control over the runtime clock while fake time is installed. */
export interface FakeTime {
  /** Moves time forward; due delayed tasks become ready (run them with runUntilIdle). */
  advance(ms: number): void;
  now(): number;
  /** advance, then runUntilIdle: the usual step of a timed test. */
  advanceAndRun(ms: number): void;
}

/**
 * Installs a fake clock for the runtime (env.now(), delayed tasks, sync-call
 * deadlines). resetEnv() restores the real clock.
 */
export function useFakeTime(startMs = 0): FakeTime {
  const clock = new FakeClock(startMs);
  env.setClock(clock);
  return {
    advance: (ms) => clock.advance(ms),
    now: () => clock.now(),
    advanceAndRun: (ms) => {
      clock.advance(ms);
      env.runUntilIdle();
    },
  };
}
