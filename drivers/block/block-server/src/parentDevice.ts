/**
 * The device under the block-server driver, as BlockServer wants it: a
 * `BlockDevice` whose `queue` resolves with `{ status, op }`. Three ways in,
 * chosen by the driver's variant and by where the parent runs:
 *
 * - Driver transport (parent in this host): the generated fdf.block/Block
 *   client is that shape already; op and arena travel by reference.
 * - Channel transport (parent in another host): the same client, but an
 *   op's VMO handle moves with the message. BlockServer reuses one VMO
 *   handle per vmoid for every op, so each op carries a duplicate and the
 *   handle that comes back in the reply is closed.
 * - Banjo: the parent's function table, called directly; its completion may
 *   run before `queue` returns, which the promise absorbs.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { serviceName, type DriverBase, type ServiceTransport } from '@fdf/framework';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import type { BlockDevice, BlockQueueRequest, BlockQueueResponse } from './blockDevice.js';

export interface ParentDevice extends BlockDevice {
  readonly transport: ServiceTransport;
  /** Where the parent's Block comes from: `<offer> from parent '<role>'`. */
  readonly route: string;
}

function statusOf(err: unknown): Status {
  return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
}

/** The one fdf.block Block offer among the node's routes (gpt and fvm children use other instances). */
function blockRoute(
  driver: DriverBase,
  protocolName: string,
): { instance: string; parent: string } {
  const prefix = `${serviceName(protocolName)}/`;
  const routes = driver.incoming.routes.filter((r) => r.offer.startsWith(prefix));
  const route = routes[0];
  if (route === undefined || routes.length > 1) {
    const offered = driver.incoming.routes.map((r) => r.offer).join(', ') || 'nothing';
    throw new StatusError(
      route === undefined ? Status.ERR_NOT_FOUND : Status.ERR_INVALID_ARGS,
      `${driver.name} on ${driver.node.path} needs exactly one '${prefix}<instance>' offer and got ${routes.length} (offered: ${offered}); point the board's block-server composite at a node that offers one block device`,
    );
  }
  return { instance: route.offer.slice(prefix.length), parent: route.parent };
}

/** A Driver- or Channel-transport fdf.block/Block client as a BlockDevice. */
export function fidlDevice(
  client: block.BlockClient,
  transport: ServiceTransport,
  route: string,
): ParentDevice {
  if (transport !== 'channel') {
    return {
      transport,
      route,
      query: () => client.query(),
      queue: (request, arena) => client.queue(request, arena),
    };
  }
  return {
    transport,
    route,
    query: () => client.query(),
    queue: async (request: BlockQueueRequest, arena?: Arena): Promise<BlockQueueResponse> => {
      const op = request.op;
      if (op.$tag !== 'rw' || !(op.rw.vmo instanceof Vmo)) return client.queue(request, arena);
      const own = op.rw.vmo;
      const lent: block.BlockOp = { $tag: 'rw', rw: { ...op.rw, vmo: own.duplicate() } };
      const reply = await client.queue({ op: lent }, arena);
      const back = reply.op.$tag === 'rw' ? reply.op.rw.vmo : undefined;
      if (back !== undefined && back !== own && !back.closed) back.close();
      return { status: reply.status, op };
    },
  };
}

/** A Banjo fdf.block.banjo/Block table as a BlockDevice. */
export function banjoDevice(client: blockBanjo.BlockBanjoClient, route: string): ParentDevice {
  return {
    transport: 'banjo',
    route,
    query: () => Promise.resolve(client.query()),
    queue: (request) =>
      new Promise<BlockQueueResponse>((resolve) => {
        let completed = false;
        try {
          client.queue({ op: request.op }, (reply) => {
            completed = true;
            resolve(reply);
          });
        } catch (err) {
          // A table that throws instead of completing still completes the op, once.
          if (!completed) resolve({ status: statusOf(err), op: request.op });
        }
      }),
  };
}

/** Connects to the block device under `driver`, in its variant. */
export function connectParentDevice(driver: DriverBase): ParentDevice {
  if (driver.variant === 'banjo') {
    const where = blockRoute(driver, blockBanjo.Block.name);
    const client = driver.incoming.connectBanjo(blockBanjo.Block, where);
    return banjoDevice(client, `${serviceName(blockBanjo.Block.name)}/${where.instance}`);
  }
  const where = blockRoute(driver, block.Block.name);
  const client = driver.incoming.connect(block.Block, where);
  const connections = driver.incoming.connections;
  const transport = connections[connections.length - 1]?.transport ?? 'driver';
  return fidlDevice(client, transport, `${serviceName(block.Block.name)}/${where.instance}`);
}
