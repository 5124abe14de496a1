/**
 * Little-endian reads from a Uint8Array without a DataView over it: reading
 * `bytes.buffer` forces V8 to move a small on-heap typed array to an
 * off-heap buffer, which costs more than the whole decode of a small
 * struct. 64-bit values and floats go through a private 8-byte scratch.
 */
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function i16(b: Uint8Array, o: number): number {
  return ((b[o]! | (b[o + 1]! << 8)) << 16) >> 16;
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export function i32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

function load(b: Uint8Array, o: number, n: number): DataView {
  for (let i = 0; i < n; i++) scratch[i] = b[o + i]!;
  return scratchView;
}

export function u64(b: Uint8Array, o: number): bigint {
  return load(b, o, 8).getBigUint64(0, true);
}

export function i64(b: Uint8Array, o: number): bigint {
  return load(b, o, 8).getBigInt64(0, true);
}

export function f32(b: Uint8Array, o: number): number {
  return load(b, o, 4).getFloat32(0, true);
}

export function f64(b: Uint8Array, o: number): number {
  return load(b, o, 8).getFloat64(0, true);
}
