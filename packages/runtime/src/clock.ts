import { Status, StatusError } from '@fdf/zx';

/**
 * The runtime's notion of time, in milliseconds. Delayed tasks and sync-call
 * deadlines read it, so a test can swap in a FakeClock and get the same
 * result on every run.
 */
export interface Clock {
  now(): number;
  /**
   * True when time only moves when someone calls `advance`. A blocked sync
   * call cannot wait for such a clock (nobody can advance it meanwhile).
   */
  readonly manual: boolean;
}

export const realClock: Clock = {
  now: () => performance.now(),
  manual: false,
};

/**
 * Time that moves only when told to. `advance` makes due delayed tasks ready
 * at once (it does not run them: `env.runUntilIdle()` does), so
 * `advance(ms)` + `runUntilIdle()` is deterministic.
 */
export class FakeClock implements Clock {
  readonly manual = true;
  #now: number;
  #onAdvance: (() => void) | null = null;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `FakeClock.advance(${ms}): time only moves forward; pass a finite number of milliseconds >= 0`,
      );
    }
    this.#now += ms;
    this.#onAdvance?.();
  }

  /** @internal The runtime listens while this clock is installed. */
  attach(onAdvance: (() => void) | null): void {
    this.#onAdvance = onAdvance;
  }
}
