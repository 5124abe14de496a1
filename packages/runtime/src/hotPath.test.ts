/**
 * The message path's shortcuts (see the performance notes in channel.ts and
 * dispatcher.ts) must behave exactly like the plain code they replace.
 */
import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena, isArena } from './arena.js';
import { pooledRequestCount } from './callbackRequest.js';
import { Channel } from './channel.js';
import { Dispatcher, isDispatcher } from './dispatcher.js';
import { env } from './env.js';
import { isDriverOnStack, stackDepth } from './callStack.js';
import {
  dispatcher,
  driver,
  expectStatus,
  inDriver,
  notInlined,
  onDispatcher,
} from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

describe('prototype checks instead of instanceof', () => {
  it('isArena answers what instanceof Arena answers', () => {
    const arena = Arena.create();
    const moved = Arena.create();
    Object.setPrototypeOf(moved, {});
    const fake = Object.create(Arena.prototype) as object;
    const deeper = Object.create(fake) as object;
    const candidates: unknown[] = [arena, moved, fake, deeper, {}, null, undefined, 0, 'arena'];
    for (const x of candidates) expect(isArena(x)).toBe(x instanceof Arena);
  });

  it('isDispatcher answers what instanceof Dispatcher answers', () => {
    const d = dispatcher(driver('a'), 'd');
    const fake = Object.create(Dispatcher.prototype) as object;
    const candidates: unknown[] = [d, fake, {}, null, undefined, 1, () => {}];
    for (const x of candidates) expect(isDispatcher(x)).toBe(x instanceof Dispatcher);
  });

  it('write and waitAsync still reject look-alikes', () => {
    const [a, b] = Channel.create();
    const notAnArena = { allocate: () => new Uint8Array(8) };
    expectStatus(
      () => a.write(notAnArena as unknown as Arena, {}),
      Status.ERR_INVALID_ARGS,
      /live Arena/,
    );
    const notADispatcher = { name: 'x', state: 'running' };
    expectStatus(
      () => b.waitAsync(notADispatcher as unknown as Dispatcher, () => {}),
      Status.ERR_INVALID_ARGS,
      /needs a Dispatcher/,
    );
  });
});

describe('the common-message payload check', () => {
  it('keeps every check of the full path', () => {
    const [a, b] = Channel.create();
    const arena = Arena.create();
    const other = Arena.create();
    expectStatus(() => a.write(arena, new ArrayBuffer(8)), Status.ERR_INVALID_ARGS, /raw buffer/);
    expectStatus(
      () => a.write(arena, new SharedArrayBuffer(8)),
      Status.ERR_INVALID_ARGS,
      /raw buffer/,
    );
    expectStatus(() => a.write(arena, other.allocate(8)), Status.ERR_INVALID_ARGS, /does not lie/);
    const dead = Arena.create();
    dead.release();
    expectStatus(() => a.write(dead, {}), Status.ERR_INVALID_ARGS, /live Arena/);
    // Nothing was sent, and the arena took no reference.
    expectStatus(() => b.read(), Status.ERR_SHOULD_WAIT);
    expect(arena.refCount).toBe(1);
    // What passes: plain objects, primitives, views from the arena.
    const view = arena.allocate(8);
    for (const data of [{ op: 1 }, 7, 'text', view]) a.write(arena, data);
    expect([b.read().data, b.read().data, b.read().data, b.read().data]).toEqual([
      { op: 1 },
      7,
      'text',
      view,
    ]);
  });
});

describe('waitAsync options', () => {
  it('null options read as none, as before', () => {
    const d = dispatcher(driver('a'), 'd');
    const [a, b] = Channel.create();
    const seen: Status[] = [];
    b.waitAsync(d, (status) => seen.push(status), null as unknown as undefined);
    b.cancelWait(); // synchronous: not a forceAsyncCancel wait
    a.write(null);
    env.runUntilIdle();
    expect(seen).toEqual([]);
  });
});

