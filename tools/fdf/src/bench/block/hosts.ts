/**
 * Starting and stopping the driver hosts of one configuration, from the
 * bench's side (main thread, where the FIFO client runs):
 *
 * - banjo, driver, driver-queued: one host with the whole stack (stackHost.ts);
 * - channel: one host per driver (layerHost.ts), chained by zircon channels.
 *
 * Either way the client reaches block-server over a device channel and the
 * shared FIFO, from another thread, as a storage client in its own process.
 */
import type { Worker } from 'node:worker_threads';
import { BlockClient } from '@fdf/block-server';
import { startWorker, transferHandle, workerMessage, ZxChannel } from '@fdf/zx';
import { REPORT_REQUEST, type HostMessage } from './hostReport.js';
import type { HostRole, LayerHostData } from './layerHost.js';
import { layerNames } from './layers.js';
import type { StackHostData } from './stackHost.js';
import type { BlockConfig, HostReport } from './types.js';

export interface RunningStack {
  readonly config: BlockConfig;
  readonly client: BlockClient;
  /** Driver hosts (worker threads) this configuration runs. */
  readonly hosts: number;
  /** Closes the client, collects every host's report and ends the hosts. */
  stop(): Promise<HostReport[]>;
}

const STACK_HOST = new URL('./stackHost.ts', import.meta.url);
const LAYER_HOST = new URL('./layerHost.ts', import.meta.url);

async function ready(worker: Worker): Promise<void> {
  const message = await workerMessage<HostMessage>(worker);
  if (message.kind !== 'ready') await ready(worker);
}

async function report(worker: Worker): Promise<HostReport> {
  const answer = workerMessage<HostMessage>(worker);
  worker.postMessage(REPORT_REQUEST);
  const message = await answer;
  return message.kind === 'report' ? message.report : report(worker);
}

/** Ends every worker even when one of them fails; the first failure is rethrown. */
async function stopHosts(
  client: BlockClient | null,
  workers: Worker[],
  collect: boolean,
): Promise<HostReport[]> {
  const reports: HostReport[] = [];
  let first: unknown = null;
  try {
    await client?.close();
    if (collect) for (const w of workers) reports.push(await report(w));
  } catch (err) {
    first = err;
  }
  await Promise.all(workers.map((w) => w.terminate()));
  if (first !== null) throw first;
  return reports;
}

async function connected(
  config: BlockConfig,
  workers: Worker[],
  mine: ZxChannel,
): Promise<RunningStack> {
  let client: BlockClient | null = null;
  try {
    await Promise.all(workers.map(ready));
    client = await BlockClient.connect(mine);
  } catch (err) {
    await stopHosts(client, workers, false).catch(() => undefined);
    throw err;
  }
  const running = client;
  return {
    config,
    client: running,
    hosts: workers.length,
    stop: () => stopHosts(running, workers, true),
  };
}

export function startStack(config: BlockConfig, crypt: boolean): Promise<RunningStack> {
  const [mine, theirs] = ZxChannel.create();
  if (config !== 'channel') {
    const { descriptor, transferList } = transferHandle(theirs);
    const data: StackHostData = { config, crypt, channel: descriptor };
    return connected(config, [startWorker(STACK_HOST, data, transferList)], mine);
  }
  // Bottom up; each zircon channel joins a host (client end) to the one below it (server end).
  const roles: HostRole[] = ['ramdisk', 'block-core', ...layerNames(crypt), 'block-server'];
  const workers: Worker[] = [];
  let parent: ZxChannel | undefined;
  for (const role of roles) {
    const [up, down] = role === 'block-server' ? [undefined, theirs] : ZxChannel.create();
    const child = transferHandle(down);
    const fromParent = parent === undefined ? undefined : transferHandle(parent);
    const data: LayerHostData = {
      role,
      child: child.descriptor,
      ...(fromParent === undefined ? {} : { parent: fromParent.descriptor }),
    };
    workers.push(
      startWorker(LAYER_HOST, data, [...child.transferList, ...(fromParent?.transferList ?? [])]),
    );
    parent = up;
  }
  return connected(config, workers, mine);
}
