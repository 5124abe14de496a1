import { beforeEach, describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { pooledRequestCount } from './callbackRequest.js';
import { env } from './env.js';
import { dispatcher, driver, onDispatcher } from './__tests__/fixtures.js';

beforeEach(() => {
  env.reset();
  env.setClock(null);
});

describe('callback request pool', () => {
  it('queued and inlined hand-overs reuse pooled records: the pool neither grows nor drains', () => {
    const server = dispatcher(driver('s'), 'server');
    const client = dispatcher(driver('c'), 'client');
    const [a, b] = Channel.create();
    let handled = 0;
    b.waitAsync(server, function onMsg() {
      b.read();
      handled++;
      b.waitAsync(server, onMsg);
    });
    // Warm up: one queued, one inlined.
    a.write(null);
    env.runUntilIdle();
    onDispatcher(client, () => a.write(null));
    const pooled = pooledRequestCount();
    for (let i = 0; i < 100; i++) a.write(null); // queued
    env.runUntilIdle();
    onDispatcher(client, () => {
      for (let i = 0; i < 100; i++) a.write(null); // inlined
    });
    expect(handled).toBe(202);
    expect(pooledRequestCount()).toBe(pooled);
  });

  it('records held by channels forgotten by env.reset never re-enter the pool', () => {
    const d = dispatcher(driver('a'), 'd');
    const [, b] = Channel.create();
    b.waitAsync(d, () => {});
    env.reset();
    expect(pooledRequestCount()).toBe(0);
    b.close(); // releases its (stale) record
    expect(pooledRequestCount()).toBe(0);
  });
});
