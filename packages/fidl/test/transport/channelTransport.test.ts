import { Arena, env } from '@fdf/runtime';
import { Status, ZxChannel, startWorker, transferHandle, workerExit, workerMessage } from '@fdf/zx';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEADER_SIZE, decodeHeader, EPITAPH_ORDINAL } from '../../src/wire/index.js';
import {
  bindChannelServer,
  createChannelClient,
  createChannelSyncClient,
  hangingGet,
  type TransportStats,
} from '../../src/transport/index.js';
import { channelPair } from './fixtures/channelPair.js';
import { driverPair, settle } from './fixtures/driverPair.js';
import { echoServer } from './fixtures/echoServer.js';
import {
  Echo,
  EchoError,
  EchoOrdinals,
  Mode,
  Newer,
  Older,
  type EchoClient,
  type EchoServer,
} from './fixtures/generated/test.echo.js';
import { olderServer } from './fixtures/olderServer.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

/** Driver code that only knows EchoClient: it runs unchanged over either transport. */
async function clientDriver(client: EchoClient, pump: () => Promise<void>): Promise<unknown[]> {
  const calls = [
    client.echoString({ value: 'same code', mode: Mode.UPPER }),
    client.divide({ a: 1, b: 0 }),
    client.echoPacket({ packet: { id: 3, data: new Uint8Array([1, 2, 3]), tags: ['x', 'y'] } }),
    client.table({ note: 'n', packet: { id: 1, data: new Uint8Array(0), tags: [] } }),
  ];
  await pump();
  return Promise.all(calls);
}

/** Reads the next message of a raw zircon channel end. */
async function nextMessage(end: ZxChannel): Promise<Uint8Array> {
  return (await end.readAsync()).bytes;
}

