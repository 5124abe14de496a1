import { Arena, Channel, env } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindDriverServer,
  createDriverClient,
  createDriverSyncClient,
  hangingGet,
} from '../../src/transport/index.js';
import { driverPair, settle } from './fixtures/driverPair.js';
import { echoServer } from './fixtures/echoServer.js';
import {
  Echo,
  EchoError,
  Mode,
  Newer,
  Older,
  type EchoServer,
  type Packet,
} from './fixtures/generated/test.echo.js';
import { olderServer } from './fixtures/olderServer.js';

function packet(arena: Arena | null, size: number): Packet {
  const data = arena === null ? new Uint8Array(size) : arena.allocate(size);
  for (let i = 0; i < size; i++) data[i] = i & 0xff;
  return { id: 7, data, tags: ['a'] };
}

beforeEach(() => env.reset());
afterEach(() => env.reset());

describe('Driver transport', () => {
  it('two-way: the reply resolves the call', async () => {
    const { client } = driverPair(Echo, echoServer().impl);
    const reply = client.echoString({ value: 'hello', mode: Mode.UPPER });
    await settle();
    await expect(reply).resolves.toEqual({ response: 'HELLO' });
  });

  it('one-way: the server gets the very object the client sent', async () => {
    const { impl, state } = echoServer();
    const { client } = driverPair(Echo, impl);
    const arena = Arena.create('test');
    const request = { packet: packet(arena, 64) };
    client.send(request, arena);
    await settle();
    expect(state.sent).toHaveLength(1);
    expect(state.sent[0]).toBe(request);
    arena.release();
  });

  it('zero copy: arena-backed buffers travel by reference both ways, 0 bytes copied', async () => {
    const { impl, state } = echoServer();
    const { client, binding } = driverPair(Echo, impl);
    const arena = Arena.create('op');
    const request = { packet: packet(arena, 4096) };
    const reply = client.echoPacket(request, arena);
    await settle();
    const response = await reply;
    expect(state.seen[0]).toBe(request);
    expect(response.packet).toBe(request.packet);
    expect(response.packet.data).toBe(request.packet.data);
    expect(client.stats).toEqual({ messages: 2, bytesCopied: 0, copies: 0 });
    expect(binding.stats).toEqual({ messages: 2, bytesCopied: 0, copies: 0 });
    arena.release();
  });

  it('a buffer outside the arena is copied into it once, and counted exactly', async () => {
    const { impl, state } = echoServer();
    const { client, binding } = driverPair(Echo, impl);
    const arena = Arena.create('op');
    const request = { packet: packet(null, 1000) };
    const reply = client.echoPacket(request, arena);
    await settle();
    const response = await reply;
    const seen = state.seen[0] as typeof request;
    expect(seen).not.toBe(request);
    expect(arena.contains(seen.packet.data)).toBe(true);
    expect(seen.packet.data).toEqual(request.packet.data);
    // The caller's object is untouched; the copy lives in the arena the reply came back in.
    expect(arena.contains(request.packet.data)).toBe(false);
    expect(response.packet.data).toBe(seen.packet.data);
    expect(client.stats).toEqual({ messages: 2, bytesCopied: 1000, copies: 1 });
    expect(binding.stats.bytesCopied).toBe(0);
    arena.release();
  });

  it('without an arena, the request buffer is copied in and the reply buffer copied out: 2 copies', async () => {
    const { client } = driverPair(Echo, echoServer().impl);
    const request = { packet: packet(null, 300) };
    const reply = client.echoPacket(request);
    await settle();
    const response = await reply;
    expect(response.packet.data).toEqual(request.packet.data);
    expect(client.stats).toEqual({ messages: 2, bytesCopied: 600, copies: 2 });
  });

  it('types without byte buffers are never walked: a table round trip copies nothing', async () => {
    const { client } = driverPair(Echo, echoServer().impl);
    const reply = client.table({ note: 'n' });
    await settle();
    await expect(reply).resolves.toEqual({ note: 'n' });
    expect(client.stats.bytesCopied).toBe(0);
  });

  it('events reach subscribers as RxJS observables and complete when the channel closes', async () => {
    const { client, binding } = driverPair(Echo, echoServer().impl);
    const packets = firstValueFrom(client.events.onPacket.pipe(take(2), toArray()));
    const ticks: unknown[] = [];
    let completed = false;
    client.events.onTick.subscribe({
      next: (v) => ticks.push(v),
      complete: () => (completed = true),
    });
    binding.events.onPacket({ packet: packet(null, 3) });
    binding.events.onTick();
    binding.events.onPacket({ packet: packet(null, 5) });
    await settle();
    const got = await packets;
    expect(got.map((p) => p.packet.data.length)).toEqual([3, 5]);
    expect(ticks).toEqual([undefined]);
    binding.close();
    await settle();
    expect(completed).toBe(true);
    // binding.close() sends the ZX_OK epitaph: an orderly close.
    await expect(client.closed).resolves.toBe(Status.OK);
  });

  it('error syntax: application errors are values, successes are { $tag: response }', async () => {
    const { client } = driverPair(Echo, echoServer().impl);
    const ok = client.divide({ a: 7, b: 2 });
    const err = client.divide({ a: 1, b: 0 });
    await settle();
    await expect(ok).resolves.toEqual({ $tag: 'response', response: { quotient: 3 } });
    await expect(err).resolves.toEqual({ $tag: 'err', err: EchoError.REFUSED });
  });

  it('validation stays on: a bad enum or an over-long string fails the call and sends nothing', async () => {
    const { impl, state } = echoServer();
    const { client } = driverPair(Echo, impl);
    await expect(client.echoString({ value: 'x', mode: 9 as Mode })).rejects.toMatchObject({
      status: Status.ERR_INVALID_ARGS,
      code: 'STRICT_ENUM_UNKNOWN_VALUE',
    });
    await expect(
      client.echoString({ value: 'x'.repeat(257), mode: Mode.PLAIN }),
    ).rejects.toMatchObject({
      code: 'STRING_TOO_LONG',
    });
    expect(() => client.send({ packet: { id: 1, data: new Uint8Array(4097), tags: [] } })).toThrow(
      StatusError,
    );
    await settle();
    expect(state.seen).toEqual([]);
    expect(client.isClosed).toBe(false);
  });

  it('flexible methods unknown to the server: framework error for two-way, handler for one-way', async () => {
    const unknown: { ordinal: bigint; kind: string }[] = [];
    const dc = env.createDispatcherWithOwner({ name: 'newer' }, { name: 'newer' });
    const ds = env.createDispatcherWithOwner({ name: 'older' }, { name: 'older' });
    const [a, b] = Channel.create();
    const client = createDriverClient(Newer, a, { dispatcher: dc });
    bindDriverServer(Older, b, olderServer(unknown), { dispatcher: ds });
    const added = client.added({ x: 1 });
    client.addedOneWay({ x: 2 });
    const echoed = client.echoString({ value: 'still open', mode: Mode.PLAIN });
    await settle();
    await expect(added).rejects.toMatchObject({ status: Status.ERR_NOT_SUPPORTED });
    await expect(echoed).resolves.toEqual({ response: 'still open' });
    expect(unknown).toEqual([
      { ordinal: Newer.methods.find((m) => m.name === 'added')!.ordinal, kind: 'two-way' },
      { ordinal: Newer.methods.find((m) => m.name === 'addedOneWay')!.ordinal, kind: 'one-way' },
    ]);
    expect(client.isClosed).toBe(false);
  });

  it('a strict method unknown to the server closes the channel with ZX_ERR_NOT_SUPPORTED', async () => {
    const dc = env.createDispatcherWithOwner({ name: 'newer' }, { name: 'newer' });
    const ds = env.createDispatcherWithOwner({ name: 'older' }, { name: 'older' });
    const [a, b] = Channel.create();
    const client = createDriverClient(Newer, a, { dispatcher: dc });
    const binding = bindDriverServer(Older, b, olderServer([]), { dispatcher: ds });
    const call = client.addedStrict();
    await settle();
    await expect(call).rejects.toMatchObject({ status: Status.ERR_NOT_SUPPORTED });
    await expect(client.closed).resolves.toBe(Status.ERR_NOT_SUPPORTED);
    await expect(binding.unbound).resolves.toBe(Status.ERR_NOT_SUPPORTED);
  });

  it('peer closed: every pending call fails with ZX_ERR_PEER_CLOSED, none hangs', async () => {
    const parked: unknown[] = [];
    const impl: EchoServer = {
      ...echoServer().impl,
      sync: (c) => void parked.push(c),
      watchCount: (c) => void parked.push(c),
    };
    const { client, serverEnd } = driverPair(Echo, impl);
    const calls = [client.sync(), client.sync(), client.watchCount()];
    await settle();
    expect(parked).toHaveLength(3);
    serverEnd.close();
    await settle();
    for (const c of calls)
      await expect(c).rejects.toMatchObject({ status: Status.ERR_PEER_CLOSED });
    await expect(client.closed).resolves.toBe(Status.ERR_PEER_CLOSED);
    await expect(client.sync()).rejects.toMatchObject({ status: Status.ERR_PEER_CLOSED });
  });

  it('an epitaph gives pending calls its status', async () => {
    const impl: EchoServer = {
      ...echoServer().impl,
      watchCount: () => undefined,
      sync: (c) => c.closeWithEpitaph(Status.ERR_IO_NOT_PRESENT),
    };
    const { client, binding } = driverPair(Echo, impl);
    const pending = client.watchCount();
    const call = client.sync();
    await settle();
    await expect(call).rejects.toMatchObject({ status: Status.ERR_IO_NOT_PRESENT });
    await expect(pending).rejects.toMatchObject({ status: Status.ERR_IO_NOT_PRESENT });
    await expect(binding.unbound).resolves.toBe(Status.ERR_IO_NOT_PRESENT);
  });

  it('a handler that throws closes the channel with its status and leaves the host running', async () => {
    const impl: EchoServer = {
      ...echoServer().impl,
      sync: () => {
        throw new StatusError(Status.ERR_IO, 'device gone');
      },
      ping: async () => {
        throw new StatusError(Status.ERR_NO_MEMORY, 'later');
      },
    };
    const first = driverPair(Echo, impl);
    const call = first.client.sync();
    await settle();
    await expect(call).rejects.toMatchObject({ status: Status.ERR_IO });
    const second = driverPair(Echo, impl);
    const ping = second.client.ping();
    await settle();
    await expect(ping).rejects.toMatchObject({ status: Status.ERR_NO_MEMORY });
  });

  it('a message that is not a frame closes the server with ZX_ERR_INVALID_ARGS', async () => {
    const { binding, clientEnd } = driverPair(Echo, echoServer().impl);
    const arena = Arena.create('garbage');
    const junk = arena.allocate(32);
    junk.fill(0xee);
    clientEnd.write(arena, junk);
    arena.release();
    await settle();
    await expect(binding.unbound).resolves.toBe(Status.ERR_INVALID_ARGS);
  });

  it('replying twice is refused', async () => {
    let second: unknown = null;
    const impl: EchoServer = {
      ...echoServer().impl,
      sync: (c) => {
        c.reply();
        try {
          c.reply();
        } catch (err) {
          second = err;
        }
      },
    };
    const { client } = driverPair(Echo, impl);
    const call = client.sync();
    await settle();
    await expect(call).resolves.toBeUndefined();
    expect(second).toMatchObject({ status: Status.ERR_BAD_STATE });
  });

  it('closing the client fails its pending calls with ZX_ERR_CANCELED and the server sees the peer go', async () => {
    const impl: EchoServer = { ...echoServer().impl, sync: () => undefined };
    const { client, binding } = driverPair(Echo, impl);
    const call = client.sync();
    await settle();
    client.close();
    await expect(call).rejects.toMatchObject({ status: Status.ERR_CANCELED });
    await settle();
    await expect(binding.unbound).resolves.toBe(Status.ERR_PEER_CLOSED);
  });

  it('a hanging get is an observable of successive replies', async () => {
    const server = echoServer();
    const { client } = driverPair(Echo, server.impl);
    const counts: bigint[] = [];
    const sub = hangingGet(() => client.watchCount()).subscribe((r) => counts.push(r.count));
    await settle();
    server.bump();
    await settle();
    server.bump();
    await settle();
    sub.unsubscribe();
    expect(counts).toEqual([0n, 1n, 2n]);
  });

  it('sync client: blocks in Channel.call while the runtime runs the server', () => {
    const { impl } = echoServer();
    const ds = env.createDispatcherWithOwner({ name: 'server' }, { name: 'server' });
    const [a, b] = Channel.create();
    bindDriverServer(Echo, b, impl, { dispatcher: ds });
    const sync = createDriverSyncClient(Echo, a);
    expect(sync.echoString({ value: 'abc', mode: Mode.UPPER })).toEqual({ response: 'ABC' });
    expect(sync.divide({ a: 9, b: 3 })).toEqual({ $tag: 'response', response: { quotient: 3 } });
    sync.sync();
    const arena = Arena.create('sync');
    const p = packet(arena, 128);
    expect(sync.echoPacket({ packet: p }, arena).packet.data).toBe(p.data);
    expect(sync.stats.bytesCopied).toBe(0);
    arena.release();
  });

  it('forwarding: one request object and one arena travel through two hops untouched', async () => {
    const { impl, state } = echoServer();
    const bottom = driverPair(Echo, impl);
    const middle: EchoServer = {
      ...echoServer().impl,
      echoPacket(request, completer, arena) {
        bottom.client.echoPacket(request, arena).then((r) => completer.reply(r));
      },
    };
    const top = driverPair(Echo, middle);
    const arena = Arena.create('op');
    const request = { packet: packet(arena, 512) };
    const reply = top.client.echoPacket(request, arena);
    await settle();
    const response = await reply;
    expect(state.seen[0]).toBe(request);
    expect(response.packet.data).toBe(request.packet.data);
    expect(top.client.stats.bytesCopied + bottom.client.stats.bytesCopied).toBe(0);
    arena.release();
  });
});
