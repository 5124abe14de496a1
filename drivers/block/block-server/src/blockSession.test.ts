// The server side of the FIFO protocol, driven with raw 40-byte entries in one thread.
import { env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, expectStatus, settle, startServer } from '../test/harness.js';
import { BLOCK_FIFO_ESIZE, BlockIoFlag, BlockOpcode } from './fifoProtocol.js';

const { READ, WRITE, FLUSH, TRIM, CLOSE_VMO } = BlockOpcode;
const ITEM = BlockIoFlag.GROUP_ITEM;
const LAST = BlockIoFlag.GROUP_ITEM | BlockIoFlag.GROUP_LAST;
const BS = 512;

function fill(vmo: Vmo, offset: number, length: number, seed: number): Uint8Array {
  const view = vmo.view(offset, length);
  for (let i = 0; i < length; i++) view[i] = (seed + i * 7) & 0xff;
  return view.slice();
}

beforeEach(() => env.reset());
afterEach(() => env.reset());

describe('reads and writes', () => {
  it('writes then reads back through the device, offsets in blocks, one arena per op', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid, vmo } = client.attach();
    expect(vmoid).toBe(1);
    const data = fill(vmo, 2 * BS, 4 * BS, 3);
    client.send({ opcode: WRITE, reqid: 10, vmoid, length: 4, vmoOffset: 2, devOffset: 100 });
    expect(await client.response()).toEqual({ status: Status.OK, reqid: 10, group: 0, count: 1 });
    expect(device.storage.subarray(100 * BS, 104 * BS)).toEqual(data);

    client.send({ opcode: READ, reqid: 11, vmoid, length: 4, vmoOffset: 20, devOffset: 100 });
    expect(await client.response()).toMatchObject({ status: Status.OK, reqid: 11 });
    expect(vmo.view(20 * BS, 4 * BS)).toEqual(data);
    expect(device.seen).toEqual([
      {
        tag: 'rw',
        opcode: WRITE,
        flags: 0,
        length: 4,
        offsetDev: 100,
        offsetVmo: 2,
        hadArena: true,
      },
      {
        tag: 'rw',
        opcode: READ,
        flags: 0,
        length: 4,
        offsetDev: 100,
        offsetVmo: 20,
        hadArena: true,
      },
    ]);
  });

  it('forwards barrier and force-access flags and strips the group flags', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const flags = BlockIoFlag.BARRIER_BEFORE | BlockIoFlag.FORCE_ACCESS;
    client.send({ opcode: WRITE, flags: flags | LAST, reqid: 1, vmoid, length: 1, group: 2 });
    expect(await client.response()).toMatchObject({ status: Status.OK, count: 1, group: 2 });
    expect(device.seen[0]?.flags).toBe(flags);
  });

  it('serves flush and trim (trim zeroes the blocks on this device)', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    device.storage.fill(0xff);
    client.send({ opcode: FLUSH, reqid: 1 }, { opcode: TRIM, reqid: 2, length: 3, devOffset: 5 });
    const responses = await client.responses(2);
    expect(responses.map((r) => [r.reqid, r.status])).toEqual([
      [1, Status.OK],
      [2, Status.OK],
    ]);
    expect(device.seen.map((s) => [s.tag, s.length, s.offsetDev])).toEqual([
      ['flush', 0, 0],
      ['trim', 3, 5],
    ]);
    expect(device.storage.subarray(5 * BS, 8 * BS).every((b) => b === 0)).toBe(true);
    expect(device.storage[4 * BS]).toBe(0xff);
  });

  it('reads a batch of many requests and answers each one', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const requests = Array.from({ length: 100 }, (_, i) => ({
      opcode: READ,
      reqid: 1000 + i,
      vmoid,
      length: 1,
      devOffset: i,
    }));
    client.send(...requests);
    const responses = await client.responses(100);
    expect(responses.map((r) => r.reqid).sort((a, b) => a - b)).toEqual(
      requests.map((r) => r.reqid),
    );
    expect(responses.every((r) => r.status === Status.OK && r.count === 1)).toBe(true);
    expect(device.seen).toHaveLength(100);
    expect(client.session.stats.batches).toBeLessThan(100);
  });
});

