import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import { FakeClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { dispatcher, driver, expectStatus, inDriver, onDispatcher } from './__tests__/fixtures.js';

let clock: FakeClock;

beforeEach(() => {
  env.reset();
  clock = new FakeClock(1000);
  env.setClock(clock);
});

describe('queued work', () => {
  it('runs in FIFO order per dispatcher, messages and tasks alike', () => {
    const d = dispatcher(driver('a'), 'd');
    const [client, server] = Channel.create();
    const log: string[] = [];
    server.waitAsync(d, function onMsg() {
      log.push(`msg ${String(server.read().data)}`);
      server.waitAsync(d, onMsg);
    });
    d.post(() => log.push('task 1'));
    client.write(null); // queued behind task 1
    d.post(() => log.push('task 2'));
    env.runUntilIdle();
    expect(log).toEqual(['task 1', 'msg null', 'task 2']);
  });

  it('a synchronized dispatcher runs one callback at a time: a nested drain skips it', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.post(() => {
      d.post(() => log.push('second'));
      env.runUntilIdle(); // cannot enter d: it is running this task
      log.push('first done');
    });
    env.runUntilIdle();
    expect(log).toEqual(['first done', 'second']);
  });

  it('an unsynchronized dispatcher may run queued work while one of its callbacks runs', () => {
    const d = dispatcher(driver('a'), 'd', { synchronized: false });
    const log: string[] = [];
    d.post(() => {
      d.post(() => log.push('second')); // reentrant: queued
      env.runUntilIdle();
      log.push('first done');
    });
    env.runUntilIdle();
    expect(log).toEqual(['second', 'first done']);
  });

  it('post returns a Task that is pending until it runs', () => {
    const d = dispatcher(driver('a'), 'd');
    const t = d.post(() => {});
    expect(t.pending).toBe(true);
    env.runUntilIdle();
    expect(t.pending).toBe(false);
  });

  it('post needs a function: ERR_INVALID_ARGS', () => {
    const d = dispatcher(driver('a'), 'd');
    expectStatus(() => d.post(42 as unknown as () => void), Status.ERR_INVALID_ARGS);
  });

  it('env.hasQueuedTasks sees tasks, not waits', () => {
    const d = dispatcher(driver('a'), 'd');
    const [client, server] = Channel.create();
    server.waitAsync(d, () => server.read());
    client.write(null);
    expect(env.hasQueuedTasks(d)).toBe(false);
    d.post(() => {});
    expect(env.hasQueuedTasks(d)).toBe(true);
    env.runUntilIdle();
    expect(env.hasQueuedTasks(d)).toBe(false);
  });
});

describe('delayed tasks', () => {
  it('run once due on env.now(): advance + runUntilIdle is deterministic', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.postDelayed(() => log.push('b@20'), 20);
    d.postDelayed(() => log.push('a@10'), 10);
    d.postDelayed(() => log.push('c@20'), 20);
    env.runUntilIdle();
    expect(log).toEqual([]);
    clock.advance(10);
    env.runUntilIdle();
    expect(log).toEqual(['a@10']);
    clock.advance(10);
    env.runUntilIdle();
    expect(log).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('a due delayed task joins the FIFO behind work already queued', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.postDelayed(() => log.push('delayed'), 5);
    d.post(() => log.push('queued'));
    clock.advance(5);
    env.runUntilIdle();
    expect(log).toEqual(['queued', 'delayed']);
  });

  it('a delay of 0 or less is a plain post', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.postDelayed(() => log.push('now'), 0);
    env.runUntilIdle();
    expect(log).toEqual(['now']);
    expect(d.stats().notInlined.task).toBe(1);
  });

  it('a delay that is not finite: ERR_INVALID_ARGS', () => {
    const d = dispatcher(driver('a'), 'd');
    expectStatus(() => d.postDelayed(() => {}, Number.NaN), Status.ERR_INVALID_ARGS);
    expectStatus(() => d.postDelayed(() => {}, Infinity), Status.ERR_INVALID_ARGS);
  });

  it('installing another clock keeps the time each delayed task had left', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.postDelayed(() => log.push('ran'), 30);
    clock.advance(10);
    const next = new FakeClock(0);
    env.setClock(next);
    next.advance(19);
    env.runUntilIdle();
    expect(log).toEqual([]);
    next.advance(1);
    env.runUntilIdle();
    expect(log).toEqual(['ran']);
  });
});

