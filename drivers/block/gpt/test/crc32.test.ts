import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('gives the standard check values', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
  });

  it('continues over data given in pieces', () => {
    const data = ascii('The quick brown fox jumps over the lazy dog');
    expect(crc32(data.subarray(10), crc32(data.subarray(0, 10)))).toBe(crc32(data));
  });
});