describe('validation', () => {
  it('answers an unknown vmoid, vmoid 0 and a detached vmoid with ERR_IO', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: READ, reqid: 1, vmoid: 0, length: 1 },
      { opcode: WRITE, reqid: 2, vmoid: 77, length: 1 },
      { opcode: CLOSE_VMO, reqid: 3, vmoid },
      { opcode: READ, reqid: 4, vmoid, length: 1 },
      { opcode: CLOSE_VMO, reqid: 5, vmoid },
    );
    const statuses = (await client.responses(5)).map((r) => [r.reqid, r.status]);
    expect(statuses).toEqual([
      [1, Status.ERR_IO],
      [2, Status.ERR_IO],
      [3, Status.OK],
      [4, Status.ERR_IO],
      [5, Status.ERR_IO],
    ]);
    expect(device.seen).toHaveLength(0);
  });

  it('keeps vmoids per session: another session cannot use mine', async () => {
    const { server } = await startServer();
    const mine = new RawClient(server);
    const other = new RawClient(server);
    const { vmoid } = mine.attach();
    other.send({ opcode: READ, reqid: 1, vmoid, length: 1 });
    expectStatus((await other.response()).status, Status.ERR_IO);
  });

  it('answers unknown opcodes with ERR_NOT_SUPPORTED and touches nothing', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: 0, reqid: 1, vmoid, length: 1 },
      { opcode: 6, reqid: 2, vmoid, length: 1 },
      { opcode: 0xff, reqid: 3, vmoid, length: 1 },
    );
    for (const r of await client.responses(3)) expectStatus(r.status, Status.ERR_NOT_SUPPORTED);
    expect(device.seen).toHaveLength(0);
  });

  it('answers length 0 with ERR_INVALID_ARGS and ranges past the device or VMO with ERR_OUT_OF_RANGE', async () => {
    const { device, server } = await startServer({ blockCount: 256 });
    const client = new RawClient(server);
    const { vmoid } = client.attach(8 * BS);
    client.send(
      { opcode: READ, reqid: 1, vmoid, length: 0 },
      { opcode: TRIM, reqid: 2, length: 0 },
      { opcode: READ, reqid: 3, vmoid, length: 2, devOffset: 255 },
      { opcode: WRITE, reqid: 4, vmoid, length: 1, devOffset: 2 ** 52 },
      { opcode: TRIM, reqid: 5, length: 1, devOffset: 256 },
      { opcode: READ, reqid: 6, vmoid, length: 4, vmoOffset: 5 },
      { opcode: READ, reqid: 7, vmoid, length: 1, devOffset: 255, vmoOffset: 7 },
    );
    const statuses = (await client.responses(7)).map((r) => r.status);
    expect(statuses).toEqual([
      Status.ERR_INVALID_ARGS,
      Status.ERR_INVALID_ARGS,
      Status.ERR_OUT_OF_RANGE,
      Status.ERR_OUT_OF_RANGE,
      Status.ERR_OUT_OF_RANGE,
      Status.ERR_OUT_OF_RANGE,
      Status.OK,
    ]);
    expect(device.seen).toHaveLength(1);
  });

  it('rejects u64 offsets beyond 2^53 as out of range, not as a wrapped small number', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const bytes = new Uint8Array(2 * BLOCK_FIFO_ESIZE);
    const view = new DataView(bytes.buffer);
    for (const [i, field] of [
      [0, 24],
      [1, 16],
    ] as const) {
      const at = i * BLOCK_FIFO_ESIZE;
      view.setUint32(at, READ, true);
      view.setUint32(at + 4, i + 1, true);
      view.setUint16(at + 10, vmoid, true);
      view.setUint32(at + 12, 1, true);
      view.setBigUint64(at + field, 0xffff_ffff_ffff_ffffn, true);
    }
    client.sendBytes(bytes);
    for (const r of await client.responses(2)) expectStatus(r.status, Status.ERR_OUT_OF_RANGE);
    expect(device.seen).toHaveLength(0);
  });

  it('survives garbage entries: each gets exactly one response and the session keeps serving', async () => {
    const { server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    // A fixed LCG, so the garbage is the same on every run.
    let x = 0x1234_5678;
    const next = (): number => (x = (Math.imul(x, 1_103_515_245) + 12345) >>> 0);
    const count = 300;
    const bytes = new Uint8Array(count * BLOCK_FIFO_ESIZE);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) {
      for (let w = 0; w < 10; w++) view.setUint32(i * BLOCK_FIFO_ESIZE + w * 4, next(), true);
      // Ungrouped (a group item without its last gets no response of its own), a unique reqid.
      const word = view.getUint32(i * BLOCK_FIFO_ESIZE, true);
      view.setUint32(i * BLOCK_FIFO_ESIZE, (word & ~ITEM) >>> 0, true);
      view.setUint32(i * BLOCK_FIFO_ESIZE + 4, i, true);
      if (i % 3 === 0) view.setUint16(i * BLOCK_FIFO_ESIZE + 10, vmoid, true);
    }
    const seen = new Set<number>();
    let sent = 0;
    while (seen.size < count) {
      if (sent < count) {
        const n = client.fifo.tryWrite(bytes.subarray(sent * BLOCK_FIFO_ESIZE));
        sent += n;
      }
      for (const r of await client.responses(1)) {
        expect(seen.has(r.reqid)).toBe(false);
        seen.add(r.reqid);
      }
    }
    expect(client.session.state).toBe('open');
    client.send({ opcode: WRITE, reqid: 9999, vmoid, length: 1, devOffset: 1 });
    expect(await client.response()).toMatchObject({ reqid: 9999, status: Status.OK });
  });
});

