/**
 * What the workload writes into a block, and how it checks a block it reads.
 * Each block is self-describing, so a wrong block says what it holds instead:
 *
 *   word 0  magic 'BLKW'         word 3  version (which write put it there)
 *   word 1  device block, low    word 4  seed of the run
 *   word 2  device block, high   word 5  checksum of the payload words
 *   words 6..  payload: a xorshift stream seeded by (seed, block, version)
 *
 * Words are in the platform's byte order: the same machine writes and checks.
 */
const MAGIC = 0x424c_4b57;
const HEADER_WORDS = 6;
/** Smallest block that holds the header and some payload. */
export const MIN_PATTERN_BLOCK_SIZE = 32;

function streamSeed(seed: number, block: number, version: number): number {
  let h = Math.imul(seed ^ 0x9e37_79b9, 0x85eb_ca6b);
  h = Math.imul(h ^ (block >>> 0) ^ Math.floor(block / 0x1_0000_0000), 0xc2b2_ae35);
  h = Math.imul(h ^ version ^ (h >>> 15), 0x27d4_eb2f);
  h ^= h >>> 13;
  return h === 0 ? 1 : h >>> 0;
}

function checksum(words: Uint32Array): number {
  let h = 0x811c_9dc5;
  for (let i = HEADER_WORDS; i < words.length; i++)
    h = Math.imul(h ^ (words[i] as number), 0x0100_0193);
  return h >>> 0;
}

/** Fills `words` (one block) with the pattern of `block` at `version`. */
export function fillBlock(words: Uint32Array, block: number, version: number, seed: number): void {
  let x = streamSeed(seed, block, version);
  for (let i = HEADER_WORDS; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  words[0] = MAGIC;
  words[1] = block >>> 0;
  words[2] = Math.floor(block / 0x1_0000_0000);
  words[3] = version;
  words[4] = seed >>> 0;
  words[5] = checksum(words);
}

/** Why `words` is not the expected block, or null when it is. */
export function checkBlock(
  words: Uint32Array,
  block: number,
  version: number,
  seed: number,
): string | null {
  if (words[0] !== MAGIC) {
    return `block ${block}: no workload pattern (first word 0x${(words[0] ?? 0).toString(16)}); expected version ${version}`;
  }
  const holds = (words[1] as number) + (words[2] as number) * 0x1_0000_0000;
  if (holds !== block)
    return `block ${block}: holds the data of block ${holds} (version ${words[3]}), a misdirected write`;
  if (words[4] !== seed >>> 0)
    return `block ${block}: written by a run with seed ${words[4]}, not ${seed >>> 0}`;
  if (words[3] !== version)
    return `block ${block}: holds version ${words[3]}, expected ${version} (a lost or stale write)`;
  if (words[5] !== checksum(words))
    return `block ${block}: payload checksum mismatch (torn or corrupted data)`;
  return null;
}
