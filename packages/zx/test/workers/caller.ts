// Makes blocking zx_channel_call()s and reports the replies, then reads the
// messages the server sent between replies, which must still be queued in order.
import { parentPort, workerData } from 'node:worker_threads';
import { handleFromTransfer, ZxChannel, type HandleDescriptor } from '../../src/index.js';

const { channel: descriptor, calls } = workerData as { channel: HandleDescriptor; calls: number };
const channel = handleFromTransfer(descriptor, ZxChannel);
const replies: number[] = [];
const txids = new Set<number>();
for (let i = 0; i < calls; i++) {
  const reply = channel.call(new Uint8Array([0, 0, 0, 0, i]));
  txids.add(new DataView(reply.bytes.buffer).getUint32(0, true));
  replies.push(reply.bytes[4] as number);
}
const others: number[] = [];
for (let i = 0; i < calls; i++) others.push(channel.read().bytes[4] as number);
channel.close();
parentPort?.postMessage({ replies, others, distinctTxids: txids.size });
