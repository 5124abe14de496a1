// BlockClient against a real server in this thread, and against a scripted fake server.
import { env } from '@fdf/runtime';
import { Fifo, Status, Vmo } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectsWith, settle, startServer } from '../test/harness.js';
import { BlockClient } from './client.js';
import type { CloseReason, SessionControl } from './controlClient.js';
import {
  BLOCK_FIFO_ESIZE,
  BLOCK_FIFO_MAX_DEPTH,
  BlockIoFlag,
  decodeRequest,
  encodeResponse,
  newRequest,
  type FifoResponse,
} from './fifoProtocol.js';
import { connectLocal } from './localSession.js';

const BS = 512;

beforeEach(() => env.reset());
afterEach(() => env.reset());

/** A client whose "server" is the test: it reads requests and writes responses by hand. */
function scripted(opts: { onUnexpectedResponse?: (r: Readonly<FifoResponse>) => void } = {}) {
  const [serverEnd, clientEnd] = Fifo.create(BLOCK_FIFO_ESIZE, BLOCK_FIFO_MAX_DEPTH);
  let reason: CloseReason | null = null;
  const control: SessionControl = {
    attachVmo: () => Promise.resolve(1),
    close: () => Promise.resolve(),
    closeReason: () => reason,
  };
  const client = new BlockClient(
    clientEnd,
    control,
    { blockCount: 100n, blockSize: BS, maxTransferSize: 0xffff_ffff, flags: 0 },
    opts,
  );
  const buf = new Uint8Array(BLOCK_FIFO_MAX_DEPTH * BLOCK_FIFO_ESIZE);
  const view = new DataView(buf.buffer);
  return {
    client,
    serverEnd,
    setReason(r: CloseReason) {
      reason = r;
    },
    async requests(count: number) {
      const out = [];
      while (out.length < count) {
        const n = serverEnd.tryRead(buf, count - out.length);
        if (n === 0) {
          await serverEnd.readable();
          continue;
        }
        for (let i = 0; i < n; i++) out.push({ ...decodeRequest(view, i, newRequest()) });
      }
      return out;
    },
    respond(status: number, reqid: number, group = 0, count = 1) {
      const one = new Uint8Array(BLOCK_FIFO_ESIZE);
      encodeResponse(new DataView(one.buffer), 0, status, reqid, group, count);
      serverEnd.write(one);
    },
  };
}

describe('BlockClient over a server in this thread', () => {
  it('attaches a VMO, writes, reads back, flushes and trims', async () => {
    const { device, server } = await startServer();
    const client = connectLocal(server);
    expect(client.info().blockSize).toBe(BS);
    const vmo = Vmo.create(16 * BS);
    const view = vmo.view();
    const vmoid = await client.attachVmo(vmo);
    for (let i = 0; i < 4 * BS; i++) view[i] = i & 0xff;
    await client.write(vmoid, 30, 4);
    await client.read(vmoid, 30, 4, 8);
    expect(view.subarray(8 * BS, 12 * BS)).toEqual(view.subarray(0, 4 * BS));
    await client.flush();
    await client.trim(30, 2);
    expect(device.storage.subarray(30 * BS, 32 * BS).every((b) => b === 0)).toBe(true);
    expect(client.stats).toMatchObject({ sent: 4, completed: 4, failed: 0, inFlight: 0 });
    await client.close();
  });

  it('rejects a failed op with the server status and a message naming the op', async () => {
    const { server } = await startServer({ blockCount: 64 });
    const client = connectLocal(server);
    const vmoid = await client.attachVmo(Vmo.create(BS));
    const err = await rejectsWith(client.read(vmoid, 64, 1), Status.ERR_OUT_OF_RANGE);
    expect(err.message).toMatch(/read of 1 blocks at block 64 .*ZX_ERR_OUT_OF_RANGE/);
    await rejectsWith(client.read(vmoid + 1, 0, 1), Status.ERR_IO);
    await client.detachVmo(vmoid);
    await rejectsWith(client.read(vmoid, 0, 1), Status.ERR_IO);
  });

  it('runs a group and resolves with its request count, or rejects with the first error', async () => {
    const { device, server } = await startServer();
    const client = connectLocal(server);
    const vmoid = await client.attachVmo(Vmo.create(8 * BS));
    expect(
      await client.group([
        { op: 'write', vmoid, devOffset: 0, length: 2 },
        { op: 'write', vmoid, devOffset: 2, length: 2, vmoOffset: 2 },
        { op: 'flush' },
      ]),
    ).toBe(3);
    device.fault = (op) => (op.$tag === 'flush' ? Status.ERR_IO_REFUSED : Status.OK);
    await rejectsWith(
      client.group([{ op: 'write', vmoid, devOffset: 0, length: 1 }, { op: 'flush' }]),
      Status.ERR_IO_REFUSED,
    );
  });

  it('keeps at most maxInFlight requests outstanding and queues the rest in order', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = connectLocal(server, { maxInFlight: 4 });
    const vmoid = await client.attachVmo(Vmo.create(BS));
    const done: number[] = [];
    const ops = Array.from({ length: 10 }, (_, i) =>
      client.read(vmoid, i, 1).then(() => done.push(i)),
    );
    await device.parkedAtLeast(4);
    await settle();
    expect(device.parked).toHaveLength(4);
    expect(client.stats).toMatchObject({ inFlight: 4, waiting: 6 });
    device.hold = false;
    device.release();
    await Promise.all(ops);
    expect(done).toHaveLength(10);
    expect(device.maxInFlight).toBe(4);
  });

  it('waits for a free group id when all eight are taken', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = connectLocal(server);
    const groups = Array.from({ length: 10 }, () => client.group([{ op: 'flush' }]));
    await device.parkedAtLeast(8);
    await settle();
    expect(device.parked).toHaveLength(8);
    expect(client.stats.waiting).toBe(2);
    device.hold = false;
    device.release();
    expect(await Promise.all(groups)).toEqual(Array(10).fill(1));
  });

  it('rejects a call whose fields cannot be encoded without sending anything', async () => {
    const { device, server } = await startServer();
    const client = connectLocal(server);
    const err = await rejectsWith(client.read(1, 2 ** 53, 1), Status.ERR_OUT_OF_RANGE);
    expect(err.message).toMatch(/was not sent/);
    await rejectsWith(client.group([]), Status.ERR_INVALID_ARGS);
    await rejectsWith(
      client.group([{ op: 'flush' }, { op: 'read', vmoid: 70000, devOffset: 0, length: 1 }]),
      Status.ERR_OUT_OF_RANGE,
    );
    await client.flush();
    expect(device.seen).toHaveLength(1);
  });

  it('close waits for outstanding calls, then ends the session; later calls fail', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = connectLocal(server);
    const flush = client.flush();
    await device.parkedAtLeast(1);
    const closed = client.close();
    await rejectsWith(client.flush(), Status.ERR_BAD_STATE);
    device.release();
    await flush;
    await closed;
    expect(server.sessions).toHaveLength(0);
  });
});

