import { ObjType, Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { Token } from './token.js';
import { dispatcher, driver, expectStatus, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

type Outcome = { status: string; channel: Channel | null; on: string | undefined };

function recorder(out: Outcome[]): (status: Status, channel: Channel | null) => void {
  return (status, channel) =>
    out.push({ status: Status[status] ?? '?', channel, on: Dispatcher.current()?.name });
}

describe('Token', () => {
  it('is a handle with objType CHANNEL (tokens are zircon channels in Fuchsia)', () => {
    const [t] = Token.create();
    expect(t.objType).toBe(ObjType.CHANNEL);
  });

  it('register then transfer: the handler runs once on its dispatcher with (OK, channel)', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    const [mine, theirs] = Channel.create();
    t1.transfer(theirs);
    env.runUntilIdle();
    expect(out).toHaveLength(1);
    expect(out[0]?.status).toBe('OK');
    expect(out[0]?.on).toBe('parent');
    // The received channel is the peer of `mine`.
    mine.write(null);
    expect(out[0]?.channel?.read().data).toBeNull();
    // The transferred handle object is consumed.
    expectStatus(() => theirs.write(null), Status.ERR_BAD_HANDLE);
  });

  it('transfer then register: same outcome', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0, t1] = Token.create();
    const [, theirs] = Channel.create();
    t1.transfer(theirs);
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    env.runUntilIdle();
    expect(out.map((o) => o.status)).toEqual(['OK']);
    expect(out[0]?.channel).toBeInstanceOf(Channel);
  });

  it('the connection is a hand-over like any other: inlined from another driver', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const child = dispatcher(driver('child'), 'child');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    const [, theirs] = Channel.create();
    onDispatcher(child, () => {
      t1.transfer(theirs);
      out.push({ status: 'transfer returned', channel: null, on: undefined });
    });
    expect(out.map((o) => o.status)).toEqual(['OK', 'transfer returned']);
    expect(d.stats()).toMatchObject({ processed: 1, inlined: 1 });
  });

  it('(CANCELED, null) when the peer token closes first', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    t1.close();
    env.runUntilIdle();
    expect(out).toEqual([{ status: 'ERR_CANCELED', channel: null, on: 'parent' }]);
  });

  it('(CANCELED, null) when registering after the peer closed', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0, t1] = Token.create();
    t1.close();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    env.runUntilIdle();
    expect(out.map((o) => o.status)).toEqual(['ERR_CANCELED']);
  });

  it('(CANCELED, null) when the dispatcher shuts down; a later transfer closes its channel', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const other = dispatcher(driver('other'), 'other');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    d.shutdownAsync();
    env.runUntilIdle();
    expect(out).toEqual([{ status: 'ERR_CANCELED', channel: null, on: 'parent' }]);
    const [mine, theirs] = Channel.create();
    const seen: Status[] = [];
    mine.waitAsync(other, (s) => seen.push(s));
    t1.transfer(theirs);
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
    expect(out).toHaveLength(1);
  });

  it('a connection queued when the dispatcher shuts down becomes (CANCELED, null), and its channel closes', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const other = dispatcher(driver('other'), 'other');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    const [mine, theirs] = Channel.create();
    t1.transfer(theirs); // from test code: queued (unknown thread)
    d.shutdownAsync();
    const seen: Status[] = [];
    mine.waitAsync(other, (s) => seen.push(s));
    env.runUntilIdle();
    expect(out).toEqual([{ status: 'ERR_CANCELED', channel: null, on: 'parent' }]);
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
  });

  it('a transfer or peer close while the dispatcher shuts down: one (CANCELED, null), the channel closes', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const other = dispatcher(driver('other'), 'other');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    d.shutdownAsync(); // completion comes later
    const [mine, theirs] = Channel.create();
    const seen: Status[] = [];
    mine.waitAsync(other, (s) => seen.push(s));
    t1.transfer(theirs);
    env.runUntilIdle();
    expect(out).toEqual([{ status: 'ERR_CANCELED', channel: null, on: 'parent' }]);
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
    const d2 = dispatcher(driver('p2'), 'p2');
    const [u0, u1] = Token.create();
    const out2: Outcome[] = [];
    u0.register(d2, recorder(out2));
    d2.shutdownAsync();
    u1.close();
    env.runUntilIdle();
    expect(out2.map((o) => o.status)).toEqual(['ERR_CANCELED']);
  });

  it('register on a dispatcher that is not running: ERR_BAD_STATE', () => {
    const d = dispatcher(driver('parent'), 'parent');
    d.shutdownAsync();
    const [t0] = Token.create();
    expectStatus(() => t0.register(d, () => {}), Status.ERR_BAD_STATE);
  });

  it('registering the same token twice: ERR_BAD_STATE', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0] = Token.create();
    t0.register(d, () => {});
    expectStatus(() => t0.register(d, () => {}), Status.ERR_BAD_STATE, /already registered/);
  });

  it('the transferring token is consumed', () => {
    const [, t1] = Token.create();
    const [, theirs] = Channel.create();
    t1.transfer(theirs);
    const [, again] = Channel.create();
    expectStatus(() => t1.transfer(again), Status.ERR_BAD_HANDLE);
    expect(again.closed).toBe(false);
  });

  it('closing the registering side before a transfer drops the registration; the transfer closes its channel', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const other = dispatcher(driver('other'), 'other');
    const [t0, t1] = Token.create();
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    t0.close();
    const [mine, theirs] = Channel.create();
    const seen: Status[] = [];
    mine.waitAsync(other, (s) => seen.push(s));
    t1.transfer(theirs);
    env.runUntilIdle();
    expect(out).toEqual([]);
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
  });

  it('a pending transfer whose peer token closes closes its channel', () => {
    const other = dispatcher(driver('other'), 'other');
    const [t0, t1] = Token.create();
    const [mine, theirs] = Channel.create();
    const seen: Status[] = [];
    mine.waitAsync(other, (s) => seen.push(s));
    t1.transfer(theirs);
    t0.close();
    env.runUntilIdle();
    expect(seen).toEqual([Status.ERR_PEER_CLOSED]);
  });

  it('a token can travel inside a message and still connect', () => {
    const d = dispatcher(driver('parent'), 'parent');
    const [t0, t1] = Token.create();
    const [a, b] = Channel.create();
    a.write(Arena.create(), null, [t1]);
    const carried = b.read().handles[0] as Token;
    expect(carried).not.toBe(t1);
    expectStatus(() => t1.close(), Status.ERR_BAD_HANDLE);
    const out: Outcome[] = [];
    t0.register(d, recorder(out));
    const [, theirs] = Channel.create();
    carried.transfer(theirs);
    env.runUntilIdle();
    expect(out.map((o) => o.status)).toEqual(['OK']);
  });
});
