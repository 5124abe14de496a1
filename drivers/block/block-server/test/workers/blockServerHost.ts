// A driver host running block-server over a memory device, served on the
// device channel it is given. Reports its counters and exits once the client
// closed the channel; with `hold`, parks every op and says so after `parkAfter`.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { env } from '@fdf/runtime';
import { handleFromTransfer, Status, ZxChannel, type HandleDescriptor } from '@fdf/zx';
import { BlockServer } from '../../src/blockServer.js';
import { serveBlockDevice } from '../../src/controlServer.js';
import { MemoryBlockDevice } from '../memoryBlockDevice.js';

interface HostData {
  channel: HandleDescriptor;
  blockCount: number;
  blockSize: number;
  hold?: boolean;
  parkAfter?: number;
}

const data = workerData as HostData;
const channel = handleFromTransfer(data.channel, ZxChannel);
const device = new MemoryBlockDevice({ blockCount: data.blockCount, blockSize: data.blockSize });
device.hold = data.hold === true;
const dispatcher = env.createDispatcherWithOwner(
  { name: 'block-server' },
  { name: 'block-server' },
);
const server = await BlockServer.create(device, { dispatcher });
const binding = serveBlockDevice(server, channel, dispatcher);
if (data.parkAfter !== undefined) {
  void device
    .parkedAtLeast(data.parkAfter)
    .then(() => parentPort?.postMessage({ parked: device.parked.length }));
}
await binding.done;
// The client's sessions end when it closes them; anything left ends here.
await server.close(Status.ERR_PEER_CLOSED, 'the device channel closed');
parentPort?.postMessage({
  stats: server.stats(),
  deviceOps: device.seen.length,
  maxDeviceInFlight: device.maxInFlight,
  threadId,
});
