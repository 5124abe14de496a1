/**
 * FNV-1a (32 bit) over the bytes a workload saw: the digest that must be the
 * same on every board that runs the same stack.
 */
export const FNV_OFFSET = 0x811c9dc5;

export function fnv1a(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function hex32(hash: number): string {
  return hash.toString(16).padStart(8, '0');
}
