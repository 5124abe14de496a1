import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

describe('Prng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(seqA);
  });

  it('draws below(n) uniformly enough over [0, n), also for n above 2^32', () => {
    const p = new Prng(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = p.below(10);
      if (v < 0 || v >= 10 || !Number.isInteger(v)) outside++;
      else buckets[v] = (buckets[v] as number) + 1;
    }
    expect(outside).toBe(0);
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(600);
    const large = Array.from({ length: 1000 }, () => p.below(2 ** 40));
    expect(large.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 40)).toBe(true);
    expect(Math.max(...large)).toBeGreaterThan(2 ** 39);
    const f = p.nextFloat();
    expect(f >= 0 && f < 1).toBe(true);
  });
});
