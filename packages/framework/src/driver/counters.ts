/**
 * Named counters a driver keeps for tools (`fdf board run --inspect`, the
 * test harness, the benchmark), in the spirit of Inspect: cheap to update on
 * the hot path (a Map lookup), read as a snapshot from outside the driver.
 */
import { Status, StatusError } from '@fdf/zx';

const NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

export type CounterSnapshot = Readonly<Record<string, number>>;

export class DriverCounters {
  readonly #values = new Map<string, number>();

  /** Adds `delta` (default 1) to the counter `name`, creating it at 0. */
  add(name: string, delta = 1): void {
    const current = this.#values.get(name);
    if (current === undefined) {
      checkName(name);
      this.#values.set(name, delta);
    } else {
      this.#values.set(name, current + delta);
    }
  }

  /** Sets a gauge-like counter (queue depth, bytes held). */
  set(name: string, value: number): void {
    if (!this.#values.has(name)) checkName(name);
    this.#values.set(name, value);
  }

  /** The counter's value; 0 when it was never touched. */
  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  /** Every counter, keys sorted, as a plain object that can cross threads. */
  snapshot(): CounterSnapshot {
    const out: Record<string, number> = {};
    for (const key of [...this.#values.keys()].sort()) out[key] = this.#values.get(key) ?? 0;
    return out;
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `counter name '${name}' is invalid; use lowercase words, digits and '_' joined by '.', like echo.requests`,
    );
  }
}
