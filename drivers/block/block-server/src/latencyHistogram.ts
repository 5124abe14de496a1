/**
 * Latencies in a log-linear histogram (the HdrHistogram idea): 32 linear
 * buckets per power of two, so any percentile is within about 3% of the true
 * value, in constant memory however long the run. Min, max and mean are exact.
 */
const LINEAR = 64;
const PER_OCTAVE = 32;
/** Octaves above the linear range: values up to 2^48 ns (about three days). */
const OCTAVES = 43;

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

function octaveOf(v: number): number {
  return v < 0x1_0000_0000
    ? 31 - Math.clz32(v)
    : 32 + (31 - Math.clz32(Math.floor(v / 0x1_0000_0000)));
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(LINEAR + OCTAVES * PER_OCTAVE);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  get count(): number {
    return this.#count;
  }

  /** Records one latency in nanoseconds (rounded; negative counts as 0). */
  record(ns: number): void {
    const v = ns > 0 ? Math.round(ns) : 0;
    const i = LatencyHistogram.#index(v);
    this.#counts[i] = (this.#counts[i] as number) + 1;
    this.#count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /** The value at percentile `p` (0..100): the middle of its bucket, within [min, max]; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) {
        const [low, high] = LatencyHistogram.#bounds(i);
        return Math.min(this.#max, Math.max(this.#min, (low + high) / 2));
      }
    }
    return this.#max;
  }

  /** Everything in microseconds, for reports. */
  summaryUs(): LatencySummary {
    const us = (ns: number): number => ns / 1000;
    return {
      count: this.#count,
      min: this.#count === 0 ? 0 : us(this.#min),
      mean: this.#count === 0 ? 0 : us(this.#sum / this.#count),
      p50: us(this.percentile(50)),
      p99: us(this.percentile(99)),
      p999: us(this.percentile(99.9)),
      max: us(this.#max),
    };
  }

  static #index(v: number): number {
    if (v < LINEAR) return v;
    const octave = Math.min(octaveOf(v), 5 + OCTAVES);
    const shift = octave - 5;
    const mantissa = Math.min(63, Math.floor(v / 2 ** shift));
    return LINEAR + (octave - 6) * PER_OCTAVE + (mantissa - PER_OCTAVE);
  }

  /** [low, high) of bucket `i`. */
  static #bounds(i: number): [number, number] {
    if (i < LINEAR) return [i, i + 1];
    const octave = Math.floor((i - LINEAR) / PER_OCTAVE) + 6;
    const mantissa = ((i - LINEAR) % PER_OCTAVE) + PER_OCTAVE;
    const step = 2 ** (octave - 5);
    return [mantissa * step, (mantissa + 1) * step];
  }
}
