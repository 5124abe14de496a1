import { expect, test } from 'vitest';
import {
  ZX_CHANNEL_PEER_CLOSED,
  ZX_CHANNEL_READABLE,
  ZX_CHANNEL_WRITABLE,
  ZX_EVENT_SIGNALED,
  ZX_EVENT_SIGNAL_MASK,
  ZX_EVENTPAIR_PEER_CLOSED,
  ZX_FIFO_PEER_CLOSED,
  ZX_FIFO_READABLE,
  ZX_FIFO_WRITABLE,
  ZX_SIGNAL_HANDLE_CLOSED,
  ZX_USER_SIGNAL_0,
  ZX_USER_SIGNAL_7,
  ZX_USER_SIGNAL_ALL,
} from './signals.js';

test('signals have the zircon values', () => {
  expect([ZX_CHANNEL_READABLE, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED]).toEqual([1, 2, 4]);
  expect([ZX_FIFO_READABLE, ZX_FIFO_WRITABLE, ZX_FIFO_PEER_CLOSED]).toEqual([1, 2, 4]);
  // zircon/types.h: ZX_EVENT_SIGNALED is __ZX_OBJECT_SIGNALED, bit 3.
  expect(ZX_EVENT_SIGNALED).toBe(1 << 3);
  expect(ZX_EVENTPAIR_PEER_CLOSED).toBe(1 << 2);
  expect(ZX_SIGNAL_HANDLE_CLOSED).toBe(1 << 23);
  expect(ZX_USER_SIGNAL_0).toBe(1 << 24);
  expect(ZX_USER_SIGNAL_7).toBe(2 ** 31);
  expect(ZX_USER_SIGNAL_ALL).toBe(0xff00_0000);
  expect(ZX_EVENT_SIGNAL_MASK).toBe(0xff00_0008);
});
