import { describe, expect, test } from 'vitest';
import { expectStatus, expectStatusAsync } from '../test/expectStatus.js';
import { monotonicMs } from './clock.js';
import { Fifo, ZX_FIFO_MAX_SIZE_BYTES } from './fifo.js';
import { ZX_FIFO_PEER_CLOSED, ZX_FIFO_READABLE, ZX_FIFO_WRITABLE } from './signals.js';
import { Status } from './status.js';

const elements = (size: number, ...values: number[]): Uint8Array => {
  const out = new Uint8Array(size * values.length);
  values.forEach((v, i) => out.fill(v, i * size, (i + 1) * size));
  return out;
};

describe('Fifo.create', () => {
  test('accepts up to 4096 bytes per direction, any depth', () => {
    const [a, b] = Fifo.create(8, ZX_FIFO_MAX_SIZE_BYTES / 8);
    expect(a.elementSize).toBe(8);
    expect(b.depth).toBe(512);
    Fifo.create(3, 5);
  });

  test('rejects zero, oversize and non-integer shapes', () => {
    expectStatus(() => Fifo.create(0, 4), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => Fifo.create(4, 0), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => Fifo.create(4097, 1), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => Fifo.create(8, 513), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => Fifo.create(1.5, 2), Status.ERR_INVALID_ARGS);
  });
});

describe('Fifo read and write', () => {
  test('elements come out in order, in both directions', () => {
    const [a, b] = Fifo.create(2, 4);
    expect(a.write(elements(2, 1, 2, 3))).toBe(3);
    expect(b.write(elements(2, 9))).toBe(1);
    const out = new Uint8Array(8);
    expect(b.read(out)).toBe(3);
    expect([...out.subarray(0, 6)]).toEqual([1, 1, 2, 2, 3, 3]);
    expect(a.read(out, 1)).toBe(1);
    expect(out[0]).toBe(9);
  });

  test('a partial write returns what fit; a full fifo is ERR_SHOULD_WAIT', () => {
    const [a, b] = Fifo.create(1, 3);
    expect(a.write(elements(1, 1, 2), 2)).toBe(2);
    expect(a.write(elements(1, 3, 4, 5))).toBe(1);
    expectStatus(() => a.write(elements(1, 6)), Status.ERR_SHOULD_WAIT);
    const out = new Uint8Array(3);
    expect(b.read(out, 2)).toBe(2);
    expect(a.write(elements(1, 7, 8, 9))).toBe(2);
    expect(b.read(out)).toBe(3);
    expect([...out]).toEqual([3, 7, 8]);
    expectStatus(() => b.read(out), Status.ERR_SHOULD_WAIT);
  });

  test('wraps around a ring whose depth is not a power of two', () => {
    const [a, b] = Fifo.create(3, 5);
    const out = new Uint8Array(15);
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 40; round++) {
      const batch = (round % 4) + 1;
      const values = Array.from({ length: batch }, () => next++ % 256);
      let written = 0;
      while (written < batch) {
        written += a.write(elements(3, ...values.slice(written)));
        const n = b.read(out, 2);
        for (let i = 0; i < n; i++) seen.push(out[i * 3] as number);
      }
    }
    for (;;) {
      try {
        const n = b.read(out);
        for (let i = 0; i < n; i++) seen.push(out[i * 3] as number);
      } catch {
        break;
      }
    }
    expect(seen).toEqual(Array.from({ length: next }, (_, i) => i % 256));
  });

  test('sizes must be whole elements and counts positive', () => {
    const [a, b] = Fifo.create(4, 4);
    expectStatus(() => a.write(new Uint8Array(6)), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => a.write(new Uint8Array(0)), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => a.write(new Uint8Array(8), 0), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => a.write(new Uint8Array(8), 3), Status.ERR_BUFFER_TOO_SMALL);
    expectStatus(() => b.read(new Uint8Array(3)), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => b.read(new Uint8Array(8), 3), Status.ERR_BUFFER_TOO_SMALL);
    expectStatus(() => b.read(new Uint8Array(8), 0), Status.ERR_OUT_OF_RANGE);
  });

  test('peer closed: writes fail, reads drain then fail with ERR_PEER_CLOSED', () => {
    const [a, b] = Fifo.create(1, 4);
    a.write(elements(1, 5));
    a.close();
    expect(b.signals).toBe(ZX_FIFO_READABLE | ZX_FIFO_PEER_CLOSED);
    expectStatus(() => b.write(elements(1, 1)), Status.ERR_PEER_CLOSED);
    const out = new Uint8Array(1);
    expect(b.read(out)).toBe(1);
    expectStatus(() => b.read(out), Status.ERR_PEER_CLOSED);
  });

  test('a closed end is ERR_BAD_HANDLE', () => {
    const [a] = Fifo.create(1, 4);
    a.close();
    expectStatus(() => a.write(elements(1, 1)), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.read(new Uint8Array(1)), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.signals, Status.ERR_BAD_HANDLE);
    expectStatus(() => a.wait(ZX_FIFO_READABLE), Status.ERR_BAD_HANDLE);
  });
});

describe('Fifo waits', () => {
  test('signals track room and data', () => {
    const [a, b] = Fifo.create(1, 1);
    expect(a.signals).toBe(ZX_FIFO_WRITABLE);
    a.write(elements(1, 1));
    expect(a.signals).toBe(0);
    expect(b.signals).toBe(ZX_FIFO_READABLE | ZX_FIFO_WRITABLE);
  });

  test('readable and writable resolve when the other end acts', async () => {
    const [a, b] = Fifo.create(1, 1);
    const readable = b.readable();
    a.write(elements(1, 1));
    await readable;
    const writable = a.writable();
    b.read(new Uint8Array(1));
    await writable;
    a.writableBlocking();
    a.write(elements(1, 2));
    b.readableBlocking();
  });

  test('readable and writable fail with ERR_PEER_CLOSED once the peer is gone', async () => {
    const [a, b] = Fifo.create(1, 1);
    const readable = b.readable();
    a.close();
    await expectStatusAsync(readable, Status.ERR_PEER_CLOSED);
    await expectStatusAsync(b.writable(), Status.ERR_PEER_CLOSED);
    expectStatus(() => b.readableBlocking(), Status.ERR_PEER_CLOSED);
    expectStatus(() => b.writableBlocking(), Status.ERR_PEER_CLOSED);
  });

  test('deadlines and closing the waiting end', async () => {
    const [a] = Fifo.create(1, 1);
    await expectStatusAsync(a.readable(monotonicMs()), Status.ERR_TIMED_OUT);
    expectStatus(() => a.readableBlocking(monotonicMs()), Status.ERR_TIMED_OUT);
    const waiting = a.readable();
    a.close();
    await expectStatusAsync(waiting, Status.ERR_CANCELED);
  });
});

describe('Fifo try variants', () => {
  test('tryWrite and tryRead return 0 instead of ERR_SHOULD_WAIT', () => {
    const [a, b] = Fifo.create(2, 1);
    const out = new Uint8Array(2);
    expect(b.tryRead(out)).toBe(0);
    expect(a.tryWrite(elements(2, 1))).toBe(1);
    expect(a.tryWrite(elements(2, 2))).toBe(0);
    expect(b.tryRead(out)).toBe(1);
    a.close();
    expectStatus(() => b.tryRead(out), Status.ERR_PEER_CLOSED);
    expectStatus(() => b.tryWrite(elements(2, 1)), Status.ERR_PEER_CLOSED);
    expectStatus(() => a.tryRead(out), Status.ERR_BAD_HANDLE);
  });
});