describe('Channel transport', () => {
  it('two-way: encoded request, decoded reply; bytes copied = request + reply sizes', async () => {
    const { client, binding } = channelPair(Echo, echoServer().impl);
    await expect(client.echoString({ value: 'hello', mode: Mode.UPPER })).resolves.toEqual({
      response: 'HELLO',
    });
    // request: 16 header + 24 struct (string header 16, enum 1, padding) + 8 ('hello' padded); reply: 16 + 16 + 8.
    expect(client.stats).toEqual<TransportStats>({ messages: 2, bytesCopied: 48 + 40, copies: 2 });
    expect(binding.stats).toEqual<TransportStats>({ messages: 2, bytesCopied: 48 + 40, copies: 2 });
    client.close();
  });

  it('one-way: the server decodes an equal (not the same) object', async () => {
    const { impl, state } = echoServer();
    const seen = new Promise<unknown>((resolve) => {
      impl.send = (request) => resolve(request);
    });
    const { client } = channelPair(Echo, impl);
    const request = { packet: { id: 9, data: new Uint8Array([5, 6]), tags: ['t'] } };
    client.send(request);
    const got = await seen;
    expect(got).toEqual(request);
    expect(got).not.toBe(request);
    expect(state.sent).toEqual([]);
    client.close();
  });

  it('events arrive as RxJS observables; error syntax; empty flexible replies', async () => {
    const { client, binding } = channelPair(Echo, echoServer().impl);
    const ticks = firstValueFrom(client.events.onTick.pipe(take(2), toArray()));
    const packets = firstValueFrom(client.events.onPacket.pipe(take(1)));
    binding.events.onTick();
    binding.events.onPacket({ packet: { id: 1, data: new Uint8Array([9]), tags: [] } });
    binding.events.onTick();
    expect(await ticks).toEqual([undefined, undefined]);
    expect((await packets).packet.data).toEqual(new Uint8Array([9]));
    await expect(client.divide({ a: 6, b: 3 })).resolves.toEqual({
      $tag: 'response',
      response: { quotient: 2 },
    });
    await expect(client.divide({ a: 6, b: 0 })).resolves.toEqual({
      $tag: 'err',
      err: EchoError.REFUSED,
    });
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.sync()).resolves.toBeUndefined();
    client.close();
  });

  it('the same client driver and server object give the same results over both transports', async () => {
    const overChannel = channelPair(Echo, echoServer().impl);
    const a = await clientDriver(overChannel.client, async () => undefined);
    const overDriver = driverPair(Echo, echoServer().impl);
    const b = await clientDriver(overDriver.client, settle);
    expect(a).toEqual(b);
    expect(a[0]).toEqual({ response: 'SAME CODE' });
    overChannel.client.close();
  });

  it('flexible unknown two-way gets framework_err; one-way reaches handleUnknownMethod; strict unknown closes', async () => {
    const unknown: { ordinal: bigint; kind: string }[] = [];
    const [a, b] = ZxChannel.create();
    const client = createChannelClient(Newer, a, { dispatcher: null });
    const binding = bindChannelServer(Older, b, olderServer(unknown), { dispatcher: null });
    await expect(client.added({ x: 1 })).rejects.toMatchObject({
      status: Status.ERR_NOT_SUPPORTED,
    });
    client.addedOneWay({ x: 2 });
    await expect(client.echoString({ value: 'v', mode: Mode.PLAIN })).resolves.toEqual({
      response: 'v',
    });
    expect(unknown.map((u) => u.kind)).toEqual(['two-way', 'one-way']);
    await expect(client.addedStrict()).rejects.toMatchObject({ status: Status.ERR_NOT_SUPPORTED });
    await expect(client.closed).resolves.toBe(Status.ERR_NOT_SUPPORTED);
    await expect(binding.unbound).resolves.toBe(Status.ERR_NOT_SUPPORTED);
  });

  it('garbage bytes close the server channel with an epitaph naming the decode error', async () => {
    const [raw, serverEnd] = ZxChannel.create();
    const binding = bindChannelServer(Echo, serverEnd, echoServer().impl, { dispatcher: null });
    // A valid header for EchoString with a body whose string presence marker is garbage.
    const bytes = new Uint8Array(HEADER_SIZE + 32);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 1, true);
    v.setUint8(4, 2);
    v.setUint8(7, 1);
    v.setBigUint64(8, EchoOrdinals.echoString, true);
    v.setBigUint64(16, 5n, true);
    v.setBigUint64(24, 0x1234n, true);
    raw.write(bytes);
    await expect(binding.unbound).resolves.toBe(Status.ERR_INVALID_ARGS);
    const epitaph = await nextMessage(raw);
    expect(decodeHeader(epitaph).ordinal).toBe(EPITAPH_ORDINAL);
    expect(new DataView(epitaph.buffer, epitaph.byteOffset).getInt32(HEADER_SIZE, true)).toBe(
      Status.ERR_INVALID_ARGS,
    );
    raw.close();
  });

  it('bytes that are not even a header close the channel with ZX_ERR_PROTOCOL_NOT_SUPPORTED or INVALID_ARGS', async () => {
    for (const junk of [new Uint8Array([1, 2, 3]), new Uint8Array(16).fill(0xff)]) {
      const [raw, serverEnd] = ZxChannel.create();
      const binding = bindChannelServer(Echo, serverEnd, echoServer().impl, { dispatcher: null });
      raw.write(junk);
      const status = await binding.unbound;
      expect([Status.ERR_INVALID_ARGS, Status.ERR_PROTOCOL_NOT_SUPPORTED]).toContain(status);
      raw.close();
    }
  });

  it('a reply that does not decode fails the call and closes the client, never the host', async () => {
    const [clientEnd, raw] = ZxChannel.create();
    const client = createChannelClient(Echo, clientEnd, { dispatcher: null });
    const call = client.echoString({ value: 'x', mode: Mode.PLAIN });
    const other = client.sync();
    const request = await nextMessage(raw);
    const reply = new Uint8Array(HEADER_SIZE + 16).fill(0xab);
    reply.set(request.subarray(0, HEADER_SIZE));
    raw.write(reply);
    await expect(call).rejects.toMatchObject({ status: Status.ERR_INVALID_ARGS });
    await expect(other).rejects.toMatchObject({ status: Status.ERR_INVALID_ARGS });
    await expect(client.closed).resolves.toBe(Status.ERR_INVALID_ARGS);
    raw.close();
  });

  it('peer closed: pending calls fail with ZX_ERR_PEER_CLOSED, and an epitaph gives its status', async () => {
    const parked: EchoServer = {
      ...echoServer().impl,
      sync: () => undefined,
      watchCount: () => undefined,
    };
    const first = channelPair(Echo, parked);
    const calls = [first.client.sync(), first.client.watchCount()];
    await expect(first.client.echoString({ value: 'x', mode: Mode.PLAIN })).resolves.toBeDefined();
    first.serverEnd.close();
    for (const c of calls)
      await expect(c).rejects.toMatchObject({ status: Status.ERR_PEER_CLOSED });
    await expect(first.client.closed).resolves.toBe(Status.ERR_PEER_CLOSED);

    const second = channelPair(Echo, {
      ...parked,
      ping: (c) => c.closeWithEpitaph(Status.ERR_IO_NOT_PRESENT),
    });
    const pending = second.client.sync();
    await expect(second.client.ping()).rejects.toMatchObject({ status: Status.ERR_IO_NOT_PRESENT });
    await expect(pending).rejects.toMatchObject({ status: Status.ERR_IO_NOT_PRESENT });
  });

  it('validation: a value the codec rejects fails the call and sends nothing', async () => {
    const { impl, state } = echoServer();
    const { client } = channelPair(Echo, impl);
    await expect(client.echoString({ value: 'x', mode: 42 as Mode })).rejects.toMatchObject({
      code: 'STRICT_ENUM_UNKNOWN_VALUE',
    });
    expect(client.stats.messages).toBe(0);
    await expect(client.echoString({ value: 'ok', mode: Mode.PLAIN })).resolves.toEqual({
      response: 'ok',
    });
    expect(state.seen).toHaveLength(1);
    client.close();
  });

  it('with a dispatcher, handlers run on it (posted: the driver threading rules hold)', async () => {
    const driver = { name: 'server-driver' };
    const d = env.createDispatcherWithOwner(driver, { name: 'server' });
    const ran: unknown[] = [];
    const impl: EchoServer = {
      ...echoServer().impl,
      sync(completer) {
        ran.push(env.currentDriver());
        completer.reply();
      },
    };
    const { client } = channelPair(Echo, impl, { server: d });
    await expect(client.sync()).resolves.toBeUndefined();
    expect(ran).toEqual([driver]);
    client.close();
  });

  it('a hanging get over the channel is an observable', async () => {
    const server = echoServer();
    const { client } = channelPair(Echo, server.impl);
    const counts = firstValueFrom(hangingGet(() => client.watchCount()).pipe(take(3), toArray()));
    await expect(client.echoString({ value: 'x', mode: Mode.PLAIN })).resolves.toBeDefined();
    server.bump();
    await expect(client.echoString({ value: 'y', mode: Mode.PLAIN })).resolves.toBeDefined();
    server.bump();
    expect((await counts).map((r) => r.count)).toEqual([0n, 1n, 2n]);
    client.close();
  });

  it('across two real worker threads: async client here, server in its own host', async () => {
    const [mine, theirs] = ZxChannel.create();
    const moved = transferHandle(theirs);
    const host = startWorker(
      new URL('./fixtures/echoHost.ts', import.meta.url),
      { channel: moved.descriptor, events: 2 },
      moved.transferList,
    );
    const report = workerMessage<{
      status: Status;
      stats: TransportStats;
      seen: number;
      processed: number;
    }>(host);
    const client = createChannelClient(Echo, mine, { dispatcher: null });
    const ticks = firstValueFrom(client.events.onTick.pipe(take(2), toArray()));
    const arena = Arena.create('unused by the Channel transport');
    const results = await Promise.all([
      client.echoString({ value: 'far away', mode: Mode.UPPER }, arena),
      client.divide({ a: 10, b: 5 }),
      client.echoPacket({ packet: { id: 1, data: new Uint8Array(2048).fill(7), tags: ['w'] } }),
    ]);
    expect(results[0]).toEqual({ response: 'FAR AWAY' });
    expect(results[1]).toEqual({ $tag: 'response', response: { quotient: 2 } });
    expect(results[2].packet.data).toEqual(new Uint8Array(2048).fill(7));
    expect(await ticks).toEqual([undefined, undefined]);
    client.close();
    const done = await report;
    expect(done.status).toBe(Status.ERR_PEER_CLOSED);
    expect(done.seen).toBe(3);
    // Every request ran as a task of the host's dispatcher.
    expect(done.processed).toBeGreaterThanOrEqual(3);
    expect(await workerExit(host)).toBe(0);
    arena.release();
  });

  it('across two real worker threads: the sync client blocks until the other host replies', async () => {
    const [mine, theirs] = ZxChannel.create();
    const moved = transferHandle(theirs);
    const host = startWorker(
      new URL('./fixtures/echoHost.ts', import.meta.url),
      { channel: moved.descriptor, events: 0 },
      moved.transferList,
    );
    const report = workerMessage<{ status: Status }>(host);
    const sync = createChannelSyncClient(Echo, mine, { timeoutMs: 10_000 });
    expect(sync.echoString({ value: 'blocking', mode: Mode.UPPER })).toEqual({
      response: 'BLOCKING',
    });
    expect(sync.divide({ a: 1, b: 0 })).toEqual({ $tag: 'err', err: EchoError.REFUSED });
    sync.sync();
    expect(sync.stats.messages).toBe(6);
    sync.close();
    expect((await report).status).toBe(Status.ERR_PEER_CLOSED);
    expect(await workerExit(host)).toBe(0);
  });
});