describe('transaction groups', () => {
  it('answers a group of N that all succeed once, with count N and the last reqid', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: WRITE, flags: ITEM, group: 3, reqid: 1, vmoid, length: 1, devOffset: 0 },
      { opcode: WRITE, flags: ITEM, group: 3, reqid: 2, vmoid, length: 1, devOffset: 1 },
      { opcode: FLUSH, flags: ITEM, group: 3, reqid: 3 },
      { opcode: READ, flags: LAST, group: 3, reqid: 4, vmoid, length: 2, devOffset: 0 },
    );
    expect(await client.response()).toEqual({ status: Status.OK, reqid: 4, group: 3, count: 4 });
    await settle();
    expect(client.session.stats.responses).toBe(1);
    expect(device.seen).toHaveLength(4);
  });

  it('answers with the first failure only after every member finished', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    device.fault = (op) =>
      op.$tag === 'rw' && op.rw.offsetDev === 1n ? Status.ERR_IO_DATA_INTEGRITY : Status.OK;
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: WRITE, flags: ITEM, group: 0, reqid: 1, vmoid, length: 1, devOffset: 0 },
      { opcode: WRITE, flags: ITEM, group: 0, reqid: 2, vmoid, length: 1, devOffset: 1 },
      { opcode: WRITE, flags: LAST, group: 0, reqid: 3, vmoid, length: 1, devOffset: 2 },
    );
    await device.parkedAtLeast(3);
    device.release(2); // the failing member completes first
    await settle();
    expect(client.session.stats.responses).toBe(0);
    device.release();
    expect(await client.response()).toEqual({
      status: Status.ERR_IO_DATA_INTEGRITY,
      reqid: 3,
      group: 0,
      count: 3,
    });
  });

  it('does not start members after a member failed validation; the last one carries the error', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: WRITE, flags: ITEM, group: 1, reqid: 1, vmoid, length: 1 },
      { opcode: WRITE, flags: ITEM, group: 1, reqid: 2, vmoid: 99, length: 1 },
      { opcode: WRITE, flags: ITEM, group: 1, reqid: 3, vmoid, length: 1 },
      { opcode: READ, flags: LAST, group: 1, reqid: 4, vmoid, length: 1 },
    );
    expect(await client.response()).toEqual({
      status: Status.ERR_IO,
      reqid: 4,
      group: 1,
      count: 4,
    });
    expect(device.seen).toHaveLength(1);
    // The group id is free again and works.
    client.send({ opcode: FLUSH, flags: LAST, group: 1, reqid: 5 });
    expect(await client.response()).toEqual({ status: Status.OK, reqid: 5, group: 1, count: 1 });
  });

  it('runs all eight groups at once, interleaved, each answered with its own count', async () => {
    const { server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const entries = [];
    for (let member = 0; member < 5; member++) {
      for (let g = 0; g < 8; g++) {
        const size = 1 + (g % 5); // group g has 1 + g % 5 members
        if (member >= size) continue;
        const last = member === size - 1;
        entries.push({
          opcode: WRITE,
          flags: last ? LAST : ITEM,
          group: g,
          reqid: 100 + g,
          vmoid,
          length: 1,
          devOffset: g * 8 + member,
        });
      }
    }
    client.send(...entries);
    const responses = await client.responses(8);
    responses.sort((a, b) => a.group - b.group);
    expect(responses).toEqual(
      Array.from({ length: 8 }, (_, g) => ({
        status: Status.OK,
        reqid: 100 + g,
        group: g,
        count: 1 + (g % 5),
      })),
    );
  });

  it('answers a group id of 8 or more at once with ERR_INVALID_ARGS', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: WRITE, flags: ITEM, group: 8, reqid: 1, vmoid, length: 1 },
      { opcode: WRITE, flags: LAST, group: 0xffff, reqid: 2, vmoid, length: 1 },
    );
    expect(await client.responses(2)).toEqual([
      { status: Status.ERR_INVALID_ARGS, reqid: 1, group: 8, count: 1 },
      { status: Status.ERR_INVALID_ARGS, reqid: 2, group: 0xffff, count: 1 },
    ]);
    expect(device.seen).toHaveLength(0);
  });

  it('fails a group that gets an item after its last one (while the last is pending)', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send({ opcode: WRITE, flags: LAST, group: 2, reqid: 1, vmoid, length: 1 });
    await device.parkedAtLeast(1);
    client.send({ opcode: WRITE, flags: ITEM, group: 2, reqid: 2, vmoid, length: 1 });
    await settle();
    device.release();
    expect(await client.response()).toEqual({
      status: Status.ERR_INVALID_ARGS,
      reqid: 1,
      group: 2,
      count: 1,
    });
    expect(client.session.stats.lateGroupItems).toBe(1);
    expect(device.seen).toHaveLength(1);
  });

  it('treats GROUP_LAST without GROUP_ITEM as an ordinary request', async () => {
    const { server } = await startServer();
    const client = new RawClient(server);
    client.send({ opcode: FLUSH, flags: BlockIoFlag.GROUP_LAST, group: 5, reqid: 42 });
    expect(await client.response()).toEqual({ status: Status.OK, reqid: 42, group: 0, count: 1 });
  });
});

