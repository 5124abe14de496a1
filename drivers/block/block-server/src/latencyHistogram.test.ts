import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latencyHistogram.js';

describe('LatencyHistogram', () => {
  it('answers percentiles within 3% and min, max, mean exactly', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v * 1000); // 1 µs .. 100 ms, uniform
    const s = h.summaryUs();
    expect(s.count).toBe(100_000);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100_000);
    expect(s.mean).toBeCloseTo(50_000.5, 3);
    for (const [p, want] of [
      [50, 50_000],
      [99, 99_000],
      [99.9, 99_900],
    ] as const) {
      expect(Math.abs(h.percentile(p) / 1000 - want) / want).toBeLessThan(0.03);
    }
  });

  it('is exact below 64 ns, reports 0 when empty, and keeps very large values', () => {
    const empty = new LatencyHistogram();
    expect(empty.summaryUs()).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      p50: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
    const h = new LatencyHistogram();
    for (const v of [3, 3, 3, 40]) h.record(v);
    expect(h.percentile(50)).toBe(3.5);
    h.record(2 ** 45);
    expect(h.percentile(100)).toBe(2 ** 45);
    h.record(-5);
    expect(h.summaryUs().min).toBe(0);
  });
});
