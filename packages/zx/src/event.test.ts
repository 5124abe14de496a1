import { describe, expect, test } from 'vitest';
import { expectStatus, expectStatusAsync } from '../test/expectStatus.js';
import { deadlineAfter, monotonicMs } from './clock.js';
import { Event } from './event.js';
import {
  ZX_DEFAULT_EVENT_RIGHTS,
  ZX_RIGHT_DUPLICATE,
  ZX_RIGHT_SIGNAL,
  ZX_RIGHT_TRANSFER,
  ZX_RIGHT_WAIT,
} from './rights.js';
import {
  ZX_CHANNEL_READABLE,
  ZX_EVENT_SIGNALED,
  ZX_USER_SIGNAL_0,
  ZX_USER_SIGNAL_1,
  ZX_USER_SIGNAL_7,
} from './signals.js';
import { Status } from './status.js';

describe('Event signals', () => {
  test('signal clears then sets, and bit 31 reads back unsigned', () => {
    const event = Event.create();
    expect(event.rights).toBe(ZX_DEFAULT_EVENT_RIGHTS);
    expect(event.signals).toBe(0);
    event.signal(0, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
    expect(event.signals).toBe((ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7) >>> 0);
    event.signal(ZX_USER_SIGNAL_7, ZX_USER_SIGNAL_0);
    expect(event.signals).toBe(ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0);
  });

  test('only user signals and SIGNALED may change', () => {
    const event = Event.create();
    expectStatus(() => event.signal(0, ZX_CHANNEL_READABLE), Status.ERR_INVALID_ARGS);
    expectStatus(() => event.signal(1 << 23, 0), Status.ERR_INVALID_ARGS);
    expect(event.signals).toBe(0);
  });

  test('duplicates share the signal word and carry fewer rights', () => {
    const event = Event.create();
    const waitOnly = event.duplicate(ZX_RIGHT_WAIT);
    event.signal(0, ZX_USER_SIGNAL_1);
    expect(waitOnly.signals).toBe(ZX_USER_SIGNAL_1);
    expectStatus(() => waitOnly.signal(0, ZX_USER_SIGNAL_0), Status.ERR_ACCESS_DENIED);
    expectStatus(() => waitOnly.duplicate(ZX_RIGHT_WAIT), Status.ERR_ACCESS_DENIED);
    expectStatus(
      () => event.duplicate(ZX_RIGHT_WAIT).duplicate(ZX_RIGHT_SIGNAL),
      Status.ERR_ACCESS_DENIED,
    );
    const dup = event.duplicate(ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
    expectStatus(() => dup.duplicate(ZX_RIGHT_SIGNAL), Status.ERR_INVALID_ARGS);
    expectStatus(() => event.duplicate(ZX_RIGHT_SIGNAL).waitBlocking(1), Status.ERR_ACCESS_DENIED);
    expect(event.duplicate(ZX_RIGHT_TRANSFER).rights).toBe(ZX_RIGHT_TRANSFER);
  });

  test('a closed event is ERR_BAD_HANDLE', () => {
    const event = Event.create();
    event.close();
    expectStatus(() => event.signals, Status.ERR_BAD_HANDLE);
    expectStatus(() => event.signal(0, ZX_EVENT_SIGNALED), Status.ERR_BAD_HANDLE);
    expectStatus(() => event.wait(ZX_EVENT_SIGNALED), Status.ERR_BAD_HANDLE);
  });
});

describe('Event waits', () => {
  test('wait resolves at once when a signal is already set', async () => {
    const event = Event.create();
    event.signal(0, ZX_USER_SIGNAL_0);
    expect(await event.wait(ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1)).toBe(ZX_USER_SIGNAL_0);
  });

  test('wait resolves when another handle signals later', async () => {
    const event = Event.create();
    const other = event.duplicate();
    const waiting = event.wait(ZX_EVENT_SIGNALED);
    other.signal(0, ZX_USER_SIGNAL_1);
    other.signal(0, ZX_EVENT_SIGNALED);
    expect(await waiting).toBe(ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_1);
  });

  test('a passed deadline is ERR_TIMED_OUT, async and blocking', async () => {
    const event = Event.create();
    await expectStatusAsync(event.wait(ZX_EVENT_SIGNALED, monotonicMs()), Status.ERR_TIMED_OUT);
    expectStatus(() => event.waitBlocking(ZX_EVENT_SIGNALED, monotonicMs()), Status.ERR_TIMED_OUT);
  });

  test('a short deadline with no signal times out', async () => {
    const event = Event.create();
    await expectStatusAsync(event.wait(ZX_EVENT_SIGNALED, deadlineAfter(5)), Status.ERR_TIMED_OUT);
  });

  test('closing the handle cancels its pending wait', async () => {
    const event = Event.create();
    const waiting = event.wait(ZX_EVENT_SIGNALED);
    event.close();
    await expectStatusAsync(waiting, Status.ERR_CANCELED);
  });

  test('waitBlocking returns the observed signals when set', () => {
    const event = Event.create();
    event.signal(0, ZX_EVENT_SIGNALED);
    expect(event.waitBlocking(ZX_EVENT_SIGNALED)).toBe(ZX_EVENT_SIGNALED);
  });
});
