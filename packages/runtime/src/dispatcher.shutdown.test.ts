import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import { FakeClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { dispatcher, driver, expectStatus } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(new FakeClock());
});

function statusOf(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return Status[(err as { status: Status }).status] ?? 'unknown';
  }
}

describe('shutdown: states and timing', () => {
  it('shutdownAsync is idempotent, returns in shutting-down, and completes later from the run loop', async () => {
    const log: string[] = [];
    const d = dispatcher(driver('a'), 'd', { onShutdown: () => log.push('onShutdown') });
    d.shutdownAsync();
    expect(d.state).toBe('shutting-down');
    d.shutdownAsync();
    expect(d.state).toBe('shutting-down');
    expect(log).toEqual([]);
    // No runUntilIdle: the run loop scheduled itself.
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['onShutdown']);
    expect(d.state).toBe('shutdown');
    d.shutdownAsync(); // one way: nothing happens
    expect(d.state).toBe('shutdown');
  });

  it('destroy before shutdown completed: ERR_BAD_STATE; after it: destroyed', () => {
    const d = dispatcher(driver('a'), 'd');
    expectStatus(() => d.destroy(), Status.ERR_BAD_STATE, /running/);
    d.shutdownAsync();
    expectStatus(() => d.destroy(), Status.ERR_BAD_STATE, /shutting-down/);
    env.runUntilIdle();
    d.destroy();
    expect(d.state).toBe('destroyed');
    expectStatus(() => d.destroy(), Status.ERR_BAD_STATE);
  });

  it('destroy inside onShutdown is allowed', () => {
    let stateInside = '';
    const d = dispatcher(driver('a'), 'd', {
      onShutdown: (self) => {
        stateInside = self.state;
        self.destroy();
      },
    });
    d.shutdownAsync();
    env.runUntilIdle();
    expect(stateInside).toBe('shutdown');
    expect(d.state).toBe('destroyed');
  });
});

describe('shutdown: while shutting down', () => {
  it('post and postDelayed throw ERR_BAD_STATE, waitAsync throws ERR_UNAVAILABLE, peer writes succeed with no handler', () => {
    const seen: string[] = [];
    const d = dispatcher(driver('a'), 'd');
    const [client, server] = Channel.create();
    server.waitAsync(d, (s) => seen.push(`handler ${Status[s]}`));
    d.post(() => {
      d.shutdownAsync();
      seen.push(`post: ${statusOf(() => d.post(() => {}))}`);
      seen.push(`postDelayed: ${statusOf(() => d.postDelayed(() => {}, 5))}`);
      const [, other] = Channel.create();
      seen.push(`waitAsync: ${statusOf(() => other.waitAsync(d, () => {}))}`);
      seen.push(`peer write: ${statusOf(() => client.write(null))}`);
      seen.push('task ends');
    });
    env.runUntilIdle();
    expect(seen).toEqual([
      'post: ERR_BAD_STATE',
      'postDelayed: ERR_BAD_STATE',
      'waitAsync: ERR_UNAVAILABLE',
      'peer write: OK',
      'task ends',
      'handler ERR_CANCELED',
    ]);
    // The message is still in the channel.
    expect(server.read().data).toBeNull();
  });

  it('callbacks already running finish, even one blocked in a sync call', () => {
    const log: string[] = [];
    const d = dispatcher(driver('a'), 'd', {
      allowSyncCalls: true,
      onShutdown: () => log.push('onShutdown'),
    });
    const server = dispatcher(driver('s'), 'server');
    const [client, serverEnd] = Channel.create();
    serverEnd.waitAsync(server, () => {
      const msg = serverEnd.read();
      d.shutdownAsync();
      log.push('server shut d down');
      serverEnd.write(msg.arena, msg.data);
    });
    d.post(() => {
      const arena = Arena.create();
      client.call(arena, arena.allocate(4));
      log.push('call returned');
    });
    env.runUntilIdle();
    expect(log).toEqual(['server shut d down', 'call returned', 'onShutdown']);
  });
});

