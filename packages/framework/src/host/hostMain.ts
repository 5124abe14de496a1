/**
 * The entry of a driver host worker (started by WorkerHost with startWorker).
 * It owns this thread's runtime: every driver of the host lives here, and an
 * uncaught exception from any of them ends this thread only. The manager sees
 * the worker's 'error' and 'exit' and handles the crash.
 */
import { threadId, workerData } from 'node:worker_threads';
import { handleFromTransfer, transferHandle, ZxChannel } from '@fdf/zx';
import { DriverHost } from './driverHost.js';
import type {
  HostCalls,
  HostEvents,
  HostWorkerData,
  ManagerCalls,
  ManagerEvents,
} from './hostProtocol.js';
import { RpcPort } from './rpcPort.js';

const data = workerData as HostWorkerData;
const rpc = new RpcPort<ManagerCalls, ManagerEvents, HostCalls, HostEvents>(
  data.control,
  'the driver manager',
  (problem) => log(problem),
);

function log(message: string): void {
  rpc.notify('log', {
    level: 'warn',
    source: `host ${data.host}`,
    message,
    timeMs: performance.now(),
  });
}

const host: DriverHost = new DriverHost(data.host, {
  addChild: (instance, request) => rpc.request('add-child', { instance, request }),
  removeNode: async (instance, path) => {
    await rpc.request('remove-node', { instance, path });
  },
  connect: (provider, offer, server) => {
    const { descriptor, transferList } = transferHandle(server);
    rpc.notify('connect', { provider, offer, channel: descriptor }, transferList);
  },
  log: (record) => rpc.notify('log', record),
});

rpc.handle('start-driver', (info) => host.startDriver(info));
rpc.handle('stop-driver', async ({ instance }) => {
  await host.stopDriver(instance);
  return null;
});
rpc.handle('reports', () => host.reports());
rpc.handle('stats', () => host.stats());
rpc.handle('run-workload', ({ instance, name, params }) =>
  host.runWorkload(instance, name, params),
);
rpc.handle('inject-crash', ({ instance }) => {
  host.injectCrash(instance);
  return null;
});
rpc.handle('shutdown', async () => {
  await host.stopAll();
  return null;
});
rpc.on('serve', ({ provider, offer, channel }) => {
  host.serve(provider, offer, handleFromTransfer(channel, ZxChannel));
});

rpc.notify('ready', { threadId });
