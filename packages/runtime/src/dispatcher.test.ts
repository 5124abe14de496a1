import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { Token } from './token.js';
import { dispatcher, driver, inDriver, notInlined, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

/** Registers a read wait on `d` that records (status, current dispatcher, depth marker). */
function serve(end: Channel, d: Dispatcher, log: string[], rearm = false): void {
  end.waitAsync(d, function handler(status) {
    log.push(`${d.name}:${Status[status]}`);
    if (status === Status.OK) end.read();
    if (rearm && status === Status.OK) end.waitAsync(d, handler);
  });
}

describe('inline or queue, rule by rule (decided on the sender stack)', () => {
  it('rule 1 allowSyncCalls: a plain sender writing to an allowSyncCalls target queues', () => {
    const a = driver('a');
    const b = driver('b');
    const plain = dispatcher(a, 'plain');
    const blocking = dispatcher(b, 'blocking', { allowSyncCalls: true });
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, blocking, log);
    onDispatcher(plain, () => {
      client.write(null);
      log.push('written');
    });
    expect(log).toEqual(['written', 'blocking:OK']);
    expect(notInlined(blocking)).toEqual({ allowSyncCalls: 1 });
  });

  it('rule 1 allowSyncCalls: a synchronized allowSyncCalls sender inlines into an allowSyncCalls target', () => {
    const sender = dispatcher(driver('a'), 'sender', { allowSyncCalls: true });
    const blocking = dispatcher(driver('b'), 'blocking', { allowSyncCalls: true });
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, blocking, log);
    onDispatcher(sender, () => {
      client.write(null);
      log.push('written');
    });
    expect(log).toEqual(['blocking:OK', 'written']);
    expect(blocking.stats()).toMatchObject({ processed: 1, inlined: 1 });
  });

  it('rule 1 allowSyncCalls: a sender with no dispatcher (driver entry) counts as non-blocking', () => {
    const blocking = dispatcher(driver('b'), 'blocking', { allowSyncCalls: true });
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, blocking, log);
    inDriver(driver('a'), () => client.write(null));
    expect(notInlined(blocking)).toEqual({ allowSyncCalls: 1 });
  });

  it('rule 2 parallelDispatch: a synchronized target running a callback queues', () => {
    const a = driver('a');
    const target = dispatcher(a, 'target');
    const other = dispatcher(driver('b'), 'other');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, target, log);
    // `target` runs a task; inside it a callback of another driver (inlined) writes to target.
    const [toOther, otherEnd] = Channel.create();
    otherEnd.waitAsync(other, () => {
      otherEnd.read();
      client.write(null);
      log.push('other wrote');
    });
    target.post(() => {
      toOther.write(null);
      log.push('target task done');
    });
    env.runUntilIdle();
    // reentrant would also apply (a is on the stack) but rule 2 comes first.
    expect(log).toEqual(['other wrote', 'target task done', 'target:OK']);
    expect(notInlined(target)).toEqual({ task: 1, parallelDispatch: 1 });
  });

  it('rule 2 parallelDispatch: a synchronized target with anything queued queues, so FIFO holds', () => {
    const target = dispatcher(driver('a'), 'target');
    const sender = dispatcher(driver('b'), 'sender');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, target, log);
    sender.post(() => {
      client.write(null);
      log.push('sender wrote');
    });
    target.post(() => log.push('queued task'));
    env.runUntilIdle();
    // The message waited behind the task that was queued before it.
    expect(log).toEqual(['sender wrote', 'queued task', 'target:OK']);
    expect(notInlined(target)).toEqual({ task: 1, parallelDispatch: 1 });
  });

  it('rule 3 task: a task posted to an idle synchronized dispatcher still queues', () => {
    const target = dispatcher(driver('a'), 'target');
    const sender = dispatcher(driver('b'), 'sender');
    const log: string[] = [];
    onDispatcher(sender, () => {
      target.post(() => log.push('task'));
      log.push('posted');
    });
    env.runUntilIdle();
    expect(log).toEqual(['posted', 'task']);
    expect(notInlined(target)).toEqual({ task: 1 });
  });

  it('rule 4 unknownThread: a write from outside any runtime callback queues', () => {
    const target = dispatcher(driver('a'), 'target');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, target, log);
    client.write(null);
    expect(log).toEqual([]);
    env.runUntilIdle();
    expect(log).toEqual(['target:OK']);
    expect(notInlined(target)).toEqual({ unknownThread: 1 });
  });

  it('rule 5 reentrant: the target driver anywhere on the stack queues', () => {
    const a = driver('a');
    const b = driver('b');
    const a1 = dispatcher(a, 'a1');
    const a2 = dispatcher(a, 'a2');
    const b1 = dispatcher(b, 'b1');
    const [toB, bEnd] = Channel.create();
    const [toA2, a2End] = Channel.create();
    const log: string[] = [];
    bEnd.waitAsync(b1, () => {
      bEnd.read();
      toA2.write(null); // a2 is idle, but its driver a is below us on the stack
      log.push('b handled');
    });
    serve(a2End, a2, log);
    onDispatcher(a1, () => toB.write(null));
    expect(log).toEqual(['b handled', 'a2:OK']);
    expect(b1.stats()).toMatchObject({ processed: 1, inlined: 1 });
    expect(notInlined(a2)).toEqual({ reentrant: 1 });
  });

  it('rule 5 reentrant: two dispatchers of one driver never inline into each other', () => {
    const a = driver('a');
    const a1 = dispatcher(a, 'a1');
    const a2 = dispatcher(a, 'a2');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, a2, log);
    onDispatcher(a1, () => client.write(null));
    expect(log).toEqual(['a2:OK']);
    expect(notInlined(a2)).toEqual({ reentrant: 1 });
  });

  it('rule 5 reentrant: a driver entry frame on the stack counts too', () => {
    const a = driver('a');
    const a1 = dispatcher(a, 'a1');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, a1, log);
    inDriver(a, () => client.write(null));
    expect(log).toEqual([]);
    expect(notInlined(a1)).toEqual({ reentrant: 1 });
  });

  it('rule 6 inline: otherwise the handler runs now, in the writer frame', () => {
    const a1 = dispatcher(driver('a'), 'a1');
    const b1 = dispatcher(driver('b'), 'b1');
    const [client, server] = Channel.create();
    const log: string[] = [];
    server.waitAsync(b1, () => {
      log.push(`handler on ${Dispatcher.current()?.name}`);
      server.read();
    });
    onDispatcher(a1, () => {
      client.write(null);
      log.push(`write returned on ${Dispatcher.current()?.name}`);
    });
    expect(log).toEqual(['handler on b1', 'write returned on a1']);
    expect(b1.stats()).toEqual({
      processed: 1,
      inlined: 1,
      notInlined: {
        allowSyncCalls: 0,
        parallelDispatch: 0,
        task: 0,
        unknownThread: 0,
        reentrant: 0,
        channelWaitNotYetRegistered: 0,
      },
    });
  });

  it('the rules apply in order: the first one that matches is the counted reason', () => {
    const a = driver('a');
    // allowSyncCalls (1) before task (3): a task posted from a plain dispatcher to a blocking one.
    const blocking = dispatcher(a, 'blocking', { allowSyncCalls: true });
    const plain = dispatcher(driver('b'), 'plain');
    onDispatcher(plain, () => blocking.post(() => {}));
    // task (3) before unknownThread (4): a task posted from test code.
    const sync = dispatcher(a, 'sync');
    sync.post(() => {});
    env.runUntilIdle();
    expect(notInlined(blocking)).toEqual({ allowSyncCalls: 1 });
    expect(notInlined(sync)).toEqual({ task: 1 });
  });

  it('unsynchronized dispatchers skip rules 1 to 3: tasks and busy targets inline', () => {
    const a = driver('a');
    const b = driver('b');
    const sender = dispatcher(a, 'sender');
    const unsync = dispatcher(b, 'unsync', { synchronized: false });
    const log: string[] = [];
    onDispatcher(sender, () => {
      unsync.post(() => log.push(`task on ${Dispatcher.current()?.name}`));
      log.push('post returned');
    });
    expect(log).toEqual(['task on unsync', 'post returned']);
    expect(unsync.stats()).toMatchObject({ processed: 1, inlined: 1 });
    // Rules 4 and 5 still apply.
    unsync.post(() => log.push('from test'));
    inDriver(b, () => unsync.post(() => log.push('reentrant')));
    env.runUntilIdle();
    expect(notInlined(unsync)).toEqual({ unknownThread: 1, reentrant: 1 });
  });

  it('idle ignores pending waits and delayed tasks: a target with only those still inlines', () => {
    const target = dispatcher(driver('b'), 'target');
    const sender = dispatcher(driver('a'), 'sender');
    const [c1, s1] = Channel.create();
    const [c2, s2] = Channel.create();
    void c2;
    const log: string[] = [];
    serve(s2, target, log); // a second wait that never fires
    target.postDelayed(() => log.push('delayed'), 60_000);
    serve(s1, target, log);
    onDispatcher(sender, () => c1.write(null));
    expect(log).toEqual(['target:OK']);
    expect(target.stats().inlined).toBe(1);
  });
});