describe('shutdown: completion', () => {
  it('every pending wait, queued task and delayed task gets its CANCELED callback, one at a time, then onShutdown once', () => {
    const log: string[] = [];
    const d = dispatcher(driver('a'), 'd', {
      onShutdown: (self) =>
        log.push(`onShutdown on ${Dispatcher.current()?.name} state ${self.state}`),
    });
    const queuedTask = d.post(() => log.push('queued task ran'));
    const [c1, s1] = Channel.create();
    s1.waitAsync(d, (s) => log.push(`queued read: ${Status[s]}`));
    c1.write(null); // its hand-over is queued behind the task
    const [, s2] = Channel.create();
    s2.waitAsync(d, (s) => log.push(`pending wait: ${Status[s]}`));
    const delayed = d.postDelayed(() => log.push('delayed task ran'), 50);
    d.shutdownAsync();
    expect(env.hasQueuedTasks(d)).toBe(true); // the task waits for its CANCELED call
    env.runUntilIdle();
    expect(log).toEqual([
      'queued read: ERR_CANCELED',
      'pending wait: ERR_CANCELED',
      'onShutdown on d state shutdown',
    ]);
    // Tasks are dropped, not run.
    expect(queuedTask.pending).toBe(false);
    expect(delayed.pending).toBe(false);
    expect(env.hasQueuedTasks(d)).toBe(false);
  });

  it('a CANCELED handler may re-arm (ERR_UNAVAILABLE) or cancel another wait (OK: it never runs)', () => {
    const log: string[] = [];
    const d = dispatcher(driver('a'), 'd');
    const [, s1] = Channel.create();
    const [, s2] = Channel.create();
    s1.waitAsync(d, (s) => {
      log.push(`s1 ${Status[s]}`);
      log.push(`re-arm: ${statusOf(() => s1.waitAsync(d, () => {}))}`);
      log.push(`cancel s2: ${statusOf(() => s2.cancelWait())}`);
    });
    s2.waitAsync(d, (s) => log.push(`s2 ${Status[s]}`));
    d.shutdownAsync();
    env.runUntilIdle();
    expect(log).toEqual(['s1 ERR_CANCELED', 're-arm: ERR_UNAVAILABLE', 'cancel s2: OK']);
  });

  it('a write during the CANCELED callbacks hands nothing over: the wait still gets CANCELED', () => {
    const log: string[] = [];
    const d = dispatcher(driver('a'), 'd');
    const [c2, s2] = Channel.create();
    const [, s1] = Channel.create();
    s1.waitAsync(d, () => {
      c2.write(null);
      log.push('s1 wrote to s2');
    });
    s2.waitAsync(d, (s) => log.push(`s2 ${Status[s]}`));
    d.shutdownAsync();
    env.runUntilIdle();
    expect(log).toEqual(['s1 wrote to s2', 's2 ERR_CANCELED']);
  });
});

describe('shutdown: env.shutdownDispatchersAsync and the driver observer', () => {
  it('runs the driver observer after every dispatcher observer returned, never inside the call', () => {
    const a = driver('a');
    const log: string[] = [];
    dispatcher(a, 'd1', { onShutdown: () => log.push('d1 observer') });
    dispatcher(a, 'd2', { onShutdown: () => log.push('d2 observer') });
    env.shutdownDispatchersAsync(a, () => {
      log.push(`driver observer, current driver ${(env.currentDriver() as { name: string }).name}`);
    });
    expect(log).toEqual([]);
    env.runUntilIdle();
    expect(log).toEqual(['d1 observer', 'd2 observer', 'driver observer, current driver a']);
  });

  it('creating a dispatcher for that driver meanwhile fails with ERR_BAD_STATE; afterwards it works', () => {
    const a = driver('a');
    dispatcher(a, 'd1');
    let createdInObserver = '';
    env.shutdownDispatchersAsync(a, () => {
      createdInObserver = statusOf(() => dispatcher(a, 'in-observer'));
    });
    expectStatus(() => dispatcher(a, 'too-early'), Status.ERR_BAD_STATE, /being shut down/);
    env.runUntilIdle();
    expect(createdInObserver).toBe('ERR_BAD_STATE');
    expect(dispatcher(a, 'later').state).toBe('running');
  });

  it('the driver observer also runs when every dispatcher had already shut down', () => {
    const a = driver('a');
    const d = dispatcher(a, 'd');
    d.shutdownAsync();
    env.runUntilIdle();
    let ran = 0;
    env.shutdownDispatchersAsync(a, () => ran++);
    expect(ran).toBe(0);
    env.runUntilIdle();
    expect(ran).toBe(1);
  });

  it('a second call before the observer ran: ERR_BAD_STATE; after it ran: accepted again', () => {
    const a = driver('a');
    dispatcher(a, 'd');
    let runs = 0;
    env.shutdownDispatchersAsync(a, () => runs++);
    expectStatus(() => env.shutdownDispatchersAsync(a, () => runs++), Status.ERR_BAD_STATE);
    env.runUntilIdle();
    env.shutdownDispatchersAsync(a, () => runs++);
    env.runUntilIdle();
    expect(runs).toBe(2);
  });

  it('a driver that owns no dispatcher: ERR_INVALID_ARGS', () => {
    expectStatus(
      () => env.shutdownDispatchersAsync(driver('ghost'), () => {}),
      Status.ERR_INVALID_ARGS,
    );
  });

  it('waits for a dispatcher that was already shutting down on its own', () => {
    const a = driver('a');
    const log: string[] = [];
    const d1 = dispatcher(a, 'd1', { onShutdown: () => log.push('d1') });
    dispatcher(a, 'd2', { onShutdown: () => log.push('d2') });
    d1.post(() => {
      d1.shutdownAsync();
      env.shutdownDispatchersAsync(a, () => log.push('driver'));
      log.push('task done');
    });
    env.runUntilIdle();
    expect(log).toEqual(['task done', 'd1', 'd2', 'driver']);
  });
});
