/**
 * The whole block stack in one driver host, for the configurations that
 * colocate it: ramdisk -> block-core -> gpt -> fvm -> [zxcrypt] ->
 * block-server, every driver with its own synchronized dispatcher (as the
 * framework gives each driver), joined by Banjo tables or by the Driver
 * transport. Whether Driver-transport hand-overs run inline or through the
 * run loop is the runtime's switch (env.setInlining), set by the host.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { BlockCore, banjoImplPort, driverImplPort } from '@fdf/block-core';
import { banjoParent, fidlParent, type ParentBlock } from '@fdf/block-gpt';
import { blockImplServer, ramdiskBanjo } from '@fdf/block-ramdisk';
import { BlockServer, type BlockDevice as ServerDevice } from '@fdf/block-server';
import { bindDriverServer, createDriverClient, type ProtocolDescriptor } from '@fdf/fidl';
import type { DriverCounters } from '@fdf/framework';
import { Channel, env, type Dispatcher } from '@fdf/runtime';
import { buildDiskImage } from './disk.js';
import { blockCoreOffers, layerNames, openLayer, openRamdisk, type OpenLayer } from './layers.js';
import type { InHostConfig } from './types.js';

export interface InHostStack {
  readonly server: BlockServer;
  /** block-server's dispatcher: its sessions and control binding run there. */
  readonly dispatcher: Dispatcher;
  /** Every driver's dispatcher, bottom up. */
  readonly dispatchers: Dispatcher[];
  readonly counters: DriverCounters[];
}

/** A dispatcher owned by a driver of its own, as the framework makes one per driver. */
function driverDispatcher(name: string): Dispatcher {
  return env.createDispatcherWithOwner({ name }, { name });
}

/** A Driver-transport connection: `impl` served on `server`, the client's replies on `client`. */
function driverLink<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  impl: S,
  server: Dispatcher,
  client: Dispatcher,
): C {
  const [clientEnd, serverEnd] = Channel.create();
  bindDriverServer(proto, serverEnd, impl, { dispatcher: server });
  return createDriverClient(proto, clientEnd, { dispatcher: client });
}

/**
 * block-server wants a device whose queue() returns a promise (the shape of
 * the Driver-transport client); a Banjo table completes through a callback.
 * The promise is the block-server edge's cost in every configuration.
 */
function banjoServerDevice(client: blockBanjo.BlockBanjoClient): ServerDevice {
  return {
    query: () => Promise.resolve(client.query()),
    queue: (request) => new Promise((resolve) => client.queue(request, resolve)),
  };
}

export async function buildInHostStack(config: InHostConfig, crypt: boolean): Promise<InHostStack> {
  const ramdisk = openRamdisk(await buildDiskImage());
  const serverDispatcher = driverDispatcher('block-server');
  const layers: OpenLayer[] = [];
  if (config === 'banjo') {
    const core = await BlockCore.create(
      banjoImplPort(blockBanjo.BlockImpl.client(ramdiskBanjo(ramdisk))),
    );
    let top = blockBanjo.Block.client(blockCoreOffers.banjo(core));
    for (const name of layerNames(crypt)) {
      const layer = await openLayer(name, banjoParent(top));
      layers.push(layer);
      top = blockBanjo.Block.client(layer.banjo());
    }
    const server = await BlockServer.create(banjoServerDevice(top), {
      dispatcher: serverDispatcher,
    });
    return {
      server,
      dispatcher: serverDispatcher,
      dispatchers: [serverDispatcher],
      counters: layers.map((l) => l.counters),
    };
  }

  const ramdiskDispatcher = driverDispatcher('ramdisk');
  const coreDispatcher = driverDispatcher('block-core');
  const dispatchers = [ramdiskDispatcher, coreDispatcher];
  const core = await BlockCore.create(
    driverImplPort(
      driverLink(block.BlockImpl, blockImplServer(ramdisk), ramdiskDispatcher, coreDispatcher),
    ),
  );
  let below = coreDispatcher;
  let offer = blockCoreOffers.server(core);
  for (const name of layerNames(crypt)) {
    const mine = driverDispatcher(name);
    const parent: ParentBlock = fidlParent(driverLink(block.Block, offer, below, mine), 'driver');
    const layer = await openLayer(name, parent);
    layers.push(layer);
    dispatchers.push(mine);
    below = mine;
    offer = layer.server();
  }
  const device = driverLink(block.Block, offer, below, serverDispatcher);
  const server = await BlockServer.create(device, { dispatcher: serverDispatcher });
  dispatchers.push(serverDispatcher);
  return {
    server,
    dispatcher: serverDispatcher,
    dispatchers,
    counters: layers.map((l) => l.counters),
  };
}
