/**
 * echo-client: the top of the sample stack. It connects to the Echo and
 * Block its parent offers and runs the board's workloads (`echo`, `dma`)
 * when a tool asks. It adds no nodes.
 */
import { block, blockBanjo, sample } from '@fdf/bindings';
import { DriverBase } from '@fdf/framework';
import { dmaWorkload } from './dmaWorkload.js';
import { echoWorkload } from './echoWorkload.js';
import {
  banjoBlockPort,
  banjoEchoPort,
  fidlBlockPort,
  fidlEchoPort,
  type BlockPort,
  type EchoPort,
} from './ports.js';

export class EchoClientDriver extends DriverBase {
  start(): void {
    let echo: EchoPort;
    let device: BlockPort;
    if (this.variant === 'banjo') {
      echo = banjoEchoPort(this.incoming.connectBanjo(sample.BanjoEcho));
      device = banjoBlockPort(this.incoming.connectBanjo(blockBanjo.Block));
    } else {
      echo = fidlEchoPort(this.incoming.connect(sample.Echo));
      device = fidlBlockPort(this.incoming.connect(block.Block));
    }
    this.addWorkload('echo', (params) => echoWorkload(echo, params, this.counters));
    this.addWorkload('dma', (params) => dmaWorkload(device, params, this.counters));
  }
}
