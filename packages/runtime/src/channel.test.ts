import { Handle, ObjType, Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import { env } from './env.js';
import { bytes, dispatcher, driver, expectStatus, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

/** A zx handle stand-in: the runtime must carry handles it knows nothing about. */
class FakeEvent extends Handle {
  readonly objType = ObjType.EVENT;
  closes = 0;
  protected onClose(): void {
    this.closes++;
  }
}

describe('Channel basics', () => {
  it('is a zx Handle with objType NONE (runtime handles report NONE)', () => {
    const [a, b] = Channel.create();
    expect(a).toBeInstanceOf(Handle);
    expect(a.objType).toBe(ObjType.NONE);
    expect(a.koid).not.toBe(b.koid);
  });

  it('hands a non-buffer data object over by reference, no copy', () => {
    const [a, b] = Channel.create();
    const arena = Arena.create();
    const op = { opcode: 1, offset: 4096 };
    a.write(arena, op);
    const msg = b.read();
    expect(msg.data).toBe(op);
    expect(msg.arena).toBe(arena);
  });

  it('carries runtime channels and zx handles in one list; a carried channel moves', () => {
    const [a, b] = Channel.create();
    const [c, d] = Channel.create();
    const event = new FakeEvent();
    const arena = Arena.create();
    a.write(arena, null, [c, event]);
    const msg = b.read();
    const [movedC, movedEvent] = msg.handles;
    expect(movedEvent).toBe(event);
    expect(movedC).toBeInstanceOf(Channel);
    expect(movedC).not.toBe(c);
    // The writer's handle is gone, the reader's works on the same end.
    expectStatus(() => c.write(null), Status.ERR_BAD_HANDLE);
    (movedC as Channel).write(null);
    expect(d.read().data).toBeNull();
  });
});

describe('write errors: a failed write consumes nothing', () => {
  it('PEER_CLOSED when the peer is closed; the handles stay with the caller', () => {
    const [a, b] = Channel.create();
    const [c] = Channel.create();
    b.close();
    expectStatus(() => a.write(Arena.create(), null, [c]), Status.ERR_PEER_CLOSED);
    expect(c.closed).toBe(false);
  });

  it('INVALID_ARGS: data or handles without an arena', () => {
    const [a] = Channel.create();
    const [c] = Channel.create();
    expectStatus(() => a.write(null, { x: 1 }), Status.ERR_INVALID_ARGS, /needs an arena/);
    expectStatus(() => a.write(null, null, [c]), Status.ERR_INVALID_ARGS, /needs an arena/);
    expect(c.closed).toBe(false);
  });

  it('INVALID_ARGS: a byte buffer not contained in the arena', () => {
    const [a] = Channel.create();
    const arena = Arena.create();
    const other = Arena.create();
    expectStatus(() => a.write(arena, new Uint8Array(8)), Status.ERR_INVALID_ARGS, /arena/);
    expectStatus(() => a.write(arena, other.allocate(8)), Status.ERR_INVALID_ARGS);
    expectStatus(() => a.write(arena, new ArrayBuffer(8)), Status.ERR_INVALID_ARGS);
  });

  it('INVALID_ARGS: a closed handle, and nothing else in the list is consumed', () => {
    const [a] = Channel.create();
    const [c, d] = Channel.create();
    d.close();
    const arena = Arena.create();
    const [e] = Channel.create();
    expectStatus(() => a.write(arena, null, [e, d]), Status.ERR_INVALID_ARGS, /handle 1/);
    expect(e.closed).toBe(false);
    expect(c.closed).toBe(false);
    expect(arena.refCount).toBe(1);
  });

  it('INVALID_ARGS: a transferred channel that has a pending wait', () => {
    const [a] = Channel.create();
    const [c, d] = Channel.create();
    void d;
    c.waitAsync(dispatcher(driver('x'), 'x'), () => {});
    expectStatus(() => a.write(Arena.create(), null, [c]), Status.ERR_INVALID_ARGS, /pending/);
    expect(c.closed).toBe(false);
  });

  it('NOT_SUPPORTED: the channel itself in its own handle list', () => {
    const [a] = Channel.create();
    expectStatus(() => a.write(Arena.create(), null, [a]), Status.ERR_NOT_SUPPORTED);
    expect(a.closed).toBe(false);
  });

  it('BAD_HANDLE: writing on a closed end', () => {
    const [a] = Channel.create();
    a.close();
    expectStatus(() => a.write(null), Status.ERR_BAD_HANDLE);
  });
});

describe('read', () => {
  it('FIFO; SHOULD_WAIT when empty; PEER_CLOSED when empty and the peer is gone', () => {
    const [a, b] = Channel.create();
    const arena = Arena.create();
    expectStatus(() => b.read(), Status.ERR_SHOULD_WAIT);
    a.write(arena, 1);
    a.write(arena, 2);
    a.write(arena, 3);
    expect([b.read().data, b.read().data]).toEqual([1, 2]);
    a.close();
    // Messages queued before the peer closed stay readable.
    expect(b.read().data).toBe(3);
    expectStatus(() => b.read(), Status.ERR_PEER_CLOSED);
  });

  it('the reader gets its own reference on the message arena', () => {
    const [a, b] = Channel.create();
    const arena = Arena.create();
    const data = bytes(arena, [1, 2, 3]);
    a.write(arena, data);
    arena.release(); // the writer is done with it
    expect(arena.destroyed).toBe(false);
    const msg = b.read();
    expect(msg.arena).toBe(arena);
    expect(Array.from(msg.data as Uint8Array)).toEqual([1, 2, 3]);
    msg.arena?.release();
    expect(arena.destroyed).toBe(true);
  });
});

describe('waitAsync errors, checked in order', () => {
  it('PEER_CLOSED before BAD_STATE before UNAVAILABLE', () => {
    const d = dispatcher(driver('a'), 'd');
    const dead = dispatcher(driver('b'), 'dead');
    dead.shutdownAsync();
    const [a, b] = Channel.create();
    a.waitAsync(d, () => {});
    b.close();
    // Queue empty and peer closed wins over "already registered" and "not running".
    expectStatus(() => a.waitAsync(dead, () => {}), Status.ERR_PEER_CLOSED);
    const [c, e] = Channel.create();
    void e;
    c.waitAsync(d, () => {});
    expectStatus(() => c.waitAsync(dead, () => {}), Status.ERR_BAD_STATE, /already has a wait/);
    const [f] = Channel.create();
    expectStatus(() => f.waitAsync(dead, () => {}), Status.ERR_UNAVAILABLE);
  });

  it('queued messages after the peer closed still allow a wait', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    a.write(null);
    a.close();
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s));
    env.runUntilIdle();
    expect(seen).toEqual([Status.OK]);
  });
});

