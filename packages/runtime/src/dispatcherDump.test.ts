import { beforeEach, describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { FakeClock } from './clock.js';
import { env } from './env.js';
import { dispatcher, driver, inDriver, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(new FakeClock());
});

describe('dump', () => {
  it('a fresh dispatcher, dumped from outside the runtime', () => {
    const d = dispatcher(driver('my-driver'), 'TestBody');
    expect(d.dump()).toEqual([
      '---- Runtime Dispatcher Dump Begin ----',
      'The current thread is not managed by the driver runtime.',
      'Dispatcher to dump: TestBody (driver my-driver)',
      'Synchronized: true',
      'Allow sync calls: false',
      'State: running',
      'Processed 0 requests, 0 were inlined',
      'No queued tasks',
    ]);
  });

  it('the reasons block lists only non-zero reasons, in the documented order', () => {
    const a = driver('a');
    const d = dispatcher(a, 'target');
    const sender = dispatcher(driver('b'), 'sender');
    const [client, server] = Channel.create();
    server.waitAsync(d, function onMsg() {
      server.read();
      server.waitAsync(d, onMsg);
    });
    client.write(null); // unknown thread
    env.runUntilIdle();
    onDispatcher(sender, () => client.write(null)); // inlined
    inDriver(a, () => client.write(null)); // reentrant
    env.runUntilIdle();
    onDispatcher(sender, () => client.write(null)); // inlined
    expect(d.dump()).toEqual([
      '---- Runtime Dispatcher Dump Begin ----',
      'The current thread is not managed by the driver runtime.',
      'Dispatcher to dump: target (driver a)',
      'Synchronized: true',
      'Allow sync calls: false',
      'State: running',
      'Processed 4 requests, 2 were inlined',
      'Reasons why requests were not inlined:',
      '* The request was queued from an unknown thread: 1 times',
      '* The request would have been reentrant: 1 times',
      'No queued tasks',
    ]);
  });

  it('every reason line, with queued tasks and who queued them, dumped from inside a callback', () => {
    const a = driver('a');
    const blocking = dispatcher(a, 'blocking', { allowSyncCalls: true });
    const plain = dispatcher(driver('b'), 'plain');
    const helper = dispatcher(a, 'helper', { allowSyncCalls: true });
    const x = dispatcher(driver('x'), 'x', { allowSyncCalls: true });
    const unnamed = dispatcher({}, 'unnamed-owner', { allowSyncCalls: true });
    const [client, server] = Channel.create();
    // 1. written before the wait: channelWaitNotYetRegistered
    client.write(null);
    server.waitAsync(blocking, function onMsg() {
      server.read();
      server.waitAsync(blocking, onMsg);
    });
    env.runUntilIdle();
    // 2. a plain sender: allowSyncCalls
    onDispatcher(plain, () => client.write(null));
    // 3. a sync sender of the same driver: reentrant
    onDispatcher(helper, () => client.write(null));
    // 4. a task from a sync sender: task
    onDispatcher(x, () => blocking.post(() => {}));
    // 5. a task from test code (allowSyncCalls), then a write while it is queued (parallelDispatch)
    x.post(() => client.write(null));
    blocking.post(() => {});
    env.runUntilIdle();
    // 6. two tasks left queued for the dump: one from test code (allowSyncCalls), one from a
    //    dispatcher of an unnamed driver while the first is queued (parallelDispatch)
    let lines: string[] = [];
    unnamed.post(() => {
      blocking.post(() => {});
      lines = blocking.dump();
    });
    blocking.post(() => {});
    env.runUntilIdle();
    expect(lines).toEqual([
      '---- Runtime Dispatcher Dump Begin ----',
      'The current thread is managed by the driver runtime, running dispatcher: unnamed-owner (driver driver#1)',
      'Dispatcher to dump: blocking (driver a)',
      'Synchronized: true',
      'Allow sync calls: true',
      'State: running',
      'Processed 8 requests, 0 were inlined',
      'Reasons why requests were not inlined:',
      '* Calling from a non-blocking to a blocking (ALLOW_SYNC_CALLS) dispatcher: 3 times',
      '* Another thread was already dispatching a request: 2 times',
      '* The request was a task: 1 times',
      '* The request would have been reentrant: 1 times',
      '* Channel wait was not yet registered when the message was received: 1 times',
      '2 Queued Tasks:',
      'Task: #8',
      ' - Task was not queued from a runtime thread',
      'Task: #9',
      ' - Task was queued by dispatcher unnamed-owner (driver driver#1)',
    ]);
  });

  it('the unknown-thread reason line', () => {
    const d = dispatcher(driver('a'), 'd');
    const [client, server] = Channel.create();
    server.waitAsync(d, () => server.read());
    client.write(null);
    expect(d.dump()).toContain('* The request was queued from an unknown thread: 1 times');
  });

  it('state text: shutting down, shutdown, destroyed; queued tasks waiting for CANCELED are listed', () => {
    const d = dispatcher(driver('a'), 'd');
    d.post(() => {});
    d.shutdownAsync();
    const shuttingDown = d.dump();
    expect(shuttingDown).toContain('State: shutting down');
    expect(shuttingDown.slice(-3)).toEqual([
      '1 Queued Tasks:',
      'Task: #1',
      ' - Task was not queued from a runtime thread',
    ]);
    env.runUntilIdle();
    expect(d.dump()).toContain('State: shutdown');
    expect(d.dump()).toContain('No queued tasks');
    d.destroy();
    expect(d.dump()).toContain('State: destroyed');
  });

  it('an unsynchronized dispatcher says so', () => {
    const d = dispatcher(driver('a'), 'u', { synchronized: false });
    expect(d.dump()[3]).toBe('Synchronized: false');
  });
});