describe('BlockClient when the server goes away', () => {
  it('rejects every outstanding and waiting call with ERR_PEER_CLOSED and the reason', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = connectLocal(server, { maxInFlight: 3 });
    const calls = Array.from({ length: 5 }, () =>
      rejectsWith(client.flush(), Status.ERR_PEER_CLOSED),
    );
    await device.parkedAtLeast(3);
    void server.close(Status.ERR_IO_NOT_PRESENT, 'the disk was unplugged');
    for (const err of await Promise.all(calls)) {
      expect(err.message).toMatch(/ZX_ERR_IO_NOT_PRESENT: the disk was unplugged/);
    }
    await rejectsWith(client.flush(), Status.ERR_PEER_CLOSED);
    device.release();
  });

  it('rejects pending calls when the server end simply closes', async () => {
    const s = scripted();
    const pending = [s.client.flush(), s.client.trim(1, 1)].map((p) =>
      rejectsWith(p, Status.ERR_PEER_CLOSED),
    );
    await s.requests(2);
    s.serverEnd.close();
    await Promise.all(pending);
  });

  it('abort rejects pending calls with ERR_CANCELED', async () => {
    const s = scripted();
    const pending = s.client.flush();
    s.client.abort();
    await rejectsWith(pending, Status.ERR_CANCELED);
  });
});

describe('BlockClient response matching', () => {
  it('reports a response with an unknown reqid and keeps waiting for the right one', async () => {
    const unexpected: FifoResponse[] = [];
    const s = scripted({ onUnexpectedResponse: (r) => unexpected.push({ ...r }) });
    const write = s.client.write(1, 5, 2);
    const [req] = await s.requests(1);
    expect(req).toMatchObject({ opcode: 2, vmoid: 1, devOffset: 5, length: 2, flags: 0 });
    s.respond(Status.OK, 999_999);
    s.respond(Status.OK, req?.reqid as number);
    await write;
    expect(unexpected).toEqual([{ status: Status.OK, reqid: 999_999, group: 0, count: 1 }]);
    expect(s.client.stats.unexpectedResponses).toBe(1);
  });

  it('sends a group as N-1 GROUP_ITEM entries and one GROUP_ITEM|GROUP_LAST under one group id', async () => {
    const s = scripted();
    const group = s.client.group([
      { op: 'flush' },
      { op: 'trim', devOffset: 1, length: 1 },
      { op: 'flush' },
    ]);
    const reqs = await s.requests(3);
    const item = BlockIoFlag.GROUP_ITEM;
    expect(reqs.map((r) => r.flags)).toEqual([item, item, item | BlockIoFlag.GROUP_LAST]);
    expect(new Set(reqs.map((r) => r.group)).size).toBe(1);
    s.respond(Status.OK, reqs[2]?.reqid as number, reqs[2]?.group, 3);
    expect(await group).toBe(3);
  });

  it('matches responses that come back out of order', async () => {
    const s = scripted();
    const first = s.client.flush();
    const second = s.client.flush();
    const third = rejectsWith(s.client.flush(), Status.ERR_IO);
    const reqs = await s.requests(3);
    s.respond(Status.ERR_IO, reqs[2]?.reqid as number);
    s.respond(Status.OK, reqs[0]?.reqid as number);
    s.respond(Status.OK, reqs[1]?.reqid as number);
    await Promise.all([first, second, third]);
  });
});