describe("a channel end's own wait record", () => {
  it('re-arming from the handler takes nothing from the request pool', () => {
    const server = dispatcher(driver('s'), 'server');
    const client = dispatcher(driver('c'), 'client');
    const [a, b] = Channel.create();
    const statuses: Status[] = [];
    b.waitAsync(server, function onMsg(status) {
      statuses.push(status);
      if (status !== Status.OK) return;
      b.read();
      b.waitAsync(server, onMsg);
    });
    onDispatcher(client, () => {}); // the task's record comes from the pool and goes back
    const pooled = pooledRequestCount();
    onDispatcher(client, () => {
      for (let i = 0; i < 10; i++) a.write(null); // inlined
    });
    for (let i = 0; i < 10; i++) a.write(null); // queued
    env.runUntilIdle();
    expect(statuses).toEqual(new Array(20).fill(Status.OK));
    expect(pooledRequestCount()).toBe(pooled);
    a.close();
    env.runUntilIdle();
    expect(statuses.slice(20)).toEqual([Status.ERR_PEER_CLOSED]);
  });

  it('a wait left registered on a dispatcher forgotten by env.reset: cancel, then wait again', () => {
    const old = dispatcher(driver('old'), 'old');
    const [a, b] = Channel.create();
    b.waitAsync(old, () => {
      throw new Error('the forgotten wait must not run');
    });
    env.reset();
    b.cancelWait();
    const d = dispatcher(driver('new'), 'new');
    const seen: Status[] = [];
    b.waitAsync(d, (status) => seen.push(status));
    a.write(null);
    env.runUntilIdle();
    expect(seen).toEqual([Status.OK]);
  });

  it('a wait queued on a dispatcher forgotten by env.reset: cancel, then wait again', () => {
    const old = dispatcher(driver('old'), 'old');
    const [a, b] = Channel.create();
    b.waitAsync(old, () => {
      throw new Error('the forgotten wait must not run');
    });
    a.write(null); // unknown thread: queued on `old`
    env.reset();
    b.cancelWait();
    const d = dispatcher(driver('new'), 'new');
    const seen: Status[] = [];
    b.waitAsync(d, (status) => {
      seen.push(status);
      b.read();
    });
    env.runUntilIdle(); // the message that was already there is handed over
    expect(seen).toEqual([Status.OK]);
    a.write(null);
    env.runUntilIdle();
    expect(seen).toEqual([Status.OK]);
    expect(b.hasPendingWait()).toBe(false);
  });
});

describe('reentrancy by per-driver frame counts', () => {
  it('a driver deep in a chain of inlined drivers is still on the stack', () => {
    const drivers = ['d0', 'd1', 'd2', 'd3', 'd4'].map(driver);
    const ds = drivers.map((o, i) => dispatcher(o, `d${i}`));
    const first = dispatcher(drivers[0] as object, 'd0-second');
    const chans = ds.map(() => Channel.create());
    const log: string[] = [];
    // d1 -> d2 -> d3 -> d4 inline; d4 writes back to driver d0, which is at the bottom.
    for (let i = 1; i < ds.length; i++) {
      const [, inEnd] = chans[i - 1] as [Channel, Channel];
      const out =
        i + 1 < ds.length
          ? (chans[i] as [Channel, Channel])[0]
          : (chans[4] as [Channel, Channel])[0];
      inEnd.waitAsync(ds[i] as Dispatcher, () => {
        inEnd.read();
        log.push(`d${i} depth ${stackDepth()}`);
        out.write(null);
      });
    }
    const [, backEnd] = chans[4] as [Channel, Channel];
    backEnd.waitAsync(first, () => {
      backEnd.read();
      log.push(`d0 depth ${stackDepth()}`);
    });
    onDispatcher(ds[0] as Dispatcher, () => (chans[0] as [Channel, Channel])[0].write(null));
    expect(log).toEqual(['d1 depth 2', 'd2 depth 3', 'd3 depth 4', 'd4 depth 5', 'd0 depth 1']);
    expect(notInlined(first)).toEqual({ reentrant: 1 });
    for (const o of drivers) expect(isDriverOnStack(o)).toBe(false);
  });

  it('counts survive nesting of one driver and env.reset inside a callback', () => {
    const a = driver('a');
    const a1 = dispatcher(a, 'a1');
    inDriver(a, () => {
      inDriver(a, () => expect(isDriverOnStack(a)).toBe(true));
      expect(isDriverOnStack(a)).toBe(true);
    });
    expect(isDriverOnStack(a)).toBe(false);
    a1.post(() => {
      expect(isDriverOnStack(a)).toBe(true);
      env.reset(); // forgets every frame, this one included
      expect(isDriverOnStack(a)).toBe(false);
    });
    env.runUntilIdle();
    expect(isDriverOnStack(a)).toBe(false);
    expect(stackDepth()).toBe(0);
  });
});
