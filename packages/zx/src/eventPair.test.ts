import { describe, expect, test } from 'vitest';
import { expectStatus, expectStatusAsync } from '../test/expectStatus.js';
import { EventPair } from './eventPair.js';
import { handleFromTransfer, transferHandle } from './handleTransfer.js';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import {
  ZX_CHANNEL_READABLE,
  ZX_EVENTPAIR_PEER_CLOSED,
  ZX_EVENTPAIR_SIGNALED,
  ZX_USER_SIGNAL_2,
} from './signals.js';
import { Status } from './status.js';

describe('EventPair', () => {
  test('each end signals itself or its peer', () => {
    const [a, b] = EventPair.create();
    a.signal(0, ZX_EVENTPAIR_SIGNALED);
    expect(a.signals).toBe(ZX_EVENTPAIR_SIGNALED);
    expect(b.signals).toBe(0);
    a.signalPeer(0, ZX_USER_SIGNAL_2);
    expect(b.signals).toBe(ZX_USER_SIGNAL_2);
    b.signal(ZX_USER_SIGNAL_2, 0);
    expect(b.signals).toBe(0);
    expectStatus(() => a.signal(0, ZX_CHANNEL_READABLE), Status.ERR_INVALID_ARGS);
    expectStatus(() => a.signalPeer(0, ZX_EVENTPAIR_PEER_CLOSED), Status.ERR_INVALID_ARGS);
  });

  test('closing an end raises PEER_CLOSED on the other and wakes its waiter', async () => {
    const [a, b] = EventPair.create();
    const waiting = b.wait(ZX_EVENTPAIR_PEER_CLOSED);
    a.close();
    expect(await waiting).toBe(ZX_EVENTPAIR_PEER_CLOSED);
    expectStatus(() => b.signalPeer(0, ZX_EVENTPAIR_SIGNALED), Status.ERR_PEER_CLOSED);
    expectStatus(() => a.signal(0, ZX_EVENTPAIR_SIGNALED), Status.ERR_BAD_HANDLE);
  });

  test('closing the waiting end cancels its wait', async () => {
    const [a] = EventPair.create();
    const waiting = a.wait(ZX_EVENTPAIR_SIGNALED);
    a.close();
    await expectStatusAsync(waiting, Status.ERR_CANCELED);
  });

  test('a transferred end keeps its link to the peer', async () => {
    const [a, b] = EventPair.create();
    const { descriptor, transferList } = transferHandle(b);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(descriptor, transferList);
    const moved = handleFromTransfer(receiveMessageOnPort(port2)?.message, EventPair);
    port1.close();
    moved.signalPeer(0, ZX_USER_SIGNAL_2);
    expect(a.waitBlocking(ZX_USER_SIGNAL_2)).toBe(ZX_USER_SIGNAL_2);
    const waiting = a.wait(ZX_EVENTPAIR_PEER_CLOSED);
    moved.close();
    expect((await waiting) & ZX_EVENTPAIR_PEER_CLOSED).toBe(ZX_EVENTPAIR_PEER_CLOSED);
  });
});