describe('close', () => {
  it("the peer's pending wait gets PEER_CLOSED when its queue is empty", () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s));
    a.close();
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
  });

  it('a peer with unread messages gets OK, reads them all, then cannot wait again', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    a.write(null);
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s));
    a.close();
    env.runUntilIdle();
    expect(seen).toEqual([Status.OK]);
    b.read();
    expectStatus(() => b.waitAsync(d, () => {}), Status.ERR_PEER_CLOSED);
  });

  it('unread messages are dropped: arena references released, handles closed', () => {
    const [a, b] = Channel.create();
    const arena = Arena.create();
    const event = new FakeEvent();
    a.write(arena, null, [event]);
    arena.release();
    expect(arena.destroyed).toBe(false);
    b.close();
    expect(arena.destroyed).toBe(true);
    expect(event.closes).toBe(1);
  });

  it('recursive close: a channel inside a dropped message closes and its peer sees PEER_CLOSED', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    const [c1, c2] = Channel.create();
    const [e1, e2] = Channel.create();
    const arena = Arena.create();
    // e1 travels inside a message queued on c2, which travels inside a message queued on b.
    c1.write(arena, null, [e1]);
    a.write(arena, null, [c2]);
    const seen: string[] = [];
    e2.waitAsync(d, (s) => seen.push(`e2:${Status[s]}`));
    c1.waitAsync(d, (s) => seen.push(`c1:${Status[s]}`));
    b.close();
    env.runUntilIdle();
    expect(seen.sort()).toEqual(['c1:ERR_PEER_CLOSED', 'e2:ERR_PEER_CLOSED']);
    expect(arena.refCount).toBe(1);
  });

  it('closing an end that has its own pending wait drops it: the handler never runs', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    let calls = 0;
    b.waitAsync(d, () => calls++);
    b.close();
    a.close();
    env.runUntilIdle();
    expect(calls).toBe(0);
  });

  it('closing drops the wait even when its hand-over is already queued', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    let calls = 0;
    b.waitAsync(d, () => calls++);
    a.write(null); // queued (unknown thread)
    expect(env.hasQueuedTasks(d)).toBe(false); // a wait, not a task
    b.close();
    env.runUntilIdle();
    expect(calls).toBe(0);
  });

  it('closing twice is BAD_HANDLE, like any zx handle', () => {
    const [a] = Channel.create();
    a.close();
    expectStatus(() => a.close(), Status.ERR_BAD_HANDLE);
  });
});

