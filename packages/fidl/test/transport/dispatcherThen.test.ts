// Reply callbacks in dispatcher context: a `then` registered before the reply
// runs while the reply is handled on the client's dispatcher (like C++
// `client->Method(...).Then(cb)`), so its writes can be inlined; `await`,
// settled promises, catch and finally keep their usual meaning.
import { Channel, Dispatcher, env } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindDriverServer, createDriverClient, type Completer } from '../../src/transport/index.js';
import { channelPair } from './fixtures/channelPair.js';
import { settle } from './fixtures/driverPair.js';
import { echoServer } from './fixtures/echoServer.js';
import {
  Echo,
  Mode,
  type EchoEchoStringResponse,
  type EchoServer,
  type Packet,
} from './fixtures/generated/test.echo.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

const PACKET: Packet = { id: 1, data: new Uint8Array(0), tags: [] };

/**
 * Three drivers: the client (with a client of the server and one of the
 * sink), the server, and an idle sink that only counts one-way sends.
 */
function world(impl: EchoServer = echoServer().impl) {
  const clientDriver = { name: 'client-driver' };
  const clientDispatcher = env.createDispatcherWithOwner(clientDriver, { name: 'client' });
  const serverDispatcher = env.createDispatcherWithOwner(
    { name: 'server-driver' },
    { name: 'server' },
  );
  const sinkDispatcher = env.createDispatcherWithOwner({ name: 'sink-driver' }, { name: 'sink' });
  const sink = echoServer();
  const [c1, s1] = Channel.create();
  bindDriverServer(Echo, s1, impl, { dispatcher: serverDispatcher });
  const client = createDriverClient(Echo, c1, { dispatcher: clientDispatcher });
  const [c2, s2] = Channel.create();
  bindDriverServer(Echo, s2, sink.impl, { dispatcher: sinkDispatcher });
  const sinkClient = createDriverClient(Echo, c2, { dispatcher: clientDispatcher });
  return {
    clientDriver,
    clientDispatcher,
    serverDispatcher,
    sinkDispatcher,
    client,
    sinkClient,
    sunk: sink.state.sent,
  };
}

/** An Echo server that parks EchoString completers until the test replies. */
function parkingServer(): { impl: EchoServer; parked: Completer<EchoEchoStringResponse>[] } {
  const parked: Completer<EchoEchoStringResponse>[] = [];
  return { impl: { ...echoServer().impl, echoString: (_r, c) => void parked.push(c) }, parked };
}

interface Seen {
  dispatcher: Dispatcher | null;
  driver: object | null;
}

function here(): Seen {
  return { dispatcher: Dispatcher.current(), driver: env.currentDriver() };
}

