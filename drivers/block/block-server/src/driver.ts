/**
 * block-server: the driver at the top of the block stack. It binds the block
 * node a board names (a composite spec whose one parent, `device`, is the
 * node to serve: zxcrypt's `unsealed`, an FVM volume, a GPT partition, ...),
 * connects to that node's fdf.block Block in its variant (see
 * parentDevice.ts), creates a BlockServer on its default dispatcher, and
 * adds one child node, `fifo`, offering fdf.blockserver/Connector. A client
 * driver bound there (block-client, in any host) sends the server end of a
 * channel through Connector and speaks the control protocol on it: getInfo,
 * openSession (a FIFO pair), attachVmo. From then on I/O goes through the
 * shared FIFO and the client's VMOs; no message carries payload.
 *
 * Options come from the composite spec's properties (strings or numbers):
 *   fdf.block.serve: true                         the bind marker
 *   fdf.block_server.max_transfer_blocks: 0 | n | "device"   split requests (default 0)
 *   fdf.block_server.fifo_depth: 1..102           elements per FIFO direction (default 102)
 */
import { DriverBase, type DriverNode, type PropertyValue } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { BlockServer, type BlockServerOptions } from './blockServer.js';
import { ConnectorBindings } from './connectorServer.js';
import { BLOCK_FIFO_MAX_DEPTH } from './fifoProtocol.js';
import { Connector } from './generated/fdf.blockserver.js';
import { connectParentDevice } from './parentDevice.js';

/** fuchsia.BIND_PROTOCOL of the node block-server adds: block clients bind to it. */
export const FIFO_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.FIFO';
/** The node block-server adds. */
export const FIFO_NODE = 'fifo';

export const BlockServerProperty = {
  /** The bind marker a board's composite spec puts on the node to serve. */
  SERVE: 'fdf.block.serve',
  MAX_TRANSFER_BLOCKS: 'fdf.block_server.max_transfer_blocks',
  FIFO_DEPTH: 'fdf.block_server.fifo_depth',
} as const;

/** Identity properties of the served node passed on to `fifo`, so a board can pick a client by them. */
const KEPT = ['fdf.block.partition_name', 'fdf.block.partition_guid'] as const;

export class BlockServerDriver extends DriverBase {
  #server: BlockServer | null = null;
  readonly #connectors = new ConnectorBindings();

  /** The server, once started (tests read its stats). */
  get server(): BlockServer | null {
    return this.#server;
  }

  async start(): Promise<void> {
    const where = `block-server on ${this.node.path}`;
    const options = serverOptions(this.node, where);
    const device = connectParentDevice(this);
    const server = await BlockServer.create(device, { dispatcher: this.dispatcher, ...options });
    this.#server = server;
    const offer = this.outgoing.addService(
      Connector,
      this.#connectors.server(server, this.dispatcher, {
        onRefused: (message) => this.logger.warn(message),
      }),
    );
    this.addWorkload('server-stats', () => Promise.resolve(this.#statsResult()));
    const properties: Record<string, PropertyValue> = {
      'fuchsia.BIND_PROTOCOL': FIFO_BIND_PROTOCOL,
    };
    for (const key of KEPT) {
      const value = this.node.property(key);
      if (value !== undefined) properties[key] = value;
    }
    await this.node.addChild({ name: FIFO_NODE, properties, offers: [offer] });
    const { blockCount, blockSize } = server.info;
    this.logger.info(
      `serving ${blockCount} blocks of ${blockSize} B from ${device.route} over ${device.transport} (${this.variant} variant), FIFO depth ${server.fifoDepth}`,
    );
  }

  /**
   * Children are stopped already; the device below still runs. Sessions end
   * now (clients get ZX_ERR_PEER_CLOSED with the reason) and their ops on the
   * device finish before the dispatcher shuts down.
   */
  override async prepareStop(): Promise<void> {
    this.#connectors.closeAll();
    const server = this.#server;
    if (server === null) return;
    this.#mirrorCounters(server);
    await server.close(Status.ERR_CANCELED, `block-server on ${this.node.path} is stopping`);
    this.#mirrorCounters(server);
  }

  #statsResult(): { ops: number; summary: string } {
    const server = this.#server;
    if (server === null) return { ops: 0, summary: 'not started' };
    this.#mirrorCounters(server);
    const s = server.stats();
    return {
      ops: s.totals.requests,
      summary: `${s.sessionsOpened} sessions (${s.sessionsOpen} open), ${s.totals.requests} requests, ${s.totals.responses} responses (${s.totals.failedResponses} failed, ${s.totals.discardedResponses} discarded), ${s.totals.deviceOps} device ops`,
    };
  }

  /** Server figures into the driver's counters, for `fdf board run --inspect`. */
  #mirrorCounters(server: BlockServer): void {
    const s = server.stats();
    const c = this.counters;
    c.set('block_server.connections', this.#connectors.accepted);
    c.set('block_server.sessions', s.sessionsOpened);
    c.set('block_server.requests', s.totals.requests);
    c.set('block_server.responses', s.totals.responses);
    c.set('block_server.failed_responses', s.totals.failedResponses);
    c.set('block_server.discarded_responses', s.totals.discardedResponses);
    c.set('block_server.device_ops', s.totals.deviceOps);
  }
}

/** BlockServer options from the node's properties; a StatusError naming the property. */
export function serverOptions(
  node: Pick<DriverNode, 'property'>,
  where: string,
): Omit<BlockServerOptions, 'dispatcher'> {
  const split = node.property(BlockServerProperty.MAX_TRANSFER_BLOCKS);
  const depth = node.property(BlockServerProperty.FIFO_DEPTH);
  const out: { maxTransferBlocks?: number | 'device'; fifoDepth?: number } = {};
  if (split !== undefined) {
    if (split === 'device') out.maxTransferBlocks = 'device';
    else if (typeof split === 'number') out.maxTransferBlocks = split;
    else {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${where}: ${BlockServerProperty.MAX_TRANSFER_BLOCKS} is ${JSON.stringify(split)}; give 0 (no splitting), a block count, or "device" in the composite spec's properties`,
      );
    }
  }
  if (depth !== undefined) {
    if (typeof depth !== 'number' || depth < 1 || depth > BLOCK_FIFO_MAX_DEPTH) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${where}: ${BlockServerProperty.FIFO_DEPTH} is ${JSON.stringify(depth)}; give a number from 1 to ${BLOCK_FIFO_MAX_DEPTH} in the composite spec's properties`,
      );
    }
    out.fifoDepth = depth;
  }
  return out;
}
