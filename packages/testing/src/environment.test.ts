import { Dispatcher, env, realClock } from '@fdf/runtime';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeDriverContext } from './driverContext.js';
import { resetEnv, runUntilIdle, useFakeTime } from './environment.js';

beforeEach(() => resetEnv());

describe('resetEnv', () => {
  it('forgets dispatchers and restores the real clock', () => {
    useFakeTime(100);
    const ctx = createFakeDriverContext('a');
    resetEnv();
    expect(ctx.dispatcher.state).toBe('destroyed');
    expect(env.clock()).toBe(realClock);
  });
});

describe('runUntilIdle', () => {
  it('drains queued work now', () => {
    const { dispatcher } = createFakeDriverContext('a');
    const seen: (string | undefined)[] = [];
    dispatcher.post(() => seen.push(Dispatcher.current()?.name));
    expect(seen).toEqual([]);
    runUntilIdle();
    expect(seen).toEqual(['a']);
  });
});

describe('useFakeTime', () => {
  it('controls env.now() and delayed tasks: advance makes them ready, runUntilIdle runs them', () => {
    const time = useFakeTime(1000);
    expect(time.now()).toBe(1000);
    expect(env.now()).toBe(1000);
    const { dispatcher } = createFakeDriverContext('a');
    const seen: number[] = [];
    dispatcher.postDelayed(() => seen.push(time.now()), 50);
    time.advance(49);
    runUntilIdle();
    expect(seen).toEqual([]);
    time.advance(1);
    expect(seen).toEqual([]);
    runUntilIdle();
    expect(seen).toEqual([1050]);
  });

  it('advanceAndRun is advance followed by runUntilIdle', () => {
    const time = useFakeTime();
    const { dispatcher } = createFakeDriverContext('a');
    let ran = false;
    dispatcher.postDelayed(() => {
      ran = true;
    }, 5);
    time.advanceAndRun(5);
    expect(ran).toBe(true);
  });
});