describe('then on a Driver-transport call runs on the client dispatcher', () => {
  it('inside the dispatcher callback that handles the reply, with the client driver on the stack', async () => {
    const w = world();
    let seen: Seen | null = null;
    const chained = w.client.echoString({ value: 'hi', mode: Mode.UPPER }).then((r) => {
      seen = here();
      return r.response;
    });
    env.runUntilIdle();
    // The callback ran while the runtime handled the reply, not in a later microtask.
    expect(seen).toEqual({ dispatcher: w.clientDispatcher, driver: w.clientDriver });
    await expect(chained).resolves.toBe('HI');
  });

  it('a write made in the callback to an idle driver is inlined, not queued from an unknown thread', async () => {
    const w = world();
    const before = w.sinkDispatcher.stats();
    let sentInside = -1;
    void w.client.echoString({ value: 'x', mode: Mode.PLAIN }).then(() => {
      w.sinkClient.send({ packet: PACKET });
      sentInside = w.sunk.length; // inlined: the sink's handler already ran
    });
    env.runUntilIdle();
    const after = w.sinkDispatcher.stats();
    expect(sentInside).toBe(1);
    expect(after.inlined).toBe(before.inlined + 1);
    expect(after.notInlined.unknownThread).toBe(before.notInlined.unknownThread);
    await settle();
  });

  it('the same write after `await` is queued from an unknown thread (await stays a microtask)', async () => {
    const w = world();
    const reply = w.client.echoString({ value: 'x', mode: Mode.PLAIN });
    env.runUntilIdle();
    const before = w.sinkDispatcher.stats();
    await expect(reply).resolves.toEqual({ response: 'x' });
    expect(here()).toEqual({ dispatcher: null, driver: null });
    w.sinkClient.send({ packet: PACKET });
    expect(w.sunk).toHaveLength(0);
    env.runUntilIdle();
    expect(w.sunk).toHaveLength(1);
    const after = w.sinkDispatcher.stats();
    expect(after.inlined).toBe(before.inlined);
    expect(after.notInlined.unknownThread).toBe(before.notInlined.unknownThread + 1);
  });

  it('callbacks of two calls run in reply order, each as its reply is handled', async () => {
    const { impl, parked } = parkingServer();
    const w = world(impl);
    const log: string[] = [];
    void w.client.echoString({ value: 'a', mode: Mode.PLAIN }).then(() => log.push('a'));
    void w.client.echoString({ value: 'b', mode: Mode.PLAIN }).then(() => log.push('b'));
    env.runUntilIdle();
    expect(parked).toHaveLength(2);
    w.serverDispatcher.post(() => {
      parked[1]?.reply({ response: 'b' });
      log.push('between');
      parked[0]?.reply({ response: 'a' });
    });
    env.runUntilIdle();
    expect(log).toEqual(['b', 'between', 'a']);
    await settle();
  });

  it('await still works: it sees the value, after the then callbacks, outside the runtime', async () => {
    const w = world();
    const log: string[] = [];
    const reply = w.client.echoString({ value: 'v', mode: Mode.PLAIN });
    const awaited = (async () => {
      const r = await reply;
      log.push(`await ${r.response} ${String(Dispatcher.current())}`);
    })();
    void reply.then((r) => log.push(`then ${r.response} ${Dispatcher.current()?.name}`));
    env.runUntilIdle();
    expect(log).toEqual(['then v client']);
    await awaited;
    expect(log).toEqual(['then v client', 'await v null']);
    expect(reply).toBeInstanceOf(Promise);
    expect(Promise.resolve(reply)).toBe(reply); // no wrapper, so no extra ticks for await
    await expect(Promise.all([reply, reply])).resolves.toEqual([
      { response: 'v' },
      { response: 'v' },
    ]);
  });

  it('a callback that throws rejects its chained promise only; the transport goes on', async () => {
    const w = world();
    const reply = w.client.echoString({ value: 'ok', mode: Mode.PLAIN });
    const boom = new Error('boom');
    const thrown = reply.then(() => {
      throw boom;
    });
    const other = reply.then((r) => r.response);
    env.runUntilIdle();
    await expect(thrown).rejects.toBe(boom);
    await expect(other).resolves.toBe('ok');
    await expect(reply).resolves.toEqual({ response: 'ok' });
    expect(w.client.isClosed).toBe(false);
    const next = w.client.echoString({ value: 'again', mode: Mode.PLAIN });
    env.runUntilIdle();
    await expect(next).resolves.toEqual({ response: 'again' });
  });

  it('a callback may return a promise: the chained promise follows it', async () => {
    const w = world();
    const chained = w.client
      .echoString({ value: 'one', mode: Mode.PLAIN })
      .then((r) => w.client.echoString({ value: `${r.response}+two`, mode: Mode.PLAIN }));
    await settle();
    await expect(chained).resolves.toEqual({ response: 'one+two' });
  });

  it('then on a call that already settled is an ordinary then: a microtask, outside the runtime', async () => {
    const w = world();
    const reply = w.client.echoString({ value: 'late', mode: Mode.PLAIN });
    env.runUntilIdle();
    let seen: Seen | null = null;
    const chained = reply.then((r) => {
      seen = here();
      return r.response;
    });
    expect(seen).toBeNull();
    await expect(chained).resolves.toBe('late');
    expect(seen).toEqual({ dispatcher: null, driver: null });
  });

  it('a then registered inside a then callback, after the reply, is an ordinary then', async () => {
    const w = world();
    const reply = w.client.echoString({ value: 'x', mode: Mode.PLAIN });
    const log: string[] = [];
    void reply.then(() => {
      log.push('outer');
      void reply.then(() => log.push(`inner ${String(Dispatcher.current())}`));
      log.push('outer done');
    });
    env.runUntilIdle();
    expect(log).toEqual(['outer', 'outer done']);
    await settle();
    expect(log).toEqual(['outer', 'outer done', 'inner null']);
  });

  it('catch and finally: callbacks on the dispatcher, values and reasons chain as usual', async () => {
    const w = world({
      ...echoServer().impl,
      sync: (c) => c.closeWithEpitaph(Status.ERR_IO),
      ping: (c) => c.reply(),
    });
    const log: string[] = [];
    const caught = w.client.sync().catch((err: unknown) => {
      log.push(`catch ${Dispatcher.current()?.name}`);
      return StatusError.is(err) ? err.status : null;
    });
    const finallyRejected = w.client.sync().finally(() => {
      log.push(`finally ${Dispatcher.current()?.name}`);
    });
    env.runUntilIdle();
    expect(log).toEqual(['catch client', 'finally client']);
    await expect(caught).resolves.toBe(Status.ERR_IO);
    await expect(finallyRejected).rejects.toMatchObject({ status: Status.ERR_IO });

    const w2 = world();
    const finallyResolved = w2.client.ping().finally(() => log.push('finally ok'));
    env.runUntilIdle();
    await expect(finallyResolved).resolves.toBeUndefined();
    expect(log.at(-1)).toBe('finally ok');
  });

  it('a transport error (the peer closed) reaches the rejection callback on the dispatcher', async () => {
    const { impl, parked } = parkingServer();
    const w = world(impl);
    let seen: { status: unknown; where: Seen } | null = null;
    const reply = w.client.echoString({ value: 'x', mode: Mode.PLAIN });
    const handled = reply.then(
      () => 'unexpected',
      (err: unknown) => {
        seen = { status: StatusError.is(err) ? err.status : err, where: here() };
        return 'handled';
      },
    );
    env.runUntilIdle();
    expect(parked).toHaveLength(1);
    w.serverDispatcher.post(() => parked[0]?.closeWithEpitaph(Status.ERR_IO_NOT_PRESENT));
    env.runUntilIdle();
    expect(seen).toEqual({
      status: Status.ERR_IO_NOT_PRESENT,
      where: { dispatcher: w.clientDispatcher, driver: w.clientDriver },
    });
    await expect(handled).resolves.toBe('handled');
    await expect(reply).rejects.toMatchObject({ status: Status.ERR_IO_NOT_PRESENT });
  });

  it('client.close() does not run pending callbacks inside the close call: they follow in a microtask', async () => {
    const { impl } = parkingServer();
    const w = world(impl);
    const log: string[] = [];
    const reply = w.client.echoString({ value: 'x', mode: Mode.PLAIN });
    const handled = reply.then(undefined, (err: unknown) => {
      log.push(`rejected ${StatusError.is(err) ? err.status : String(err)}`);
    });
    env.runUntilIdle();
    w.client.close();
    log.push('closed');
    await handled;
    expect(log).toEqual(['closed', `rejected ${Status.ERR_CANCELED}`]);
  });
});

