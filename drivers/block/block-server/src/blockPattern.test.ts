import { describe, expect, it } from 'vitest';
import { checkBlock, fillBlock } from './blockPattern.js';

describe('block pattern', () => {
  const words = (): Uint32Array => new Uint32Array(512 / 4);

  it('checks a block it filled, for blocks beyond 2^32 too', () => {
    const w = words();
    fillBlock(w, 17, 3, 99);
    expect(checkBlock(w, 17, 3, 99)).toBeNull();
    fillBlock(w, 2 ** 40 + 5, 1, 99);
    expect(checkBlock(w, 2 ** 40 + 5, 1, 99)).toBeNull();
  });

  it('names what is wrong: no pattern, misdirected, stale, other run, corrupted', () => {
    const w = words();
    expect(checkBlock(w, 1, 1, 1)).toMatch(/no workload pattern/);
    fillBlock(w, 2, 1, 1);
    expect(checkBlock(w, 1, 1, 1)).toMatch(/holds the data of block 2 .*misdirected/);
    expect(checkBlock(w, 2, 4, 1)).toMatch(/holds version 1, expected 4/);
    expect(checkBlock(w, 2, 1, 5)).toMatch(/seed 1, not 5/);
    w[100] = (w[100] as number) ^ 1;
    expect(checkBlock(w, 2, 1, 1)).toMatch(/checksum mismatch/);
  });

  it('gives different data for different versions of the same block', () => {
    const a = words();
    const b = words();
    fillBlock(a, 9, 1, 1);
    fillBlock(b, 9, 2, 1);
    expect(a.subarray(6)).not.toEqual(b.subarray(6));
  });
});
