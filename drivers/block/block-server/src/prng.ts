/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so a workload with
 * the same seed issues the same ops and writes the same bytes on every run
 * and every machine. Not for cryptography.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e37_79b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = split();
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return ((this.nextU32() >>> 5) * 67_108_864 + (this.nextU32() >>> 6)) / 9_007_199_254_740_992;
  }

  /** An integer in [0, n), for n up to 2^53. */
  below(n: number): number {
    return n <= 0x1_0000_0000
      ? Math.floor((this.nextU32() / 0x1_0000_0000) * n)
      : Math.floor(this.nextFloat() * n);
  }
}