describe('splitting', () => {
  it('splits long reads and writes above the configured max and answers once', async () => {
    const { device, server } = await startServer({}, { maxTransferBlocks: 4 });
    const client = new RawClient(server);
    const { vmoid, vmo } = client.attach();
    const data = fill(vmo, 0, 10 * BS, 9);
    client.send({ opcode: WRITE, reqid: 1, vmoid, length: 10, vmoOffset: 0, devOffset: 50 });
    expect(await client.response()).toEqual({ status: Status.OK, reqid: 1, group: 0, count: 1 });
    expect(device.seen.map((s) => [s.length, s.offsetDev, s.offsetVmo])).toEqual([
      [4, 50, 0],
      [4, 54, 4],
      [2, 58, 8],
    ]);
    expect(device.storage.subarray(50 * BS, 60 * BS)).toEqual(data);
    expect(client.session.stats.splitRequests).toBe(1);
  });

  it("splits by the device's max_transfer_size in 'device' mode; one failing part fails the request", async () => {
    const { device, server } = await startServer(
      { maxTransferSize: 3 * BS },
      { maxTransferBlocks: 'device' },
    );
    expect(server.maxTransferBlocks).toBe(3);
    device.fault = (op) => (op.$tag === 'rw' && op.rw.offsetDev === 3n ? Status.ERR_IO : Status.OK);
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      { opcode: READ, reqid: 1, vmoid, length: 7 },
      { opcode: READ, reqid: 2, vmoid, length: 3, devOffset: 10 },
    );
    const responses = await client.responses(2);
    expect(responses.find((r) => r.reqid === 1)?.status).toBe(Status.ERR_IO);
    expect(responses.find((r) => r.reqid === 2)?.status).toBe(Status.OK);
    expect(device.seen.filter((s) => s.tag === 'rw')).toHaveLength(4);
  });

  it('leaves splitting to block-core by default', async () => {
    const { device, server } = await startServer({ maxTransferSize: 2 * BS });
    expect(server.maxTransferBlocks).toBe(0);
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send({ opcode: READ, reqid: 1, vmoid, length: 4 });
    expectStatus((await client.response()).status, Status.ERR_INVALID_ARGS);
    expect(device.seen).toHaveLength(1);
  });
});

