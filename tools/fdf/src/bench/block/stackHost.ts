/**
 * Worker entry: one driver host holding the whole block stack (banjo,
 * driver and driver-queued configurations), serving block-server's device
 * channel to the bench client in the main thread, as a storage client in
 * another process reaches the block host.
 */
import { workerData } from 'node:worker_threads';
import { serveBlockDevice } from '@fdf/block-server';
import { env } from '@fdf/runtime';
import { handleFromTransfer, ZxChannel, type HandleDescriptor } from '@fdf/zx';
import { hostReport, serveReports } from './hostReport.js';
import { buildInHostStack } from './inHostStack.js';
import type { InHostConfig } from './types.js';

export interface StackHostData {
  config: InHostConfig;
  crypt: boolean;
  /** The device channel's server end (control protocol; the FIFO is opened over it). */
  channel: HandleDescriptor;
}

const data = workerData as StackHostData;
// The RFC's "shared dispatcher loop": every Driver-transport hand-over goes through the run loop.
env.setInlining(data.config !== 'driver-queued');
const stack = await buildInHostStack(data.config, data.crypt);
serveBlockDevice(stack.server, handleFromTransfer(data.channel, ZxChannel), stack.dispatcher);
serveReports(() => hostReport(stack.dispatchers, stack.counters));
