/**
 * The scenarios of RFC-0126 and runtime.md, end to end: each checks what
 * runs inline, what queues, and why.
 */
import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import { FakeClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { Token } from './token.js';
import { dispatcher, driver, notInlined, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(new FakeClock());
});

interface Op {
  hops: string[];
}

describe('RFC examples', () => {
  /** Builds a ring: driver i forwards the op to driver i+1 until it went round `laps` times. */
  function ring(
    synchronized: boolean,
    laps: number,
  ): { ds: Dispatcher[]; op: Op; depth: number[] } {
    const names = ['d0', 'd1', 'd2', 'd3'];
    const ds = names.map((name) => dispatcher(driver(`driver-${name}`), name, { synchronized }));
    const links = names.map(() => Channel.create());
    const depth: number[] = [];
    let stack = 0;
    names.forEach((_, i) => {
      const inbox = links[i]![1];
      const d = ds[i]!;
      inbox.waitAsync(d, function onMsg() {
        // Re-arm first, as FIDL bindings do, so the next message finds a wait.
        const msg = inbox.read<Op>();
        inbox.waitAsync(d, onMsg);
        const op = msg.data as Op;
        stack++;
        depth.push(stack);
        op.hops.push(d.name);
        if (op.hops.length < names.length * laps)
          links[(i + 1) % names.length]![0].write(msg.arena, op);
        msg.arena?.release();
        stack--;
      });
    });
    const op: Op = { hops: [] };
    const arena = Arena.create();
    links[0]![0].write(arena, op);
    arena.release();
    env.runUntilIdle();
    return { ds, op, depth };
  }

  it('a ring of drivers: one call stack per lap; back at d0 the message queues (d0 is still running)', () => {
    const { ds, op, depth } = ring(true, 2);
    expect(op.hops).toEqual(['d0', 'd1', 'd2', 'd3', 'd0', 'd1', 'd2', 'd3']);
    expect(depth).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(notInlined(ds[0]!)).toEqual({ unknownThread: 1, parallelDispatch: 1 });
    for (const d of ds.slice(1)) expect(d.stats()).toMatchObject({ processed: 2, inlined: 2 });
  });

  it('a ring of unsynchronized drivers: back at d0 the message queues because it would be reentrant', () => {
    const { ds, depth } = ring(false, 2);
    expect(depth).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(notInlined(ds[0]!)).toEqual({ unknownThread: 1, reentrant: 1 });
  });

  it('send and reply: the request inlines, the reply to the sender is reentrant and queued', () => {
    const a = dispatcher(driver('a'), 'a');
    const b = dispatcher(driver('b'), 'b');
    const [aEnd, bEnd] = Channel.create();
    const log: string[] = [];
    bEnd.waitAsync(b, () => {
      bEnd.read();
      log.push('b got request');
      bEnd.write(null);
      log.push('b replied');
    });
    aEnd.waitAsync(a, () => {
      aEnd.read();
      log.push('a got reply');
    });
    onDispatcher(a, () => {
      aEnd.write(null);
      log.push('a write returned');
    });
    expect(log).toEqual(['b got request', 'b replied', 'a write returned', 'a got reply']);
    expect(b.stats()).toMatchObject({ processed: 1, inlined: 1 });
    expect(notInlined(a)).toEqual({ task: 1, parallelDispatch: 1 });
  });

  it('send and reply, server idle: the reply is reentrant for the sender driver', () => {
    const aDriver = driver('a');
    const aMain = dispatcher(aDriver, 'a-main');
    const aReplies = dispatcher(aDriver, 'a-replies'); // idle, but its driver is on the stack
    const b = dispatcher(driver('b'), 'b');
    const [aEnd, bEnd] = Channel.create();
    bEnd.waitAsync(b, () => {
      bEnd.read();
      bEnd.write(null);
    });
    const log: string[] = [];
    aEnd.waitAsync(aReplies, () => {
      aEnd.read();
      log.push('reply');
    });
    onDispatcher(aMain, () => aEnd.write(null));
    expect(log).toEqual(['reply']);
    expect(notInlined(aReplies)).toEqual({ reentrant: 1 });
  });

  it('one driver forwarding between its own channels: every hop between its dispatchers queues', () => {
    const x = driver('x');
    const front = dispatcher(x, 'front');
    const back = dispatcher(x, 'back');
    const client = dispatcher(driver('client'), 'client');
    const [clientEnd, frontEnd] = Channel.create();
    const [frontToBack, backEnd] = Channel.create();
    const log: string[] = [];
    frontEnd.waitAsync(front, function onMsg() {
      const msg = frontEnd.read();
      frontEnd.waitAsync(front, onMsg);
      log.push(`front ${String(msg.data)}`);
      frontToBack.write(msg.arena, msg.data);
    });
    backEnd.waitAsync(back, function onMsg() {
      log.push(`back ${String(backEnd.read().data)}`);
      backEnd.waitAsync(back, onMsg);
    });
    onDispatcher(client, () => {
      clientEnd.write(Arena.create(), 1);
      clientEnd.write(Arena.create(), 2);
    });
    expect(log).toEqual(['front 1', 'front 2', 'back 1', 'back 2']);
    expect(front.stats()).toMatchObject({ processed: 2, inlined: 2 });
    // The first hop is reentrant. The second message finds the wait already handed over, so it
    // waits in the channel until back re-arms: a late (deferred) hand-over.
    expect(notInlined(back)).toEqual({ reentrant: 1, channelWaitNotYetRegistered: 1 });
  });

  it('a sync call chain: A calls B, whose handler calls C; every hop inlines and replies bypass queues', () => {
    const a = dispatcher(driver('a'), 'a', { allowSyncCalls: true });
    const b = dispatcher(driver('b'), 'b', { allowSyncCalls: true });
    const c = dispatcher(driver('c'), 'c', { allowSyncCalls: true });
    const [aToB, bFromA] = Channel.create();
    const [bToC, cFromB] = Channel.create();
    const frames: string[] = [];
    const answer = (end: Channel, request: Uint8Array, value: number): void => {
      const arena = Arena.create();
      const out = arena.allocate(5);
      out.set(request.subarray(0, 4));
      out[4] = value;
      end.write(arena, out);
    };
    cFromB.waitAsync(c, () => {
      const req = cFromB.read().data as Uint8Array;
      frames.push(`c on ${Dispatcher.current()?.name}`);
      answer(cFromB, req, (req[4] ?? 0) * 2);
    });
    bFromA.waitAsync(b, () => {
      const req = bFromA.read().data as Uint8Array;
      frames.push(`b on ${Dispatcher.current()?.name}`);
      const arena = Arena.create();
      const sub = arena.allocate(5);
      sub[4] = (req[4] ?? 0) + 1;
      const fromC = bToC.call(arena, sub).data as Uint8Array;
      answer(bFromA, req, fromC[4] ?? 0);
    });
    const result = onDispatcher(a, () => {
      const arena = Arena.create();
      const req = arena.allocate(5);
      req[4] = 20;
      return (aToB.call(arena, req).data as Uint8Array)[4];
    });
    expect(result).toBe(42);
    expect(frames).toEqual(['b on b', 'c on c']);
    expect(b.stats()).toMatchObject({ processed: 1, inlined: 1 });
    expect(c.stats()).toMatchObject({ processed: 1, inlined: 1 });
  });

  it('shutdown with pending work: CANCELED callbacks, tokens, dispatcher observers, then the driver observer', () => {
    const drv = driver('leaving');
    const log: string[] = [];
    const main = dispatcher(drv, 'main', { onShutdown: () => log.push('main observer') });
    const aux = dispatcher(drv, 'aux', { onShutdown: () => log.push('aux observer') });
    const peer = dispatcher(driver('peer'), 'peer');
    // Pending work on main: a queued task, a queued read, a pending wait, a delayed task, a token.
    main.post(() => log.push('task ran (must not)'));
    const [toMain, mainEnd] = Channel.create();
    mainEnd.waitAsync(main, (s) => log.push(`read ${Status[s]}`));
    toMain.write(null);
    const [peerEnd, idleEnd] = Channel.create();
    idleEnd.waitAsync(main, (s) => {
      log.push(`idle wait ${Status[s]}`);
      idleEnd.close(); // the driver closes its end: the peer driver sees PEER_CLOSED
    });
    peerEnd.waitAsync(peer, (s) => log.push(`peer sees ${Status[s]}`));
    main.postDelayed(() => log.push('delayed ran (must not)'), 1000);
    const [token] = Token.create();
    token.register(aux, (s) => log.push(`token ${Status[s]}`));
    env.shutdownDispatchersAsync(drv, () => log.push('driver observer'));
    expect(log).toEqual([]);
    env.runUntilIdle();
    expect(log).toEqual([
      'read ERR_CANCELED',
      'idle wait ERR_CANCELED',
      'peer sees ERR_PEER_CLOSED', // inlined: the peer driver is not on the stack
      'main observer',
      'token ERR_CANCELED',
      'aux observer',
      'driver observer',
    ]);
    expect(main.state).toBe('shutdown');
    expect(aux.state).toBe('shutdown');
  });
});
