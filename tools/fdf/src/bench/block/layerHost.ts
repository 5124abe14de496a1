/**
 * Worker entry for the `channel` configuration: a driver host holding one
 * driver of the block stack. It reaches the driver below over the Channel
 * transport (wire format through a zircon-channel analog to another worker)
 * and serves the driver above the same way; block-server serves the bench
 * client's device channel instead. The RFC's "per driver threads".
 */
import { workerData } from 'node:worker_threads';
import { block } from '@fdf/bindings';
import { BlockCore, driverImplPort } from '@fdf/block-core';
import { fidlParent } from '@fdf/block-gpt';
import { blockImplServer } from '@fdf/block-ramdisk';
import {
  BlockServer,
  serveBlockDevice,
  type BlockDevice as ServerDevice,
  type BlockQueueResponse,
} from '@fdf/block-server';
import { bindChannelServer, createChannelClient } from '@fdf/fidl';
import type { DriverCounters } from '@fdf/framework';
import { env } from '@fdf/runtime';
import {
  handleFromTransfer,
  Status,
  StatusError,
  Vmo,
  ZxChannel,
  type HandleDescriptor,
} from '@fdf/zx';
import { buildDiskImage } from './disk.js';
import { hostReport, serveReports } from './hostReport.js';
import { blockCoreOffers, openLayer, openRamdisk, type LayerName } from './layers.js';

export type HostRole = 'ramdisk' | 'block-core' | LayerName | 'block-server';

export interface LayerHostData {
  role: HostRole;
  /** Client end toward the driver below (absent for the ramdisk). */
  parent?: HandleDescriptor;
  /** Server end for the driver above; for block-server, the bench client's device channel. */
  child: HandleDescriptor;
}

/**
 * block-server over a Channel-transport client. A handle written to a
 * zircon channel moves (the writer's object closes), but the session's VMO
 * must outlive the op: lend a duplicate and close what comes back, as the
 * forwarding drivers' ParentBlock does across hosts.
 */
function lendingDevice(client: block.BlockClient): ServerDevice {
  return {
    query: () => client.query(),
    queue: (request) => {
      const op = request.op;
      if (op.$tag !== 'rw' || !(op.rw.vmo instanceof Vmo)) return client.queue(request);
      const own = op.rw.vmo;
      op.rw.vmo = own.duplicate();
      const reply = client.queue(request);
      op.rw.vmo = own;
      return reply.then((response: BlockQueueResponse) => {
        const back = response.op;
        if (back.$tag === 'rw' && back.rw.vmo !== own && !back.rw.vmo.closed) back.rw.vmo.close();
        return response;
      });
    },
  };
}

function needParent(data: LayerHostData): ZxChannel {
  if (data.parent === undefined) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `bench host '${data.role}' needs a channel to the driver below it`,
    );
  }
  return handleFromTransfer(data.parent, ZxChannel);
}

const data = workerData as LayerHostData;
const dispatcher = env.createDispatcherWithOwner({ name: data.role }, { name: data.role });
const child = handleFromTransfer(data.child, ZxChannel);
const counters: DriverCounters[] = [];
const serve = { dispatcher };

switch (data.role) {
  case 'ramdisk': {
    const ramdisk = openRamdisk(await buildDiskImage());
    bindChannelServer(block.BlockImpl, child, blockImplServer(ramdisk), serve);
    break;
  }
  case 'block-core': {
    const impl = createChannelClient(block.BlockImpl, needParent(data), serve);
    const core = await BlockCore.create(driverImplPort(impl, 'channel'));
    bindChannelServer(block.Block, child, blockCoreOffers.server(core), serve);
    break;
  }
  case 'block-server': {
    const device = lendingDevice(createChannelClient(block.Block, needParent(data), serve));
    const server = await BlockServer.create(device, serve);
    serveBlockDevice(server, child, dispatcher);
    break;
  }
  default: {
    const parent = fidlParent(createChannelClient(block.Block, needParent(data), serve), 'channel');
    const layer = await openLayer(data.role, parent);
    counters.push(layer.counters);
    bindChannelServer(block.Block, child, layer.server(), serve);
  }
}
serveReports(() => hostReport([dispatcher], counters));
