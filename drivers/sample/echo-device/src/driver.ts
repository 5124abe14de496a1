/**
 * echo-device: the driver of a board's fake echo device. It serves Echo and
 * Block over its memory and adds one child node, `echo`, that offers them.
 *
 * Variants: `driver` serves fdf.sample/Echo and fdf.block/Block (Driver
 * transport to children in its host, Channel transport to the others);
 * `banjo` hands out the BanjoEcho and Banjo Block function tables.
 */
import { blockBanjo, block, sample } from '@fdf/bindings';
import { DriverBase } from '@fdf/framework';
import { BlockStore, blockBanjoOps, blockServer } from './blockServer.js';
import { parseEchoDeviceConfig } from './deviceConfig.js';
import { banjoEchoOps, EchoCore, echoServer } from './echoServer.js';

/** The value of fuchsia.BIND_PROTOCOL on nodes that offer the sample echo protocols. */
export const ECHO_BIND_PROTOCOL = 'fdf.sample.BIND_PROTOCOL.ECHO';

export class EchoDeviceDriver extends DriverBase {
  async start(): Promise<void> {
    const config = parseEchoDeviceConfig(this.device?.config);
    const store = new BlockStore(config, this.counters);
    const echo = new EchoCore(this.counters);
    const offers =
      this.variant === 'banjo'
        ? [
            this.outgoing.addBanjo(sample.BanjoEcho, banjoEchoOps(), echo),
            this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), store),
          ]
        : [
            this.outgoing.addService(sample.Echo, echoServer(echo)),
            this.outgoing.addService(block.Block, blockServer(store)),
          ];
    const route = this.node.property('fdf.sample.route');
    await this.node.addChild({
      name: 'echo',
      properties: {
        'fuchsia.BIND_PROTOCOL': ECHO_BIND_PROTOCOL,
        'fdf.sample.route': typeof route === 'string' ? route : 'direct',
        'fdf.sample.stage': 'device',
      },
      offers,
    });
    this.logger.info(
      `serving ${config.blockCount} blocks of ${config.blockSize} B (${this.variant} variant)`,
    );
  }
}
