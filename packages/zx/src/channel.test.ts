import { describe, expect, test } from 'vitest';
import { expectStatus, expectStatusAsync } from '../test/expectStatus.js';
import { ZxChannel, ZX_CHANNEL_MAX_MSG_BYTES, ZX_CHANNEL_MAX_MSG_HANDLES } from './channel.js';
import { deadlineAfter, monotonicMs } from './clock.js';
import { Event } from './event.js';
import { Fifo } from './fifo.js';
import { Handle, ObjType } from './handle.js';
import { ZX_RIGHT_READ } from './rights.js';
import {
  ZX_CHANNEL_PEER_CLOSED,
  ZX_CHANNEL_READABLE,
  ZX_CHANNEL_WRITABLE,
  ZX_EVENT_SIGNALED,
} from './signals.js';
import { Status } from './status.js';
import { Vmo } from './vmo.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

class LocalOnly extends Handle {
  readonly objType = ObjType.NONE;
  protected onClose(): void {}
}

/** Lets the event loop deliver port events without sleeping for a fixed time. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ZxChannel read and write', () => {
  test('messages arrive in order with their own copy of the bytes', () => {
    const [a, b] = ZxChannel.create();
    const data = bytes(1, 2, 3);
    a.write(data);
    data[0] = 9;
    a.write(bytes(4));
    a.write(new Uint8Array(0));
    expect([...b.read().bytes]).toEqual([1, 2, 3]);
    expect([...b.read().bytes]).toEqual([4]);
    const empty = b.read();
    expect(empty.bytes.length).toBe(0);
    expect(empty.handles).toEqual([]);
  });

  test('tryRead returns null instead of ERR_SHOULD_WAIT', () => {
    const [a, b] = ZxChannel.create();
    expect(b.tryRead()).toBeNull();
    a.write(bytes(1));
    expect(b.tryRead()?.bytes[0]).toBe(1);
    a.close();
    expectStatus(() => b.tryRead(), Status.ERR_PEER_CLOSED);
  });

  test('both directions are independent', () => {
    const [a, b] = ZxChannel.create();
    a.write(bytes(1));
    b.write(bytes(2));
    expect(a.read().bytes[0]).toBe(2);
    expect(b.read().bytes[0]).toBe(1);
  });

  test('an empty channel is ERR_SHOULD_WAIT; once the peer closes, ERR_PEER_CLOSED after the queue drains', () => {
    const [a, b] = ZxChannel.create();
    expectStatus(() => b.read(), Status.ERR_SHOULD_WAIT);
    a.write(bytes(1));
    a.write(bytes(2));
    a.close();
    expect(b.read().bytes[0]).toBe(1);
    expect(b.read().bytes[0]).toBe(2);
    expectStatus(() => b.read(), Status.ERR_PEER_CLOSED);
  });

  test('writing toward a closed peer is ERR_PEER_CLOSED and keeps the handles', () => {
    const [a, b] = ZxChannel.create();
    b.close();
    const vmo = Vmo.create(1);
    expectStatus(() => a.write(bytes(1), [vmo]), Status.ERR_PEER_CLOSED);
    expect(vmo.closed).toBe(false);
  });

  test('a closed end is ERR_BAD_HANDLE', () => {
    const [a] = ZxChannel.create();
    a.close();
    expectStatus(() => a.write(bytes(1)), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.read(), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.readBlocking(), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.call(bytes(0, 0, 0, 0)), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.wait(), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.close(), Status.ERR_BAD_HANDLE);
  });

  test('signals follow the queue and the peer', () => {
    const [a, b] = ZxChannel.create();
    expect(b.signals).toBe(ZX_CHANNEL_WRITABLE);
    a.write(bytes(1));
    expect(b.signals).toBe(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE);
    a.close();
    expect(b.signals).toBe(ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
    b.read();
    expect(b.signals).toBe(ZX_CHANNEL_PEER_CLOSED);
  });
});

describe('ZxChannel limits', () => {
  test('65536 bytes and 64 handles fit; one more is ERR_OUT_OF_RANGE and consumes nothing', () => {
    const [a, b] = ZxChannel.create();
    a.write(new Uint8Array(ZX_CHANNEL_MAX_MSG_BYTES));
    expect(b.read().bytes.length).toBe(ZX_CHANNEL_MAX_MSG_BYTES);
    const err = expectStatus(
      () => a.write(new Uint8Array(ZX_CHANNEL_MAX_MSG_BYTES + 1)),
      Status.ERR_OUT_OF_RANGE,
    );
    expect(err.message).toContain('65537 bytes');
    const events = Array.from({ length: ZX_CHANNEL_MAX_MSG_HANDLES + 1 }, () => Event.create());
    expectStatus(() => a.write(bytes(), events), Status.ERR_OUT_OF_RANGE);
    expect(events.some((e) => e.closed)).toBe(false);
    a.write(bytes(), events.slice(0, ZX_CHANNEL_MAX_MSG_HANDLES));
    expect(b.read().handles.length).toBe(ZX_CHANNEL_MAX_MSG_HANDLES);
    expect(events.slice(0, ZX_CHANNEL_MAX_MSG_HANDLES).every((e) => e.closed)).toBe(true);
  });

  test('bad handles fail the whole write and consume nothing', () => {
    const [a, b] = ZxChannel.create();
    const vmo = Vmo.create(1);
    const closed = Event.create();
    closed.close();
    expectStatus(() => a.write(bytes(1), [vmo, closed]), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.write(bytes(1), [vmo, vmo]), Status.ERR_BAD_HANDLE);
    expectStatus(() => a.write(bytes(1), [vmo, a]), Status.ERR_NOT_SUPPORTED);
    expectStatus(() => a.write(bytes(1), [vmo, b]), Status.ERR_NOT_SUPPORTED);
    expectStatus(() => a.write(bytes(1), [vmo, new LocalOnly()]), Status.ERR_NOT_SUPPORTED);
    expectStatus(
      () => a.write(bytes(1), [vmo, Vmo.create(1).duplicate(ZX_RIGHT_READ)]),
      Status.ERR_ACCESS_DENIED,
    );
    expectStatus(() => a.write('text' as never), Status.ERR_INVALID_ARGS);
    expect(vmo.closed).toBe(false);
    expectStatus(() => b.read(), Status.ERR_SHOULD_WAIT);
  });
});

describe('ZxChannel handle transfer', () => {
  test('a VMO arrives as the same memory and the sender loses its handle', () => {
    const [a, b] = ZxChannel.create();
    const vmo = Vmo.create(4096);
    const keep = vmo.duplicate();
    a.write(bytes(7), [vmo]);
    expect(vmo.closed).toBe(true);
    const [received] = b.read().handles;
    expect(received).toBeInstanceOf(Vmo);
    (received as Vmo).write(bytes(5, 6), 100);
    expect([...keep.read(100, 2)]).toEqual([5, 6]);
  });

  test('a channel end travels through another channel and still talks to its peer', () => {
    const [a, b] = ZxChannel.create();
    const [c, d] = ZxChannel.create();
    c.write(bytes(1));
    a.write(bytes(), [d]);
    const moved = b.read().handles[0] as ZxChannel;
    expect(moved).toBeInstanceOf(ZxChannel);
    expect(moved.read().bytes[0]).toBe(1);
    moved.write(bytes(2));
    expect(c.read().bytes[0]).toBe(2);
    moved.close();
    expectStatus(() => c.read(), Status.ERR_PEER_CLOSED);
  });

  test('events and fifos travel as their shared state', () => {
    const [a, b] = ZxChannel.create();
    const event = Event.create();
    const watch = event.duplicate();
    const [f0, f1] = Fifo.create(4, 4);
    a.write(bytes(), [event, f1]);
    const [e, f] = b.read().handles as [Event, Fifo];
    e.signal(0, ZX_EVENT_SIGNALED);
    expect(watch.signals).toBe(ZX_EVENT_SIGNALED);
    f.write(bytes(1, 2, 3, 4));
    const out = new Uint8Array(4);
    expect(f0.read(out)).toBe(1);
    expect([...out]).toEqual([1, 2, 3, 4]);
  });

  test('an end is recognized as the peer even after it travelled, and refused', () => {
    const [a, b] = ZxChannel.create();
    const [c, d] = ZxChannel.create();
    c.write(bytes(), [b]);
    const moved = d.read().handles[0] as ZxChannel;
    expectStatus(() => a.write(bytes(), [moved]), Status.ERR_NOT_SUPPORTED);
    expect(moved.closed).toBe(false);
    moved.write(bytes(3));
    expect(a.read().bytes[0]).toBe(3);
  });

  test('closing an end with unread messages closes the handles inside them', () => {
    const [a, b] = ZxChannel.create();
    const [c, d] = ZxChannel.create();
    a.write(bytes(), [d]);
    b.close();
    expectStatus(() => c.read(), Status.ERR_PEER_CLOSED);
    expectStatus(() => c.write(bytes(1)), Status.ERR_PEER_CLOSED);
  });

  test('a moved end takes its already-delivered messages along, in order', async () => {
    const [a, b] = ZxChannel.create();
    const [c, d] = ZxChannel.create();
    c.write(bytes(1));
    c.write(bytes(2));
    await d.wait();
    await turn();
    c.write(bytes(3));
    a.write(bytes(), [d]);
    c.write(bytes(4));
    const moved = b.read().handles[0] as ZxChannel;
    const seen = [1, 2, 3, 4].map(() => moved.read().bytes[0]);
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('ZxChannel async waits', () => {
  test('wait resolves when a message arrives, readAsync returns it', async () => {
    const [a, b] = ZxChannel.create();
    const waiting = b.wait();
    a.write(bytes(1));
    expect((await waiting) & ZX_CHANNEL_READABLE).toBe(ZX_CHANNEL_READABLE);
    const reading = b.readAsync();
    expect((await reading).bytes[0]).toBe(1);
    const later = b.readAsync();
    a.write(bytes(2));
    expect((await later).bytes[0]).toBe(2);
  });

  test('wait resolves on peer close; readAsync then fails with ERR_PEER_CLOSED', async () => {
    const [a, b] = ZxChannel.create();
    const waiting = b.wait(ZX_CHANNEL_PEER_CLOSED);
    const reading = b.readAsync();
    a.close();
    expect(await waiting).toBe(ZX_CHANNEL_PEER_CLOSED);
    await expectStatusAsync(reading, Status.ERR_PEER_CLOSED);
  });

  test('deadlines give ERR_TIMED_OUT', async () => {
    const [, b] = ZxChannel.create();
    await expectStatusAsync(b.wait(ZX_CHANNEL_READABLE, monotonicMs()), Status.ERR_TIMED_OUT);
    await expectStatusAsync(b.readAsync(deadlineAfter(5)), Status.ERR_TIMED_OUT);
    expectStatus(() => b.readBlocking(monotonicMs()), Status.ERR_TIMED_OUT);
  });

  test('closing an end cancels its pending waits', async () => {
    const [, b] = ZxChannel.create();
    const waiting = b.wait();
    b.close();
    await expectStatusAsync(waiting, Status.ERR_CANCELED);
  });

  test('order holds when event delivery and synchronous reads interleave', async () => {
    const [a, b] = ZxChannel.create();
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5; i++) a.write(bytes(next++));
      if (round % 2 === 0) await turn();
      seen.push(b.read().bytes[0] as number);
      if (round % 3 === 0) seen.push((await b.readAsync()).bytes[0] as number);
    }
    for (;;) {
      try {
        seen.push(b.read().bytes[0] as number);
      } catch {
        break;
      }
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('ZxChannel.call', () => {
  test('needs 4 bytes for the txid', () => {
    const [a] = ZxChannel.create();
    expectStatus(() => a.call(bytes(1, 2, 3)), Status.ERR_INVALID_ARGS);
    return expectStatusAsync(a.callAsync(bytes(1)), Status.ERR_INVALID_ARGS);
  });

  test('callAsync matches the reply by txid and leaves other messages queued in order', async () => {
    const [client, server] = ZxChannel.create();
    const request = bytes(0, 0, 0, 0, 42);
    const replying = client.callAsync(request);
    expect([...request]).toEqual([0, 0, 0, 0, 42]);
    const got = await server.readAsync();
    const txid = new DataView(got.bytes.buffer).getUint32(0, true);
    expect(txid >>> 31).toBe(1);
    expect(got.bytes[4]).toBe(42);
    server.write(bytes(1, 0, 0, 0));
    const reply = got.bytes.slice();
    reply[4] = 43;
    server.write(reply);
    server.write(bytes(2, 0, 0, 0));
    expect((await replying).bytes[4]).toBe(43);
    await client.wait();
    expect(client.read().bytes[0]).toBe(1);
    expect((await client.readAsync()).bytes[0]).toBe(2);
  });

  test('concurrent async calls get their own replies', async () => {
    const [client, server] = ZxChannel.create();
    const first = client.callAsync(bytes(0, 0, 0, 0, 1));
    const second = client.callAsync(bytes(0, 0, 0, 0, 2));
    const r1 = await server.readAsync();
    const r2 = await server.readAsync();
    expect(r1.bytes.subarray(0, 4)).not.toEqual(r2.bytes.subarray(0, 4));
    server.write(r2.bytes);
    server.write(r1.bytes);
    expect((await first).bytes[4]).toBe(1);
    expect((await second).bytes[4]).toBe(2);
  });

  test('a call whose deadline passed is ERR_TIMED_OUT and its late reply is queued normally', () => {
    const [client, server] = ZxChannel.create();
    expectStatus(() => client.call(bytes(0, 0, 0, 0, 5), [], monotonicMs()), Status.ERR_TIMED_OUT);
    const request = server.read();
    expect(request.bytes[4]).toBe(5);
    server.write(request.bytes);
    expect(client.read().bytes[4]).toBe(5);
  });

  test('the peer closing fails pending and new calls with ERR_PEER_CLOSED', async () => {
    const [client, server] = ZxChannel.create();
    const pending = client.callAsync(bytes(0, 0, 0, 0));
    server.close();
    await expectStatusAsync(pending, Status.ERR_PEER_CLOSED);
    expectStatus(() => client.call(bytes(0, 0, 0, 0)), Status.ERR_PEER_CLOSED);
  });

  test('an end with async calls in flight cannot be sent away', async () => {
    const [client, server] = ZxChannel.create();
    const [x] = ZxChannel.create();
    const pending = client.callAsync(bytes(0, 0, 0, 0));
    expectStatus(() => x.write(bytes(), [client]), Status.ERR_BAD_STATE);
    const request = await server.readAsync();
    server.write(request.bytes);
    await pending;
  });
});
