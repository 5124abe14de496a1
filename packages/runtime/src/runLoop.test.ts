import { Status } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Arena } from './arena.js';
import { Channel } from './channel.js';
import type { Clock } from './clock.js';
import { env } from './env.js';
import { BATCH_SIZE, isTurnScheduled, turnCount } from './runLoop.js';
import { dispatcher, driver } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

afterEach(() => {
  vi.useRealTimers();
});

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('run loop', () => {
  it('schedules itself: queued work runs on a later macrotask without anyone draining', async () => {
    const d = dispatcher(driver('a'), 'd');
    let ran = false;
    d.post(() => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(isTurnScheduled()).toBe(true);
    await macrotask();
    expect(ran).toBe(true);
  });

  it('no busy loop: nothing is scheduled while idle, even with waits pending', async () => {
    const d = dispatcher(driver('a'), 'd');
    const [, server] = Channel.create();
    server.waitAsync(d, () => {});
    d.postDelayed(() => {}, 60_000);
    env.runUntilIdle();
    const before = turnCount();
    expect(isTurnScheduled()).toBe(false);
    await macrotask();
    await macrotask();
    expect(turnCount()).toBe(before);
  });

  it('runUntilIdle takes back the turn it made unnecessary', () => {
    const d = dispatcher(driver('a'), 'd');
    d.post(() => {});
    expect(isTurnScheduled()).toBe(true);
    env.runUntilIdle();
    expect(isTurnScheduled()).toBe(false);
  });

  it('one turn runs at most BATCH_SIZE callbacks, then yields to I/O and timers', async () => {
    const d = dispatcher(driver('a'), 'd');
    let ran = 0;
    for (let i = 0; i < BATCH_SIZE + 10; i++) d.post(() => ran++);
    await macrotask();
    expect(ran).toBe(BATCH_SIZE);
    await macrotask();
    expect(ran).toBe(BATCH_SIZE + 10);
  });

  it('round-robin across dispatchers, FIFO within each', () => {
    const d1 = dispatcher(driver('a'), 'd1');
    const d2 = dispatcher(driver('b'), 'd2');
    const log: string[] = [];
    d1.post(() => log.push('d1.1'));
    d1.post(() => log.push('d1.2'));
    d2.post(() => log.push('d2.1'));
    d1.post(() => log.push('d1.3'));
    env.runUntilIdle();
    expect(log).toEqual(['d1.1', 'd2.1', 'd1.2', 'd1.3']);
  });

  it('runUntilIdle drains synchronously, including work queued by the drained work', () => {
    const d1 = dispatcher(driver('a'), 'd1');
    const d2 = dispatcher(driver('b'), 'd2');
    const log: string[] = [];
    d1.post(() => {
      log.push('first');
      d2.post(() => {
        log.push('second');
        d1.post(() => log.push('third'));
      });
    });
    env.runUntilIdle();
    expect(log).toEqual(['first', 'second', 'third']);
  });

  it('a throwing callback propagates out of runUntilIdle and leaves the runtime consistent', () => {
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.post(() => {
      throw new RangeError('driver bug');
    });
    d.post(() => log.push('next'));
    expect(() => env.runUntilIdle()).toThrow('driver bug');
    expect(env.currentDriver()).toBeNull();
    env.runUntilIdle();
    expect(log).toEqual(['next']);
  });
});

describe('delayed tasks with a clock that moves on its own', () => {
  it('use one timer, for the earliest deadline', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let t = 0;
    const clock: Clock = { now: () => t, manual: false };
    env.setClock(clock);
    const d = dispatcher(driver('a'), 'd');
    const log: string[] = [];
    d.postDelayed(() => log.push('c@30'), 30);
    d.postDelayed(() => log.push('a@10'), 10);
    d.postDelayed(() => log.push('b@20'), 20);
    expect(vi.getTimerCount()).toBe(1);
    t = 10;
    vi.advanceTimersByTime(10);
    env.runUntilIdle();
    expect(log).toEqual(['a@10']);
    expect(vi.getTimerCount()).toBe(1);
    t = 30;
    vi.advanceTimersByTime(20);
    env.runUntilIdle();
    expect(log).toEqual(['a@10', 'b@20', 'c@30']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timer that fires early re-arms instead of running the task', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let t = 0;
    env.setClock({ now: () => t, manual: false });
    const d = dispatcher(driver('a'), 'd');
    let ran = false;
    d.postDelayed(() => {
      ran = true;
    }, 10);
    t = 9.5; // the timer fires, but the runtime clock says it is not due yet
    vi.advanceTimersByTime(10);
    env.runUntilIdle();
    expect(ran).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    t = 10;
    vi.advanceTimersByTime(1);
    env.runUntilIdle();
    expect(ran).toBe(true);
  });
});

describe('blocking sources (cross-host hook)', () => {
  it('a blocked call asks registered sources for work when nothing in the host can run', () => {
    const [client, remote] = Channel.create();
    let asked = 0;
    const unregister = env.registerBlockingSource({
      waitSync() {
        asked++;
        // Stands in for a reply arriving from another host.
        const msg = remote.read();
        remote.write(msg.arena, msg.data);
        return true;
      },
    });
    const arena = Arena.create();
    const reply = client.call(arena, arena.allocate(4));
    expect(asked).toBe(1);
    expect(reply.arena).toBe(arena);
    unregister();
    const [lonely] = Channel.create();
    expect(() => lonely.call(arena, arena.allocate(4))).toThrow(
      expect.objectContaining({ status: Status.ERR_BAD_STATE }),
    );
  });
});
