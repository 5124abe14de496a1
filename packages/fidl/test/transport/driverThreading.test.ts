// The Driver transport under the runtime's threading rules: inlining, sync
// calls from dispatchers that allow them (and refusal from those that do
// not), deadlocks reported instead of hangs, dispatcher shutdown, fake time.
import { Channel, Dispatcher, env, FakeClock } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindDriverServer,
  createDriverClient,
  createDriverSyncClient,
  hangingGet,
} from '../../src/transport/index.js';
import { settle } from './fixtures/driverPair.js';
import { echoServer } from './fixtures/echoServer.js';
import { Echo, Mode, type EchoServer } from './fixtures/generated/test.echo.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

function serverOn(name: string, impl: EchoServer = echoServer().impl): Channel {
  const d = env.createDispatcherWithOwner({ name }, { name });
  const [client, server] = Channel.create();
  bindDriverServer(Echo, server, impl, { dispatcher: d });
  return client;
}

describe('Driver transport and the threading model', () => {
  it('a call made from a driver callback runs the server handler inline, in the caller frame', async () => {
    const serverDriver = { name: 'server' };
    const sd = env.createDispatcherWithOwner(serverDriver, { name: 'server' });
    const cd = env.createDispatcherWithOwner({ name: 'client' }, { name: 'client' });
    const [a, b] = Channel.create();
    const stack: string[] = [];
    bindDriverServer(
      Echo,
      b,
      {
        ...echoServer().impl,
        sync(completer) {
          stack.push('handler');
          completer.reply();
        },
      },
      { dispatcher: sd },
    );
    const client = createDriverClient(Echo, a, { dispatcher: cd });
    let call: Promise<void> | null = null;
    cd.post(() => {
      call = client.sync();
      stack.push('after write');
    });
    env.runUntilIdle();
    expect(stack).toEqual(['handler', 'after write']);
    expect(sd.stats().inlined).toBeGreaterThanOrEqual(1);
    await settle();
    await expect(call).resolves.toBeUndefined();
  });

  it('sync calls work from a dispatcher that allows them and are refused from one that does not', () => {
    const end = serverOn('server');
    const blocking = env.createDispatcherWithOwner(
      { name: 'blocking' },
      { name: 'blocking', allowSyncCalls: true },
    );
    const plain = env.createDispatcherWithOwner({ name: 'plain' }, { name: 'plain' });
    const sync = createDriverSyncClient(Echo, end);
    let ok: unknown = null;
    let refused: unknown = null;
    blocking.post(() => {
      ok = sync.echoString({ value: 'from a blocking dispatcher', mode: Mode.PLAIN });
    });
    plain.post(() => {
      try {
        sync.sync();
      } catch (err) {
        refused = err;
      }
    });
    env.runUntilIdle();
    expect(ok).toEqual({ response: 'from a blocking dispatcher' });
    expect(refused).toBeInstanceOf(StatusError);
    expect((refused as StatusError).status).toBe(Status.ERR_BAD_STATE);
  });

  it('a sync call that can never be answered is reported, not hung', () => {
    const end = serverOn('server', { ...echoServer().impl, sync: () => undefined });
    const sync = createDriverSyncClient(Echo, end);
    expect(() => sync.sync()).toThrow(/deadlock/);
  });

  it('a sync call whose server closes fails with ZX_ERR_PEER_CLOSED', () => {
    const end = serverOn('server', {
      ...echoServer().impl,
      sync: (c) => c.closeWithEpitaph(Status.ERR_IO),
    });
    const sync = createDriverSyncClient(Echo, end);
    expect(() => sync.sync()).toThrow(expect.objectContaining({ status: Status.ERR_PEER_CLOSED }));
  });

  it('shutting down the client dispatcher fails pending calls with ZX_ERR_CANCELED', async () => {
    const end = serverOn('server', { ...echoServer().impl, sync: () => undefined });
    const cd = env.createDispatcherWithOwner({ name: 'client' }, { name: 'client' });
    const client = createDriverClient(Echo, end, { dispatcher: cd });
    const call = client.sync();
    await settle();
    cd.shutdownAsync();
    await settle();
    await expect(call).rejects.toMatchObject({ status: Status.ERR_CANCELED });
    await expect(client.closed).resolves.toBe(Status.ERR_CANCELED);
  });

  it('with fake time: replies deferred by a server timer arrive exactly when the clock passes them', async () => {
    const clock = new FakeClock();
    env.setClock(clock);
    const server = echoServer();
    const ticker: EchoServer = {
      ...server.impl,
      // A device that answers after 10 ms of (fake) latency.
      sync(completer) {
        Dispatcher.current()?.postDelayed(() => completer.reply(), 10);
      },
    };
    const end = serverOn('server', ticker);
    const cd = env.createDispatcherWithOwner({ name: 'client' }, { name: 'client' });
    const client = createDriverClient(Echo, end, { dispatcher: cd });
    let done = false;
    void client.sync().then(() => (done = true));
    await settle();
    clock.advance(9);
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    await settle();
    expect(done).toBe(true);

    // A hanging get driven by a timer: one report per 5 ms of fake time.
    const counts: bigint[] = [];
    const sub = hangingGet(() => client.watchCount()).subscribe((r) => counts.push(r.count));
    const sd = env.createDispatcherWithOwner({ name: 'timer' }, { name: 'timer' });
    const tick = (): void => {
      server.bump();
      sd.postDelayed(tick, 5);
    };
    sd.postDelayed(tick, 5);
    await settle();
    for (let i = 0; i < 3; i++) {
      clock.advance(5);
      await settle();
    }
    sub.unsubscribe();
    expect(counts).toEqual([0n, 1n, 2n, 3n]);
    env.setClock(null);
  });

  it('a client needs a dispatcher: outside a driver callback, say which', () => {
    const [a] = Channel.create();
    expect(() => createDriverClient(Echo, a)).toThrow(/needs a dispatcher/);
  });
});
