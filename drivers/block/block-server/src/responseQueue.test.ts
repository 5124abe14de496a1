import { Fifo, Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { BLOCK_FIFO_ESIZE, decodeResponse, newResponse } from './fifoProtocol.js';
import { ResponseQueue } from './responseQueue.js';

function drain(fifo: Fifo): number[] {
  const buf = new Uint8Array(fifo.depth * BLOCK_FIFO_ESIZE);
  const n = fifo.tryRead(buf);
  const view = new DataView(buf.buffer);
  return Array.from({ length: n }, (_, i) => decodeResponse(view, i, newResponse()).reqid);
}

describe('ResponseQueue', () => {
  it('keeps what does not fit, in order, growing as needed, and writes it when room appears', () => {
    const [serverEnd, clientEnd] = Fifo.create(BLOCK_FIFO_ESIZE, 4);
    const queue = new ResponseQueue(serverEnd, 2);
    for (let reqid = 1; reqid <= 7; reqid++) queue.push(Status.OK, reqid, 0, 1);
    expect(queue.flush()).toBe(false);
    expect(queue.length).toBe(3);
    expect(drain(clientEnd)).toEqual([1, 2, 3, 4]);
    for (let reqid = 8; reqid <= 9; reqid++) queue.push(Status.OK, reqid, 0, 1);
    expect(queue.flush()).toBe(false);
    expect(drain(clientEnd)).toEqual([5, 6, 7, 8]);
    expect(queue.flush()).toBe(true);
    expect(drain(clientEnd)).toEqual([9]);
    expect(queue).toMatchObject({ written: 9, discarded: 0, highWater: 7, length: 0 });
  });

  it('discards, and counts, what a closed client can no longer read', () => {
    const [serverEnd, clientEnd] = Fifo.create(BLOCK_FIFO_ESIZE, 2);
    const queue = new ResponseQueue(serverEnd, 2);
    for (let reqid = 1; reqid <= 3; reqid++) queue.push(Status.OK, reqid, 0, 1);
    expect(queue.flush()).toBe(false);
    clientEnd.close();
    expect(queue.flush()).toBe(true);
    queue.push(Status.OK, 4, 0, 1);
    expect(queue).toMatchObject({ written: 2, discarded: 2, peerClosed: true, length: 0 });
  });
});
