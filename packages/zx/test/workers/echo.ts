// Echoes every message (bytes and handles) back until the peer closes. The
// channel comes in workerData, or, when workerData has none, as the first
// message posted to the worker.
import { parentPort, workerData } from 'node:worker_threads';
import { handleFromTransfer, ZxChannel, type HandleDescriptor } from '../../src/index.js';

const given = (workerData as { channel?: HandleDescriptor } | undefined)?.channel;
const descriptor =
  given ?? (await new Promise<HandleDescriptor>((resolve) => parentPort?.once('message', resolve)));
const channel = handleFromTransfer(descriptor, ZxChannel);
for (;;) {
  let message;
  try {
    message = channel.readBlocking();
  } catch {
    break;
  }
  channel.write(message.bytes, message.handles);
}
channel.close();
