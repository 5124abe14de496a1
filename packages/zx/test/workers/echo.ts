// Echoes every message on the channel it was given until the peer closes.
import { workerData } from 'node:worker_threads';
import { handleFromTransfer, ZxChannel, type HandleDescriptor } from '../../src/index.js';

const channel = handleFromTransfer(
  (workerData as { channel: HandleDescriptor }).channel,
  ZxChannel,
);
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
