/**
 * Echo host for the cross-worker round-trip benchmarks: answers every message
 * on the zircon-channel analog and on a bare MessagePort with the same bytes.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { handleFromTransfer, Status, StatusError, ZxChannel, type HandleDescriptor } from '@fdf/zx';

const { channel, port } = workerData as { channel: HandleDescriptor; port: MessagePort };

port.on('message', (bytes: Uint8Array) => port.postMessage(bytes));

const ch = handleFromTransfer(channel, ZxChannel);
for (;;) {
  try {
    const m = await ch.readAsync();
    ch.write(m.bytes);
  } catch (err) {
    if (StatusError.is(err, Status.ERR_PEER_CLOSED)) break;
    throw err;
  }
}
ch.close();
port.close();
