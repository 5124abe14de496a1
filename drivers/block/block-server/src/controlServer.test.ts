// The control protocol over real zx channels, client and server in this thread.
import { env } from '@fdf/runtime';
import {
  Event,
  Status,
  ZX_FIFO_PEER_CLOSED,
  Vmo,
  ZX_RIGHT_MAP,
  ZX_RIGHT_READ,
  ZX_RIGHT_TRANSFER,
  ZxChannel,
} from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectsWith, settle, startServer } from '../test/harness.js';
import { BlockClient } from './client.js';
import { BlockDeviceConnection } from './controlClient.js';
import { decodeControl, encodeControl } from './controlProtocol.js';
import { serveBlockDevice } from './controlServer.js';

const BS = 512;

beforeEach(() => env.reset());
afterEach(() => env.reset());

async function served(deviceOpts = {}) {
  const fixture = await startServer(deviceOpts);
  const [clientEnd, serverEnd] = ZxChannel.create();
  const binding = serveBlockDevice(fixture.server, serverEnd, fixture.dispatcher);
  return { ...fixture, clientEnd, binding };
}

/** Sends raw bytes and handles, returns the decoded reply body. */
async function rawCall(channel: ZxChannel, bytes: Uint8Array, handles: Vmo[] = []) {
  const reply = await channel.callAsync(bytes, handles);
  return decodeControl(reply.bytes).body;
}

describe('control protocol', () => {
  it('connects: getInfo, openSession, attachVmo, then block I/O over the FIFO it got', async () => {
    const { device, clientEnd } = await served({ blockCount: 1000 });
    const client = await BlockClient.connect(clientEnd);
    expect(client.info()).toEqual({
      blockCount: 1000n,
      blockSize: BS,
      maxTransferSize: 0xffff_ffff,
      flags: 0,
    });
    const vmo = Vmo.create(4 * BS);
    const view = vmo.view();
    const vmoid = await client.attachVmo(vmo);
    expect(vmo.closed).toBe(true); // the handle moved to the server
    view.fill(0x5a, 0, BS);
    await client.write(vmoid, 999, 1);
    expect(device.storage[999 * BS]).toBe(0x5a);
    await client.close();
  });

  it('gives each openSession its own vmoid space', async () => {
    const { server, clientEnd } = await served();
    const connection = new BlockDeviceConnection(clientEnd);
    const a = await connection.openSession();
    const b = await connection.openSession();
    expect(await a.control.attachVmo(Vmo.create(BS))).toBe(1);
    expect(await b.control.attachVmo(Vmo.create(BS))).toBe(1);
    expect(await a.control.attachVmo(Vmo.create(BS))).toBe(2);
    expect(server.sessions.map((s) => s.attachedVmos)).toEqual([2, 1]);
    expect(await a.control.getStats()).toMatchObject({ requests: 0, responses: 0 });
  });

  it('answers malformed messages with precise errors and keeps serving', async () => {
    const { clientEnd, binding } = await served();
    const json = (s: string): Uint8Array =>
      new Uint8Array([0, 0, 0, 0, ...new TextEncoder().encode(s)]);
    expect(await rawCall(clientEnd, json('{nope'))).toMatchObject({
      status: Status.ERR_INVALID_ARGS,
      message: expect.stringMatching(/not UTF-8 JSON/),
    });
    expect(await rawCall(clientEnd, json('[1,2]'))).toMatchObject({
      status: Status.ERR_INVALID_ARGS,
    });
    expect(await rawCall(clientEnd, json('{"method":"format"}'))).toMatchObject({
      status: Status.ERR_NOT_SUPPORTED,
      message: expect.stringMatching(/getInfo and openSession/),
    });
    const stray = Vmo.create(BS);
    expect(
      await rawCall(clientEnd, encodeControl(0, { method: 'getInfo' }), [stray]),
    ).toMatchObject({
      status: Status.ERR_INVALID_ARGS,
      message: expect.stringMatching(/takes 0 handles but the message carried 1/),
    });
    // Too short to carry a txid, and a txid of 0: answered by an error event.
    clientEnd.write(new Uint8Array([1, 2]));
    clientEnd.write(encodeControl(0, { method: 'getInfo' }));
    const events = [
      decodeControl((await clientEnd.readAsync()).bytes),
      decodeControl((await clientEnd.readAsync()).bytes),
    ];
    expect(events.map((e) => [e.txid, e.body['event'], e.body['status']])).toEqual([
      [0, 'error', Status.ERR_INVALID_ARGS],
      [0, 'error', Status.ERR_INVALID_ARGS],
    ]);
    expect(binding.rejectedMessages).toBe(6);
    const info = await new BlockDeviceConnection(clientEnd).getInfo();
    expect(info.blockSize).toBe(BS);
  });

  it('refuses a handle that is not a VMO, or a VMO without the rights block I/O needs', async () => {
    const { clientEnd } = await served();
    const { control } = await new BlockDeviceConnection(clientEnd).openSession();
    const event = Event.create();
    const reply = await control.channel.callAsync(encodeControl(0, { method: 'attachVmo' }), [
      event,
    ]);
    expect(decodeControl(reply.bytes).body).toMatchObject({ status: Status.ERR_WRONG_TYPE });
    const readOnly = Vmo.create(BS).replace(ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
    await rejectsWith(control.attachVmo(readOnly), Status.ERR_ACCESS_DENIED);
    expect(await control.attachVmo(Vmo.create(BS))).toBe(1);
  });

  it('ends the session when the client drops its session channel', async () => {
    const { server, clientEnd } = await served();
    const { control, fifo } = await new BlockDeviceConnection(clientEnd).openSession();
    const [session] = server.sessions;
    control.channel.close();
    expect(await session?.closed).toBe(Status.ERR_PEER_CLOSED);
    await rejectsWith(fifo.readable(), Status.ERR_PEER_CLOSED);
    expect(fifo.signals & ZX_FIFO_PEER_CLOSED).toBe(ZX_FIFO_PEER_CLOSED);
  });

  it('tells the client why the server ended its session before the FIFO closes', async () => {
    const { server, clientEnd, device } = await served();
    device.hold = true;
    const client = await BlockClient.connect(clientEnd);
    const flush = client.flush();
    await device.parkedAtLeast(1);
    void server.close(Status.ERR_IO_NOT_PRESENT, 'the disk was unplugged');
    const err = await rejectsWith(flush, Status.ERR_PEER_CLOSED);
    expect(err.message).toMatch(
      /ended the session with ZX_ERR_IO_NOT_PRESENT: the disk was unplugged/,
    );
    device.release();
  });

  it('fails control calls with ERR_PEER_CLOSED once the server side is gone', async () => {
    const { clientEnd, binding } = await served();
    binding.close();
    await binding.done;
    await settle();
    await rejectsWith(new BlockDeviceConnection(clientEnd).getInfo(), Status.ERR_PEER_CLOSED);
  });
});