describe('cancelTask', () => {
  it('removes a queued task and a delayed task', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    const queued = d.post(() => log.push('queued'));
    const delayed = d.postDelayed(() => log.push('delayed'), 5);
    d.cancelTask(queued);
    d.cancelTask(delayed);
    clock.advance(10);
    env.runUntilIdle();
    expect(log).toEqual([]);
    expect(env.hasQueuedTasks(d)).toBe(false);
  });

  it('ERR_NOT_FOUND when the task already ran', () => {
    const d = dispatcher(driver('a'), 'd');
    const t = d.post(() => {});
    env.runUntilIdle();
    expectStatus(() => d.cancelTask(t), Status.ERR_NOT_FOUND, /already ran/);
  });

  it('ERR_NOT_FOUND when the task was canceled already', () => {
    const d = dispatcher(driver('a'), 'd');
    const t = d.post(() => {});
    d.cancelTask(t);
    expectStatus(() => d.cancelTask(t), Status.ERR_NOT_FOUND);
  });

  it('ERR_NOT_FOUND when the task is queued on another dispatcher', () => {
    const owner = driver('a');
    const d1 = dispatcher(owner, 'd1');
    const d2 = dispatcher(owner, 'd2');
    const t = d1.post(() => {});
    expectStatus(() => d2.cancelTask(t), Status.ERR_NOT_FOUND);
    expect(t.pending).toBe(true);
  });

  it('a canceled task record is reused without confusing old Task handles', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    const old = d.post(() => log.push('old'));
    d.cancelTask(old);
    const fresh = d.post(() => log.push('fresh')); // likely reuses the pooled record
    expectStatus(() => d.cancelTask(old), Status.ERR_NOT_FOUND);
    env.runUntilIdle();
    expect(log).toEqual(['fresh']);
    expect(fresh.pending).toBe(false);
  });
});

describe('options', () => {
  it('synchronized: false with allowSyncCalls: true is ERR_NOT_SUPPORTED', () => {
    expectStatus(
      () => dispatcher(driver('a'), 'd', { synchronized: false, allowSyncCalls: true }),
      Status.ERR_NOT_SUPPORTED,
    );
  });

  it('defaults: synchronized, no sync calls', () => {
    const d = dispatcher(driver('a'), 'd');
    expect(d.synchronized).toBe(true);
    expect(d.allowSyncCalls).toBe(false);
    expect(d.state).toBe('running');
  });

  it('a name is required: ERR_INVALID_ARGS', () => {
    expectStatus(
      () => env.createDispatcherWithOwner(driver('a'), {} as { name: string }),
      Status.ERR_INVALID_ARGS,
    );
  });
});