describe('then on a Channel-transport call', () => {
  it('with a dispatcher: runs in the dispatcher task that handles the reply, and its writes are inlined', async () => {
    const w = world();
    const { client: c } = channelPair(Echo, echoServer().impl, { client: w.clientDispatcher });
    const before = w.sinkDispatcher.stats();
    let seen: Seen | null = null;
    const chained = c.echoString({ value: 'ch', mode: Mode.UPPER }).then((r) => {
      seen = here();
      w.sinkClient.send({ packet: PACKET });
      return r.response;
    });
    // The zircon channel wakes the reader from the event loop; the reply is then a posted task.
    for (let i = 0; i < 50 && seen === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      env.runUntilIdle();
    }
    expect(seen).toEqual({ dispatcher: w.clientDispatcher, driver: w.clientDriver });
    await expect(chained).resolves.toBe('CH');
    expect(w.sunk).toHaveLength(1);
    const after = w.sinkDispatcher.stats();
    expect(after.inlined).toBe(before.inlined + 1);
    expect(after.notInlined.unknownThread).toBe(before.notInlined.unknownThread);
  });

  it('without a dispatcher: an ordinary promise', async () => {
    const { client } = channelPair(Echo, echoServer().impl);
    const reply = client.echoString({ value: 'plain', mode: Mode.PLAIN });
    expect(Object.getPrototypeOf(reply)).toBe(Promise.prototype);
    await expect(reply.then((r) => r.response)).resolves.toBe('plain');
  });
});