describe('hand-over details', () => {
  it('channelWaitNotYetRegistered: a message written before the wait is handed over at registration', () => {
    const target = dispatcher(driver('a'), 'target');
    const [client, server] = Channel.create();
    const log: string[] = [];
    client.write(null);
    serve(server, target, log);
    env.runUntilIdle();
    expect(log).toEqual(['target:OK']);
    // Counted under this reason even though unknownThread also applied.
    expect(target.stats()).toMatchObject({ processed: 1, inlined: 0 });
    expect(notInlined(target)).toEqual({ channelWaitNotYetRegistered: 1 });
  });

  it('channelWaitNotYetRegistered: a late hand-over that runs inline is not counted as inlined', () => {
    const target = dispatcher(driver('b'), 'target');
    const [client, server] = Channel.create();
    const log: string[] = [];
    client.write(null);
    inDriver(driver('a'), () => serve(server, target, log));
    expect(log).toEqual(['target:OK']);
    expect(target.stats()).toMatchObject({ processed: 1, inlined: 0 });
    expect(notInlined(target)).toEqual({ channelWaitNotYetRegistered: 1 });
  });

  it('the handler runs exactly once per wait, and may re-arm because the wait is gone first', () => {
    const target = dispatcher(driver('a'), 'target');
    const [client, server] = Channel.create();
    const log: string[] = [];
    server.waitAsync(target, (status) => {
      log.push(Status[status]);
      // Registering again inside the handler works: the wait was unregistered before the call.
      expect(() => server.waitAsync(target, () => log.push('second'))).not.toThrow();
    });
    client.write(null);
    client.write(null);
    env.runUntilIdle();
    // Two messages, one hand-over each wait: the first wait ran once, the second once.
    expect(log).toEqual(['OK', 'second']);
  });

  it('every hand-over goes through the same rules and counters: PEER_CLOSED, CANCELED, token', () => {
    const a = driver('a');
    const b = driver('b');
    const sender = dispatcher(a, 'sender');
    const target = dispatcher(b, 'target', { synchronized: false });
    const log: string[] = [];
    const [c1, s1] = Channel.create();
    serve(s1, target, log);
    onDispatcher(sender, () => c1.close()); // PEER_CLOSED, inlined
    const [c2, s2] = Channel.create();
    void c2;
    serve(s2, target, log);
    s2.cancelWait(); // unsynchronized: async CANCELED, from test code: unknownThread
    const [t0, t1] = Token.create();
    t0.register(target, (status) => log.push(`token:${Status[status]}`));
    const [ch] = Channel.create();
    onDispatcher(sender, () => t1.transfer(ch)); // token connection, inlined
    env.runUntilIdle();
    expect(log).toEqual(['target:ERR_PEER_CLOSED', 'target:ERR_CANCELED', 'token:OK']);
    expect(target.stats()).toMatchObject({ processed: 3, inlined: 2 });
    expect(notInlined(target)).toEqual({ unknownThread: 1 });
  });

  it('stats count every hand-over once: processed = inlined + the sum of reasons', () => {
    const a1 = dispatcher(driver('a'), 'a1');
    const b1 = dispatcher(driver('b'), 'b1');
    const [client, server] = Channel.create();
    const log: string[] = [];
    serve(server, b1, log, true);
    client.write(null); // unknownThread
    env.runUntilIdle();
    onDispatcher(a1, () => client.write(null)); // inlined
    b1.post(() => {}); // task
    env.runUntilIdle();
    const s = b1.stats();
    const reasons = Object.values(s.notInlined).reduce((x, y) => x + y, 0);
    expect(s.processed).toBe(3);
    expect(s.processed).toBe(s.inlined + reasons);
  });
});