describe('a full response FIFO', () => {
  it('makes the server wait, and every response arrives once the client reads', async () => {
    const { device, server } = await startServer({ blockCount: 4096 });
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const depth = client.fifo.depth;
    const total = 4 * depth;
    const bytes = new Uint8Array(total * BLOCK_FIFO_ESIZE);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < total; i++) {
      const at = i * BLOCK_FIFO_ESIZE;
      view.setUint32(at, READ, true);
      view.setUint32(at + 4, i + 1, true);
      view.setUint16(at + 10, vmoid, true);
      view.setUint32(at + 12, 1, true);
      view.setUint32(at + 24, i, true);
    }
    // Write whatever the request FIFO takes, never reading a response, until nothing more goes in.
    let sent = 0;
    for (;;) {
      const n = client.fifo.tryWrite(bytes.subarray(sent * BLOCK_FIFO_ESIZE));
      sent += n;
      await settle();
      if (n === 0) break;
    }
    // depth responses fill the response FIFO, depth more wait in the server, depth requests
    // wait unread in the request FIFO: the server stopped reading instead of dropping.
    const stats = client.session.stats;
    expect(sent).toBe(3 * depth);
    expect(stats.requests).toBe(2 * depth);
    expect(stats.responses).toBe(depth);
    expect(stats.maxResponseBacklog).toBe(depth);
    expect(stats.responseFifoFull).toBeGreaterThan(0);

    // Now read everything; the server resumes and the rest of the requests go in as room appears.
    const seen = new Set<number>();
    while (seen.size < total) {
      if (sent < total) sent += client.fifo.tryWrite(bytes.subarray(sent * BLOCK_FIFO_ESIZE));
      const [r] = await client.responses(1);
      expect(r?.status).toBe(Status.OK);
      expect(seen.has(r?.reqid as number)).toBe(false);
      seen.add(r?.reqid as number);
    }
    expect(seen.size).toBe(total);
    expect(device.seen).toHaveLength(total);
    expect(client.session.stats.discardedResponses).toBe(0);
  });
});

describe('session lifetime', () => {
  it('closes when the client closes its FIFO end, after its ops finished, and frees its VMOs', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send({ opcode: WRITE, reqid: 1, vmoid, length: 1 });
    await device.parkedAtLeast(1);
    client.fifo.close();
    await settle();
    expect(client.session.state).toBe('closing');
    device.release();
    expect(await client.session.closed).toBe(Status.ERR_PEER_CLOSED);
    expect(client.session.attachedVmos).toBe(0);
    expect(server.sessions).toHaveLength(0);
    expect(server.stats().totals.discardedResponses).toBe(1);
  });

  it('server close ends every session with its status once the device finished', async () => {
    const { device, server } = await startServer();
    device.hold = true;
    const a = new RawClient(server);
    const b = new RawClient(server);
    a.send({ opcode: FLUSH, reqid: 1 });
    await device.parkedAtLeast(1);
    const closed = server.close(Status.ERR_IO_NOT_PRESENT, 'the device was unplugged');
    expect(a.session.state).toBe('closing');
    expect(b.session.state).toBe('closed');
    device.release();
    await closed;
    expect(await a.session.closed).toBe(Status.ERR_IO_NOT_PRESENT);
    expect(a.session.closeReason).toBe('the device was unplugged');
    expect(() => server.openSession()).toThrow(/closing/);
  });

  it('stops reading at the in-flight budget and resumes as ops complete', async () => {
    const { device, server } = await startServer({}, { maxInFlight: 5 });
    device.hold = true;
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    client.send(
      ...Array.from({ length: 20 }, (_, i) => ({ opcode: READ, reqid: i, vmoid, length: 1 })),
    );
    await device.parkedAtLeast(5);
    await settle();
    expect(device.parked).toHaveLength(5);
    device.hold = false;
    device.release();
    expect(await client.responses(20)).toHaveLength(20);
    expect(device.maxInFlight).toBeLessThanOrEqual(5);
  });

  it('counts a device that rejects or throws as a failed op, never a crash', async () => {
    const { device, server } = await startServer();
    const client = new RawClient(server);
    const { vmoid } = client.attach();
    const queue = device.queue.bind(device);
    let calls = 0;
    device.queue = (request, arena) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return Promise.reject(new Error('async boom'));
      if (calls === 3) return undefined as never;
      return queue(request, arena);
    };
    client.send(
      { opcode: READ, reqid: 1, vmoid, length: 1 },
      { opcode: READ, reqid: 2, vmoid, length: 1 },
      { opcode: READ, reqid: 3, vmoid, length: 1 },
      { opcode: READ, reqid: 4, vmoid, length: 1 },
    );
    const statuses = (await client.responses(4))
      .sort((a, b) => a.reqid - b.reqid)
      .map((r) => r.status);
    expect(statuses).toEqual([
      Status.ERR_INTERNAL,
      Status.ERR_INTERNAL,
      Status.ERR_INTERNAL,
      Status.OK,
    ]);
    expect(client.session.state).toBe('open');
  });
});
