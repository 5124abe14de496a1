import { Status } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { FakeClock, realClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { dispatcher, driver, expectStatus, notInlined } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

describe('env: driver entry and exit', () => {
  it('registerDriverEntry puts the driver on the stack, with no current dispatcher', () => {
    const a = driver('a');
    expect(env.currentDriver()).toBeNull();
    env.registerDriverEntry(a);
    expect(env.currentDriver()).toBe(a);
    expect(Dispatcher.current()).toBeNull();
    env.registerDriverExit();
    expect(env.currentDriver()).toBeNull();
  });

  it('registerDriverExit without an entry: ERR_BAD_STATE', () => {
    expectStatus(() => env.registerDriverExit(), Status.ERR_BAD_STATE, /registerDriverEntry/);
  });

  it('registerDriverExit inside a runtime callback (no entry on top): ERR_BAD_STATE', () => {
    const d = dispatcher(driver('a'), 'd');
    let status = '';
    d.post(() => {
      try {
        env.registerDriverExit();
      } catch (err) {
        status = Status[(err as { status: Status }).status] ?? '';
      }
    });
    env.runUntilIdle();
    expect(status).toBe('ERR_BAD_STATE');
  });

  it('registerDriverEntry needs an object: ERR_INVALID_ARGS', () => {
    expectStatus(() => env.registerDriverEntry(null as unknown as object), Status.ERR_INVALID_ARGS);
  });
});

describe('env: reset', () => {
  it('forgets every dispatcher and driver: old dispatchers read as destroyed, queued work is gone', () => {
    const a = driver('a');
    const d = dispatcher(a, 'd');
    let ran = false;
    d.post(() => {
      ran = true;
    });
    const [client, server] = Channel.create();
    server.waitAsync(d, () => {
      ran = true;
    });
    env.reset();
    client.write(null);
    env.runUntilIdle();
    expect(ran).toBe(false);
    expect(d.state).toBe('destroyed');
    expectStatus(() => env.shutdownDispatchersAsync(a, () => {}), Status.ERR_INVALID_ARGS);
    expect(env.hasQueuedTasks(d)).toBe(false);
  });
});

describe('env: clock', () => {
  it('now() is performance.now() unless fake time is installed', () => {
    expect(env.clock()).toBe(realClock);
    const before = performance.now();
    const t = env.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(performance.now());
  });

  it('a FakeClock moves only on advance, and only forward', () => {
    const clock = new FakeClock(5);
    env.setClock(clock);
    expect(env.now()).toBe(5);
    clock.advance(10);
    expect(env.now()).toBe(15);
    expectStatus(() => clock.advance(-1), Status.ERR_INVALID_ARGS);
    env.setClock(null);
    expect(env.clock()).toBe(realClock);
  });

  it('advance makes due delayed tasks ready without running them', () => {
    const clock = new FakeClock();
    env.setClock(clock);
    const d = dispatcher(driver('a'), 'd');
    let ran = false;
    d.postDelayed(() => {
      ran = true;
    }, 10);
    clock.advance(10);
    expect(ran).toBe(false);
    expect(env.hasQueuedTasks(d)).toBe(true);
    env.runUntilIdle();
    expect(ran).toBe(true);
  });

  it('an uninstalled FakeClock no longer drives the runtime', () => {
    const clock = new FakeClock();
    env.setClock(clock);
    env.setClock(null);
    const d = dispatcher(driver('a'), 'd');
    d.postDelayed(() => {}, 60_000);
    clock.advance(120_000);
    expect(env.hasQueuedTasks(d)).toBe(false);
  });
});

describe('env: setInlining', () => {
  /** A write from a task of `sender` to an idle driver whose read wait logs its run. */
  function writeFromTask(): { log: string[]; target: Dispatcher } {
    const target = dispatcher(driver('target'), 'target');
    const sender = dispatcher(driver('sender'), 'sender');
    const [client, server] = Channel.create();
    const log: string[] = [];
    server.waitAsync(target, (status) => {
      if (status === Status.OK) server.read();
      log.push('handled');
    });
    sender.post(() => {
      client.write(null);
      log.push('wrote');
    });
    env.runUntilIdle();
    return { log, target };
  }

  it('on by default: the write runs the idle receiver in the writer frame', () => {
    expect(env.inliningEnabled()).toBe(true);
    const { log, target } = writeFromTask();
    expect(log).toEqual(['handled', 'wrote']);
    expect(target.stats().inlined).toBe(1);
  });

  it('off: the same write is queued and counted as unknownThread', () => {
    env.setInlining(false);
    expect(env.inliningEnabled()).toBe(false);
    const { log, target } = writeFromTask();
    expect(log).toEqual(['wrote', 'handled']);
    expect(target.stats().inlined).toBe(0);
    expect(notInlined(target)).toEqual({ unknownThread: 1 });
  });

  it('reset turns inlining back on; only booleans are accepted', () => {
    env.setInlining(false);
    env.reset();
    expect(env.inliningEnabled()).toBe(true);
    expectStatus(
      () => env.setInlining('no' as unknown as boolean),
      Status.ERR_INVALID_ARGS,
      /true or false/,
    );
  });
});
