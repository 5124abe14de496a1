/**
 * echo-filter: binds the echo device's `echo` node on the filtered route,
 * forwards Echo and a window of Block to the node it adds, `filtered`.
 *
 * Its code is the same whether the device runs in its host (Driver
 * transport) or in another one (Channel transport): the incoming namespace
 * returns a client of the same type either way. The Banjo variant is the
 * legacy build a migration starts from.
 */
import { block, blockBanjo, sample } from '@fdf/bindings';
import { DriverBase } from '@fdf/framework';
import { blockBanjoOps, blockServer, windowed } from './blockServer.js';
import { banjoEchoOps, echoServer } from './echoServer.js';

export const ECHO_BIND_PROTOCOL = 'fdf.sample.BIND_PROTOCOL.ECHO';

export class EchoFilterDriver extends DriverBase {
  async start(): Promise<void> {
    const offers = this.variant === 'banjo' ? this.#serveBanjo() : await this.#serveFidl();
    await this.node.addChild({
      name: 'filtered',
      properties: {
        'fuchsia.BIND_PROTOCOL': ECHO_BIND_PROTOCOL,
        'fdf.sample.route': 'filtered',
        'fdf.sample.stage': 'filter',
      },
      offers,
    });
  }

  async #serveFidl(): Promise<string[]> {
    const echo = this.incoming.connect(sample.Echo);
    const device = this.incoming.connect(block.Block);
    const { info } = windowed(await device.query());
    return [
      this.outgoing.addService(sample.Echo, echoServer(echo, this.counters)),
      this.outgoing.addService(block.Block, blockServer(device, info.blockCount, this.counters)),
    ];
  }

  #serveBanjo(): string[] {
    const echo = this.incoming.connectBanjo(sample.BanjoEcho);
    const device = this.incoming.connectBanjo(blockBanjo.Block);
    const { info } = windowed(device.query());
    return [
      this.outgoing.addBanjo(sample.BanjoEcho, banjoEchoOps(), {
        parent: echo,
        counters: this.counters,
      }),
      this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), {
        parent: device,
        visibleBlocks: info.blockCount,
        counters: this.counters,
      }),
    ];
  }
}
