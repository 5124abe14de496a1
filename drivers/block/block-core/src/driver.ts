/**
 * block-core: binds the `block` node a block device driver (ramdisk) adds,
 * connects to its BlockImpl, and offers Block to the driver above (gpt) on a
 * `block` node of its own. Every op is counted; READs and WRITEs larger than
 * the device's max_transfer_size are split (see BlockCore).
 *
 * Variants: `driver` talks fdf.block/BlockImpl to the device and serves
 * fdf.block/Block (Driver transport in one host, Channel transport across
 * hosts); `banjo` calls the device's Banjo table and hands out a Banjo Block
 * table, which needs the device in the same host (`colocate: true`).
 */
import { block, blockBanjo } from '@fdf/bindings';
import { lastTransport } from '@fdf/block-lib';
import { DriverBase } from '@fdf/framework';
import type { StatusError } from '@fdf/zx';
import { banjoImplPort } from './banjoImplPort.js';
import { blockCoreBanjoOps } from './blockBanjo.js';
import { BlockCore } from './blockCore.js';
import type { BlockImplPort } from './blockImplPort.js';
import { blockServer } from './blockServer.js';
import { driverImplPort } from './driverImplPort.js';

/** fuchsia.BIND_PROTOCOL of the node this driver adds: partition drivers (gpt) bind to it. */
export const BLOCK_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.BLOCK';

/** Refused ops logged one by one before the driver only counts them (block.errors.*). */
const LOGGED_ERRORS = 10;

export class BlockCoreDriver extends DriverBase {
  #core: BlockCore | null = null;
  #errorsLogged = 0;

  /** The logic, once started (tests and tools read its stats). */
  get core(): BlockCore | null {
    return this.#core;
  }

  async start(): Promise<void> {
    const banjo = this.variant === 'banjo';
    const port = banjo
      ? banjoImplPort(this.incoming.connectBanjo(blockBanjo.BlockImpl))
      : this.#driverPort();
    const core = await BlockCore.create(port, {
      counters: this.counters,
      onError: (err) => this.#logError(err),
    });
    this.#core = core;
    const offer = banjo
      ? this.outgoing.addBanjo(blockBanjo.Block, blockCoreBanjoOps, core)
      : this.outgoing.addService(block.Block, blockServer(core));
    await this.node.addChild({
      name: 'block',
      properties: { 'fuchsia.BIND_PROTOCOL': BLOCK_BIND_PROTOCOL },
      offers: [offer],
    });
    const { blockCount, blockSize, maxTransferSize } = core.device.info;
    const limit =
      maxTransferSize === block.MAX_TRANSFER_UNBOUNDED
        ? 'no transfer limit'
        : `ops above ${maxTransferSize} B are split`;
    this.logger.info(`${blockCount} blocks of ${blockSize} B, ${limit} (${this.variant} variant)`);
  }

  /** BlockImpl over the Driver transport in this host, the Channel transport across hosts. */
  #driverPort(): BlockImplPort {
    const client = this.incoming.connect(block.BlockImpl);
    return driverImplPort(client, lastTransport(this));
  }

  #logError(err: StatusError): void {
    if (this.#errorsLogged > LOGGED_ERRORS) return;
    this.#errorsLogged++;
    this.logger.warn(
      this.#errorsLogged <= LOGGED_ERRORS
        ? err.message
        : 'more refused ops: they are counted (block.errors.*), not logged',
    );
  }
}
