import { delay, interval, observeOn, of, Subject, take } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { env } from './env.js';
import { dispatcherScheduler } from './rxScheduler.js';
import { dispatcher, driver } from './__tests__/fixtures.js';

let clock: FakeClock;

beforeEach(() => {
  env.reset();
  clock = new FakeClock(0);
  env.setClock(clock);
});

describe('dispatcherScheduler', () => {
  it('observeOn delivers on the dispatcher, queued (a synchronized dispatcher never inlines tasks), in order', () => {
    const d = dispatcher(driver('a'), 'rx');
    const seen: string[] = [];
    of(1, 2, 3)
      .pipe(observeOn(dispatcherScheduler(d)))
      .subscribe((v) => seen.push(`${v} on ${Dispatcher.current()?.name}`));
    expect(seen).toEqual([]);
    env.runUntilIdle();
    expect(seen).toEqual(['1 on rx', '2 on rx', '3 on rx']);
    // Three values and the completion, all queued.
    expect(d.stats()).toMatchObject({ processed: 4, inlined: 0 });
  });

  it('delay uses env.now() and postDelayed: fake time drives it', () => {
    const d = dispatcher(driver('a'), 'rx');
    const seen: number[] = [];
    of(7)
      .pipe(delay(100, dispatcherScheduler(d)))
      .subscribe((v) => seen.push(v));
    clock.advance(99);
    env.runUntilIdle();
    expect(seen).toEqual([]);
    clock.advance(1);
    env.runUntilIdle();
    expect(seen).toEqual([7]);
  });

  it('recursive scheduling (interval) reschedules the same action', () => {
    const d = dispatcher(driver('a'), 'rx');
    const seen: number[] = [];
    interval(10, dispatcherScheduler(d))
      .pipe(take(3))
      .subscribe((v) => seen.push(v));
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      env.runUntilIdle();
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it('unsubscribing cancels the pending task', () => {
    const d = dispatcher(driver('a'), 'rx');
    const seen: number[] = [];
    const sub = of(1)
      .pipe(observeOn(dispatcherScheduler(d)))
      .subscribe((v) => seen.push(v));
    expect(env.hasQueuedTasks(d)).toBe(true);
    sub.unsubscribe();
    expect(env.hasQueuedTasks(d)).toBe(false);
    env.runUntilIdle();
    expect(seen).toEqual([]);
  });

  it('work scheduled while the dispatcher shuts down is dropped', () => {
    const d = dispatcher(driver('a'), 'rx');
    const subject = new Subject<number>();
    const seen: number[] = [];
    subject.pipe(observeOn(dispatcherScheduler(d))).subscribe((v) => seen.push(v));
    subject.next(1);
    d.shutdownAsync();
    subject.next(2);
    env.runUntilIdle();
    expect(seen).toEqual([]);
    expect(d.state).toBe('shutdown');
  });

  it('now() is env.now()', () => {
    const d = dispatcher(driver('a'), 'rx');
    clock.advance(1234);
    expect(dispatcherScheduler(d).now()).toBe(env.now());
    expect(env.now()).toBe(1234);
  });
});
