/** An in-memory device for the tests: byte-addressed read and write callbacks. */
import { Status, StatusError } from '@fdf/zx';
import { assert } from 'vitest';

export interface MemoryDisk {
  bytes: Uint8Array;
  read: (offset: number, length: number) => Uint8Array;
  write: (offset: number, data: Uint8Array) => void;
  writes: { offset: number; length: number }[];
}

export function memoryDisk(size: number, image?: Uint8Array): MemoryDisk {
  const bytes = new Uint8Array(size);
  if (image !== undefined) bytes.set(image.subarray(0, size), 0);
  const writes: { offset: number; length: number }[] = [];
  return {
    bytes,
    writes,
    read: (offset, length) => bytes.slice(offset, offset + length),
    write: (offset, data) => {
      if (offset + data.byteLength > size) {
        throw new StatusError(Status.ERR_OUT_OF_RANGE, `write past the end of a ${size}-byte disk`);
      }
      bytes.set(data, offset);
      writes.push({ offset, length: data.byteLength });
    },
  };
}

/** Runs `fn` and returns the StatusError it throws (sync or async). */
export async function statusOf(fn: () => unknown): Promise<StatusError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    assert.fail(`expected a StatusError, got ${String(err)}`);
  }
  assert.fail('expected a StatusError, but the call succeeded');
}

/** A small seeded generator, so failures reproduce. */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

export const TYPE_A = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
export const TYPE_B = Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i);
export function instance(n: number): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, i) => (n * 31 + i) & 0xff);
}

/** XORs one byte, as a bit rot would. */
export function flip(bytes: Uint8Array, at: number, mask = 0xff): void {
  bytes[at] = (bytes[at] ?? 0) ^ mask;
}