describe('cancelWait', () => {
  it('synchronized, no forceAsyncCancel: synchronous from any caller; handler never runs; message stays', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    let calls = 0;
    b.waitAsync(d, () => calls++);
    b.cancelWait();
    a.write(null);
    env.runUntilIdle();
    expect(calls).toBe(0);
    expect(b.read().data).toBeNull();
  });

  it('synchronized: a hand-over already queued is removed', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    let calls = 0;
    b.waitAsync(d, () => calls++);
    a.write(Arena.create(), 1); // queued: unknown thread
    b.cancelWait();
    env.runUntilIdle();
    expect(calls).toBe(0);
    expect(b.read().data).toBe(1);
    // The wait is free again.
    b.waitAsync(d, () => calls++);
    a.write(Arena.create(), 2);
    env.runUntilIdle();
    expect(calls).toBe(1);
  });

  it('unsynchronized: OK, then the handler runs once with CANCELED', () => {
    const d = dispatcher(driver('a'), 'd', { synchronized: false });
    const [a, b] = Channel.create();
    void a;
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s));
    b.cancelWait();
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_CANCELED]);
  });

  it('forceAsyncCancel on a synchronized dispatcher: a queued hand-over turns into CANCELED', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s), { forceAsyncCancel: true });
    a.write(Arena.create(), 1); // queued with OK
    b.cancelWait();
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_CANCELED]);
    expect(b.read().data).toBe(1);
  });

  it('NOT_FOUND when nothing is registered', () => {
    const [a] = Channel.create();
    expectStatus(() => a.cancelWait(), Status.ERR_NOT_FOUND);
  });

  it('NOT_FOUND when the handler is running now', () => {
    const d = dispatcher(driver('a'), 'd', { synchronized: false });
    const [a, b] = Channel.create();
    let inside: Status | null = null;
    b.waitAsync(d, () => {
      try {
        b.cancelWait();
      } catch (err) {
        inside = (err as { status: Status }).status;
      }
    });
    a.write(null);
    env.runUntilIdle();
    expect(inside).toBe(Status.ERR_NOT_FOUND);
  });

  it('forceAsyncCancel: NOT_FOUND once the CANCELED hand-over is running', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    void a;
    const seen: Status[] = [];
    b.waitAsync(d, (s) => seen.push(s), { forceAsyncCancel: true });
    b.cancelWait();
    // The CANCELED hand-over is queued; a second cancel finds it and leaves it CANCELED.
    b.cancelWait();
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_CANCELED]);
    expectStatus(() => b.cancelWait(), Status.ERR_NOT_FOUND);
  });
});

describe('writes into other drivers', () => {
  it('a forwarding driver edits the same op object on the way down (zero copy)', () => {
    const top = dispatcher(driver('top'), 'top');
    const mid = dispatcher(driver('mid'), 'mid');
    const [t2m, m1] = Channel.create();
    const [m2b, bottom] = Channel.create();
    m1.waitAsync(mid, () => {
      const msg = m1.read<{ offset: number }>();
      (msg.data as { offset: number }).offset += 100;
      m2b.write(msg.arena, msg.data);
      msg.arena?.release();
    });
    const op = { offset: 1 };
    onDispatcher(top, () => {
      const arena = Arena.create();
      t2m.write(arena, op);
      arena.release();
    });
    const got = bottom.read();
    expect(got.data).toBe(op);
    expect(op.offset).toBe(101);
  });
});
