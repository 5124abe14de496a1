/**
 * When a modeled op completes. Each op first waits out its latency (command
 * setup, seek: these overlap between concurrent ops), then moves its bytes
 * over one shared bus at the configured bandwidth (transfers queue behind
 * each other). A lone op therefore completes at
 * `queued + latency + extra + bytes / bandwidth`, and a deep queue is
 * bandwidth-bound, like a real disk.
 */
import type { RamdiskTiming } from './config.js';

export class TimingModel {
  readonly #latencyMs: number;
  /** 0 when transfers take no time. */
  readonly #bytesPerSecond: number;
  #busUntil = 0;

  constructor(timing: RamdiskTiming | null) {
    this.#latencyMs = timing?.latencyMs ?? 0;
    this.#bytesPerSecond = (timing?.bandwidthMiBps ?? 0) * 1024 * 1024;
  }

  /**
   * The completion time of an op queued at `now` that moves `bytes` with
   * `extraMs` of injected delay. `drain`: the op also waits for every transfer
   * already on the bus (FLUSH).
   */
  due(now: number, bytes: number, extraMs: number, drain: boolean): number {
    const ready = now + this.#latencyMs + extraMs;
    const start = (drain || bytes > 0) && this.#busUntil > ready ? this.#busUntil : ready;
    if (bytes === 0 || this.#bytesPerSecond === 0) return start;
    // One division: the time is exact whenever bytes * 1000 / rate is representable.
    this.#busUntil = start + (bytes * 1000) / this.#bytesPerSecond;
    return this.#busUntil;
  }
}