describe('seal', () => {
  it("seal('allowSyncCalls') from its own callback: irrevocable, reads false, dump shows false", () => {
    const d = dispatcher(driver('a'), 'd', { allowSyncCalls: true });
    onDispatcher(d, () => d.seal('allowSyncCalls'));
    expect(d.allowSyncCalls).toBe(false);
    expect(d.dump()).toContain('Allow sync calls: false');
  });

  it('ERR_INVALID_ARGS for another option', () => {
    const d = dispatcher(driver('a'), 'd', { allowSyncCalls: true });
    const status = onDispatcher(d, () => {
      try {
        d.seal('synchronized' as 'allowSyncCalls');
      } catch (err) {
        return (err as { status: Status }).status;
      }
      return Status.OK;
    });
    expect(status).toBe(Status.ERR_INVALID_ARGS);
  });

  it('ERR_BAD_STATE when not called on that dispatcher', () => {
    const d = dispatcher(driver('a'), 'd', { allowSyncCalls: true });
    const other = dispatcher(driver('b'), 'other');
    expectStatus(() => d.seal('allowSyncCalls'), Status.ERR_BAD_STATE);
    const status = onDispatcher(other, () => {
      try {
        d.seal('allowSyncCalls');
      } catch (err) {
        return (err as { status: Status }).status;
      }
      return Status.OK;
    });
    expect(status).toBe(Status.ERR_BAD_STATE);
    expect(d.allowSyncCalls).toBe(true);
  });

  it('ERR_BAD_STATE when the dispatcher is not running', () => {
    const d = dispatcher(driver('a'), 'd', { allowSyncCalls: true });
    let status: Status = Status.OK;
    d.post(() => {
      d.shutdownAsync();
      try {
        d.seal('allowSyncCalls');
      } catch (err) {
        status = (err as { status: Status }).status;
      }
    });
    env.runUntilIdle();
    expect(status).toBe(Status.ERR_BAD_STATE);
  });

  it('ERR_ALREADY_EXISTS when the option is not set or already sealed', () => {
    const plain = dispatcher(driver('a'), 'plain');
    const blocking = dispatcher(driver('b'), 'blocking', { allowSyncCalls: true });
    const statuses: Status[] = [];
    const trySeal = (d: Dispatcher): void => {
      try {
        d.seal('allowSyncCalls');
        statuses.push(Status.OK);
      } catch (err) {
        statuses.push((err as { status: Status }).status);
      }
    };
    onDispatcher(plain, () => trySeal(plain));
    onDispatcher(blocking, () => {
      trySeal(blocking);
      trySeal(blocking);
    });
    expect(statuses).toEqual([Status.ERR_ALREADY_EXISTS, Status.OK, Status.ERR_ALREADY_EXISTS]);
  });

  it('after sealing: rule 1 treats it as plain as target and as sender, and call fails', () => {
    const sealed = dispatcher(driver('a'), 'sealed', { allowSyncCalls: true });
    const blocking = dispatcher(driver('b'), 'blocking', { allowSyncCalls: true });
    const [toBlocking, blockingEnd] = Channel.create();
    const [toSealed, sealedEnd] = Channel.create();
    blockingEnd.waitAsync(blocking, () => blockingEnd.read());
    sealedEnd.waitAsync(sealed, () => sealedEnd.read());
    const callStatus = onDispatcher(sealed, () => {
      sealed.seal('allowSyncCalls');
      toBlocking.write(null); // as a sender it is plain now: queued for allowSyncCalls
      const arena = Arena.create();
      try {
        toSealed.call(arena, arena.allocate(4));
      } catch (err) {
        return (err as { status: Status }).status;
      }
      return Status.OK;
    });
    expect(callStatus).toBe(Status.ERR_BAD_STATE);
    expect(blocking.stats().notInlined.allowSyncCalls).toBe(1);
    // As a target: a plain sender now inlines into it.
    const before = sealed.stats();
    onDispatcher(dispatcher(driver('c'), 'plain'), () => toSealed.write(null));
    const after = sealed.stats();
    expect(after.inlined - before.inlined).toBe(1);
    expect(after.notInlined.allowSyncCalls).toBe(before.notInlined.allowSyncCalls);
  });
});

describe('call stack', () => {
  it('Dispatcher.create takes its owner from the top of the stack', () => {
    const a = driver('owner-a');
    const d = dispatcher(a, 'd');
    const created = onDispatcher(d, () => Dispatcher.create({ name: 'child' }));
    expect(created.owner).toBe(a);
    const viaEntry = inDriver(driver('owner-b'), () => Dispatcher.create({ name: 'x' }));
    expect((viaEntry.owner as { name: string }).name).toBe('owner-b');
  });

  it('Dispatcher.create with an empty stack: ERR_INVALID_ARGS', () => {
    expectStatus(
      () => Dispatcher.create({ name: 'orphan' }),
      Status.ERR_INVALID_ARGS,
      /createDispatcherWithOwner/,
    );
  });

  it('the owner is pushed around tasks, read handlers and CANCELED callbacks', () => {
    const a = driver('a');
    const d = dispatcher(a, 'd');
    const seen: string[] = [];
    const record = (what: string): void => {
      seen.push(
        `${what}:${Dispatcher.current()?.name}:${(env.currentDriver() as { name: string }).name}`,
      );
    };
    d.post(() => record('task'));
    const [client, server] = Channel.create();
    server.waitAsync(d, () => {
      record('read');
      server.read();
    });
    client.write(null);
    env.runUntilIdle();
    const [, other] = Channel.create();
    other.waitAsync(d, () => record('canceled'));
    d.shutdownAsync();
    env.runUntilIdle();
    expect(seen).toEqual(['task:d:a', 'read:d:a', 'canceled:d:a']);
    expect(Dispatcher.current()).toBeNull();
    expect(env.currentDriver()).toBeNull();
  });
});
