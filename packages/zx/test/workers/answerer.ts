// Answers each call: first an unrelated message (txid 0), then the reply
// (same txid, payload + 100). Stops when the caller closes.
import { workerData } from 'node:worker_threads';
import { handleFromTransfer, ZxChannel, type HandleDescriptor } from '../../src/index.js';

const channel = handleFromTransfer(
  (workerData as { channel: HandleDescriptor }).channel,
  ZxChannel,
);
for (;;) {
  let request;
  try {
    request = channel.readBlocking();
  } catch {
    break;
  }
  const payload = request.bytes[4] as number;
  channel.write(new Uint8Array([0, 0, 0, 0, payload]));
  const reply = request.bytes.slice();
  reply[4] = payload + 100;
  channel.write(reply);
}
channel.close();
