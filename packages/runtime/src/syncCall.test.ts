import { Handle, ObjType, Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel, MIN_TXID } from './channel.js';
import { FakeClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import type { Message } from './types.js';
import { bytes, dispatcher, driver, expectStatus, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

function txidOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
}

/** Writes a reply to `msg` on `end`: same txid, then `value`. */
function reply(end: Channel, msg: Message, value: number): void {
  const arena = Arena.create();
  const out = arena.allocate(5);
  out.set((msg.data as Uint8Array).subarray(0, 4));
  out[4] = value;
  end.write(arena, out);
  arena.release();
}

/** A server on `d` that answers every request with its byte 4 plus one. */
function echoServer(end: Channel, d: Dispatcher): void {
  end.waitAsync(d, function onRequest(status) {
    if (status !== Status.OK) return;
    const msg = end.read();
    reply(end, msg, ((msg.data as Uint8Array)[4] ?? 0) + 1);
    end.waitAsync(d, onRequest);
  });
}

function request(value: number): [Arena, Uint8Array] {
  const arena = Arena.create();
  return [arena, bytes(arena, [0, 0, 0, 0, value])];
}

describe('sync calls: who may call', () => {
  it('a plain synchronized dispatcher may not call: ERR_BAD_STATE', () => {
    const plain = dispatcher(driver('a'), 'plain');
    const [client] = Channel.create();
    const err = onDispatcher(plain, () => {
      try {
        client.call(...request(1));
      } catch (e) {
        return e as { status: Status; message: string };
      }
      return null;
    });
    expect(err?.status).toBe(Status.ERR_BAD_STATE);
    expect(err?.message).toMatch(/allowSyncCalls/);
  });

  it('callers with no current dispatcher are allowed', () => {
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    echoServer(serverEnd, server);
    const got = client.call(...request(41));
    expect((got.data as Uint8Array)[4]).toBe(42);
  });

  it('a synchronized allowSyncCalls dispatcher may call; the server handler inlines', () => {
    const caller = dispatcher(driver('a'), 'caller', { allowSyncCalls: true });
    const server = dispatcher(driver('s'), 'server', { allowSyncCalls: true });
    const [client, serverEnd] = Channel.create();
    echoServer(serverEnd, server);
    const value = onDispatcher(caller, () => (client.call(...request(1)).data as Uint8Array)[4]);
    expect(value).toBe(2);
    expect(server.stats()).toMatchObject({ processed: 1, inlined: 1 });
  });
});

describe('sync calls: data and txid', () => {
  it('data shorter than 4 bytes: ERR_INVALID_ARGS, handles not consumed', () => {
    const [client] = Channel.create();
    const [c] = Channel.create();
    const arena = Arena.create();
    expectStatus(
      () => client.call(arena, arena.allocate(3), [c]),
      Status.ERR_INVALID_ARGS,
      /4 bytes/,
    );
    expect(c.closed).toBe(false);
  });

  it('the txid is in [0x80000000, 0xFFFFFFFF], little-endian in the first 4 bytes, unique among pending calls', () => {
    const outer = dispatcher(driver('a'), 'outer', { allowSyncCalls: true });
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    const seen: number[] = [];
    // The server answers only once both calls are pending, the inner one first.
    serverEnd.waitAsync(server, function onRequest() {
      const pending: Message[] = [];
      for (;;) {
        try {
          pending.push(serverEnd.read());
        } catch {
          break;
        }
      }
      for (const m of pending) seen.push(txidOf(m.data as Uint8Array));
      if (pending.length < 2) {
        serverEnd.waitAsync(server, onRequest);
        return;
      }
      for (const m of pending.reverse()) reply(serverEnd, m, 0);
    });
    // A call from test code; while it waits, the nested drain runs outer's task, which calls too.
    outer.post(() => {
      client.call(...request(2));
    });
    const [arena, data] = request(1);
    client.call(arena, data);
    expect(seen).toHaveLength(2);
    const [first, second] = seen as [number, number];
    expect(first).not.toBe(second);
    for (const t of seen) {
      expect(t).toBeGreaterThanOrEqual(MIN_TXID);
      expect(t).toBeLessThanOrEqual(0xffffffff);
    }
    // The caller's own buffer carries the txid the runtime wrote.
    expect(seen).toContain(txidOf(data));
  });
});

describe('sync calls: the wait', () => {
  it('the matching reply bypasses the queue and the read handler', () => {
    const clientSide = dispatcher(driver('c'), 'client-side');
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    const readHandler: Status[] = [];
    client.waitAsync(clientSide, (s) => readHandler.push(s));
    echoServer(serverEnd, server);
    const got = client.call(...request(7));
    expect((got.data as Uint8Array)[4]).toBe(8);
    env.runUntilIdle();
    expect(readHandler).toEqual([]);
    expectStatus(() => client.read(), Status.ERR_SHOULD_WAIT);
  });

  it("while waiting, other dispatchers run; the caller's dispatcher stays busy so messages to it queue", () => {
    const a = driver('a');
    const caller = dispatcher(a, 'caller', { allowSyncCalls: true });
    const server = dispatcher(driver('s'), 'server', { allowSyncCalls: true });
    const [client, serverEnd] = Channel.create();
    const [toCaller, callerInbox] = Channel.create();
    const log: string[] = [];
    callerInbox.waitAsync(caller, () => {
      callerInbox.read();
      log.push(`caller got a message on ${Dispatcher.current()?.name}`);
    });
    serverEnd.waitAsync(server, () => {
      const msg = serverEnd.read();
      toCaller.write(null); // the caller is blocked: this queues
      log.push('server replies');
      reply(serverEnd, msg, 0);
    });
    onDispatcher(caller, () => {
      client.call(...request(0));
      log.push('call returned');
    });
    expect(log).toEqual(['server replies', 'call returned', 'caller got a message on caller']);
    expect(caller.stats().notInlined.parallelDispatch).toBe(1);
  });

  it('peer closed before the call: ERR_PEER_CLOSED, and the handles are consumed anyway', () => {
    const [client, serverEnd] = Channel.create();
    serverEnd.close();
    const [c, cPeer] = Channel.create();
    const seen: Status[] = [];
    cPeer.waitAsync(dispatcher(driver('x'), 'x'), (s) => seen.push(s));
    const [arena, data] = request(0);
    expectStatus(() => client.call(arena, data, [c]), Status.ERR_PEER_CLOSED);
    expect(c.closed).toBe(true);
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
    expect(arena.refCount).toBe(1);
  });

  it('peer closed during the call: ERR_PEER_CLOSED', () => {
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    serverEnd.waitAsync(server, () => serverEnd.close());
    expectStatus(() => client.call(...request(0)), Status.ERR_PEER_CLOSED, /closed/);
  });

  it('handles written by a call that then fails belong to the message', () => {
    env.setClock(new FakeClock());
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    const [c] = Channel.create();
    serverEnd.waitAsync(server, () => (env.clock() as FakeClock).advance(10));
    const [arena, data] = request(0);
    expectStatus(() => client.call(arena, data, [c], env.now() + 5), Status.ERR_TIMED_OUT);
    expectStatus(() => c.write(null), Status.ERR_BAD_HANDLE);
    const carried = serverEnd.read().handles[0];
    expect(carried).toBeInstanceOf(Channel);
    expect(carried?.closed).toBe(false);
  });
});

describe('sync calls: deadlines (fake clock)', () => {
  it('deadline passed while waiting: ERR_TIMED_OUT, and the late reply is queued normally', () => {
    const clock = new FakeClock();
    env.setClock(clock);
    const server = dispatcher(driver('s'), 'server');
    const clientSide = dispatcher(driver('c'), 'client-side');
    const [client, serverEnd] = Channel.create();
    let held: Message | null = null;
    serverEnd.waitAsync(server, () => {
      held = serverEnd.read();
      clock.advance(100); // the server is slow
    });
    expectStatus(
      () => client.call(...request(3), [], env.now() + 50),
      Status.ERR_TIMED_OUT,
      /late reply/,
    );
    const late: number[] = [];
    client.waitAsync(clientSide, () => late.push((client.read().data as Uint8Array)[4] ?? -1));
    reply(serverEnd, held as unknown as Message, 9);
    env.runUntilIdle();
    expect(late).toEqual([9]);
  });

  it('fake clock, nothing can progress, deadline not passed: ERR_BAD_STATE (deadlock), not a hang', () => {
    env.setClock(new FakeClock());
    const [client, serverEnd] = Channel.create();
    void serverEnd; // nobody serves it
    expectStatus(
      () => client.call(...request(0), [], env.now() + 1000),
      Status.ERR_BAD_STATE,
      /deadlock/,
    );
  });

  it('fake clock, only a delayed task could reply: ERR_BAD_STATE, the clock cannot advance', () => {
    env.setClock(new FakeClock());
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    serverEnd.waitAsync(server, () => {
      const msg = serverEnd.read();
      server.postDelayed(() => reply(serverEnd, msg, 0), 10);
    });
    expectStatus(
      () => client.call(...request(0)),
      Status.ERR_BAD_STATE,
      /fake clock cannot advance/,
    );
  });

  it('nothing can progress and the deadline has passed: ERR_TIMED_OUT', () => {
    const clock = new FakeClock();
    env.setClock(clock);
    const [client] = Channel.create();
    expectStatus(() => client.call(...request(0), [], clock.now()), Status.ERR_TIMED_OUT);
  });
});

describe('sync calls: real clock', () => {
  it('without a deadline the call waits as long as a reply can still come (a delayed reply)', () => {
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    serverEnd.waitAsync(server, () => {
      const msg = serverEnd.read();
      server.postDelayed(() => reply(serverEnd, msg, 5), 1);
    });
    const got = client.call(...request(0));
    expect((got.data as Uint8Array)[4]).toBe(5);
  });
});

describe('sync calls: deadlock report', () => {
  it('names the blocked dispatchers and their drivers by name', () => {
    const a = driver('driver-a');
    const b = driver('driver-b');
    const da = dispatcher(a, 'disp-a', { allowSyncCalls: true });
    const db = dispatcher(b, 'disp-b', { allowSyncCalls: true });
    const [toB, bEnd] = Channel.create();
    const [toA, aEnd] = Channel.create();
    echoServer(aEnd, da); // a serves requests on disp-a, which will be blocked
    let message = '';
    bEnd.waitAsync(db, () => {
      const msg = bEnd.read();
      try {
        toA.call(...request(0)); // a is on the stack, blocked in its own call
      } catch (err) {
        message = (err as Error).message;
      }
      reply(bEnd, msg, 0);
    });
    onDispatcher(da, () => toB.call(...request(0)));
    expect(message).toMatch(/ZX_ERR_BAD_STATE: deadlock/);
    expect(message).toContain("dispatcher 'disp-a' (driver driver-a)");
    expect(message).toContain("dispatcher 'disp-b' (driver driver-b)");
  });
});

describe('sync calls: zx handles travel too', () => {
  it('a zx handle in a call reaches the server by reference', () => {
    class FakeVmo extends Handle {
      readonly objType = ObjType.VMO;
      protected onClose(): void {}
    }
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    const vmo = new FakeVmo();
    let got: Handle | undefined;
    serverEnd.waitAsync(server, () => {
      const msg = serverEnd.read();
      got = msg.handles[0];
      reply(serverEnd, msg, 0);
    });
    const [arena, data] = request(0);
    client.call(arena, data, [vmo]);
    expect(got).toBe(vmo);
  });
});
