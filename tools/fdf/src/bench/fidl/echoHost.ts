/**
 * A driver host in its own worker thread for the cross-worker Channel cases:
 * serves fdf.sample/Echo over the Channel transport on its own driver's
 * dispatcher, with the same server object the same-host cases use. Answers
 * every message from the parent with its binding's counters (the parent
 * reads bytes copied per call from them) and ends once the client closes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sample } from '@fdf/bindings';
import { bindChannelServer } from '@fdf/fidl';
import { env } from '@fdf/runtime';
import { handleFromTransfer, Status, StatusError, ZxChannel, type HandleDescriptor } from '@fdf/zx';
import { echoServer, newEchoCounter } from './echoServer.js';

export interface EchoHostReport {
  stats: { messages: number; bytesCopied: number; copies: number };
  received: number;
}

const port = parentPort;
if (port === null) {
  throw new StatusError(
    Status.ERR_BAD_STATE,
    'echoHost.ts is a worker entry; start it with startWorker from @fdf/zx',
  );
}
const { channel } = workerData as { channel: HandleDescriptor };
const end = handleFromTransfer(channel, ZxChannel);
const dispatcher = env.createDispatcherWithOwner({ name: 'bench-echo-host' }, { name: 'echo' });
const counter = newEchoCounter();
const binding = bindChannelServer(sample.Echo, end, echoServer(counter), { dispatcher });

port.on('message', () => {
  const report: EchoHostReport = { stats: { ...binding.stats }, received: counter.received };
  port.postMessage(report);
});
// Only the channel should keep this thread alive: once the client closes it,
// the binding unbinds and the worker ends by itself.
port.unref();

await binding.unbound;
