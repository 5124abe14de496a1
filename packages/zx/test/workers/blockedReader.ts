// Blocks in readBlocking() and reports how it ended: a message, or the status.
import { parentPort, workerData } from 'node:worker_threads';
import {
  handleFromTransfer,
  StatusError,
  statusName,
  ZxChannel,
  type HandleDescriptor,
} from '../../src/index.js';

const channel = handleFromTransfer(
  (workerData as { channel: HandleDescriptor }).channel,
  ZxChannel,
);
parentPort?.postMessage('blocking');
try {
  const message = channel.readBlocking();
  parentPort?.postMessage({ bytes: [...message.bytes] });
} catch (err) {
  parentPort?.postMessage({ status: StatusError.is(err) ? statusName(err.status) : String(err) });
}
