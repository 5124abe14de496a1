// Reads 8-byte elements with blocking waits until the producer closes, and
// reports how many arrived, in order and intact.
import { parentPort, workerData } from 'node:worker_threads';
import {
  Fifo,
  handleFromTransfer,
  Status,
  StatusError,
  type HandleDescriptor,
} from '../../src/index.js';
import { ElementChecker } from '../fifoElements.js';

const fifo = handleFromTransfer((workerData as { fifo: HandleDescriptor }).fifo, Fifo);
const checker = new ElementChecker();
const into = new Uint8Array(8 * 5);
for (;;) {
  try {
    checker.take(into, fifo.read(into));
  } catch (err) {
    if (StatusError.is(err, Status.ERR_PEER_CLOSED)) break;
    if (!StatusError.is(err, Status.ERR_SHOULD_WAIT)) throw err;
    try {
      fifo.readableBlocking();
    } catch (waitErr) {
      if (StatusError.is(waitErr, Status.ERR_PEER_CLOSED)) break;
      throw waitErr;
    }
  }
}
fifo.close();
parentPort?.postMessage(checker.report());
