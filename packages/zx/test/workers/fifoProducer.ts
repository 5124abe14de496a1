// Writes `count` 8-byte elements (sequence number, and its complement as a
// check) in uneven batches, blocking while the fifo is full, then closes.
import { workerData } from 'node:worker_threads';
import {
  Fifo,
  handleFromTransfer,
  Status,
  StatusError,
  type HandleDescriptor,
} from '../../src/index.js';

const { fifo: descriptor, count } = workerData as { fifo: HandleDescriptor; count: number };
const fifo = handleFromTransfer(descriptor, Fifo);
const batch = new Uint8Array(8 * 7);
const view = new DataView(batch.buffer);
let next = 0;
while (next < count) {
  const n = Math.min(1 + (next % 7), count - next);
  for (let i = 0; i < n; i++) {
    view.setUint32(i * 8, next + i, true);
    view.setUint32(i * 8 + 4, ~(next + i) >>> 0, true);
  }
  let done = 0;
  while (done < n) {
    try {
      done += fifo.write(batch.subarray(done * 8, n * 8));
    } catch (err) {
      if (!StatusError.is(err, Status.ERR_SHOULD_WAIT)) throw err;
      fifo.writableBlocking();
    }
  }
  next += n;
}
fifo.close();
