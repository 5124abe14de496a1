/**
 * ramdisk: the driver of a board's fake block device. It builds a
 * RamdiskDevice from the device's config, serves it as BlockImpl and adds
 * one child node, `block`, that offers it to block-core.
 *
 * Variants: `driver` serves fdf.block/BlockImpl (Driver transport to a
 * block-core in this host, Channel transport to one elsewhere); `banjo`
 * hands out the fdf.block.banjo/BlockImpl function table.
 *
 * When the device disappears (an injected fault), the driver removes the
 * `block` node, so the drivers above it are stopped like on a real unplug.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { DriverBase, type ChildNode, type WorkloadResult } from '@fdf/framework';
import { Status, StatusError, type Vmo } from '@fdf/zx';
import { ramdiskBanjoOps } from './blockImplBanjo.js';
import { blockImplServer } from './blockImplServer.js';
import { parseRamdiskConfig, type RamdiskConfig, type RamdiskFaults } from './config.js';
import { RamdiskDevice } from './ramdiskDevice.js';

/** fuchsia.BIND_PROTOCOL of the node this driver adds: block-core binds to it. */
export const BLOCK_IMPL_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL';

/** Failed ops logged one by one before the driver only counts them (ramdisk.errors.*). */
const LOGGED_ERRORS = 10;

export class RamdiskDriver extends DriverBase {
  #ramdisk: RamdiskDevice | null = null;
  #child: ChildNode | null = null;
  #errorsLogged = 0;

  /** The device model, once started (tools inject faults and read counters through it). */
  get ramdisk(): RamdiskDevice | null {
    return this.#ramdisk;
  }

  async start(): Promise<void> {
    const device = this.device;
    if (device === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `${this.name}: node ${this.node.path} has no board device behind it; ${this.name} binds to a board device of type ramdisk with config { blockSize, blockCount }`,
      );
    }
    const where = `device '${device.name}' config`;
    const { deviceConfig, storage } = await this.prepareStorage(
      (device.config ?? {}) as Record<string, unknown>,
      where,
    );
    // Checked here first so a bad board entry is named as such.
    const config = parseRamdiskConfig(deviceConfig, where);
    const ramdisk = new RamdiskDevice(deviceConfig as unknown as RamdiskConfig, {
      dispatcher: this.dispatcher,
      ...(storage === undefined ? {} : { storage }),
      counters: this.counters,
      onRemoved: () => this.#onRemoved(),
      onError: (err) => this.#logError(err),
    });
    this.#ramdisk = ramdisk;
    const offer =
      this.variant === 'banjo'
        ? this.outgoing.addBanjo(blockBanjo.BlockImpl, ramdiskBanjoOps, ramdisk)
        : this.outgoing.addService(block.BlockImpl, blockImplServer(ramdisk));
    this.addWorkload('inject-faults', (params) => this.#injectFaults(params));
    this.#child = await this.node.addChild({
      name: 'block',
      properties: { 'fuchsia.BIND_PROTOCOL': BLOCK_IMPL_BIND_PROTOCOL },
      offers: [offer],
    });
    const timing =
      config.timing === null
        ? 'no timing model'
        : `${config.timing.latencyMs} ms per op, ${config.timing.bandwidthMiBps ?? 'unlimited'} MiB/s`;
    this.logger.info(
      `serving ${config.blockCount} blocks of ${config.blockSize} B, ${timing} (${this.variant} variant)`,
    );
  }

  /**
   * Where the disk's bytes live. The ramdisk's own memory by default; a
   * driver built on this one (image-ramdisk) takes its extra config keys out
   * here and returns the storage it prepared. `deviceConfig` must then hold
   * only RamdiskConfig fields.
   */
  protected prepareStorage(
    config: Record<string, unknown>,
    _where: string,
  ): Promise<{ deviceConfig: Record<string, unknown>; storage?: Vmo }> {
    return Promise.resolve({ deviceConfig: config });
  }

  /** Ops still waiting for their modeled time would never complete once the dispatcher is gone. */
  override prepareStop(): void {
    this.#ramdisk?.cancelPending(Status.ERR_CANCELED);
  }

  /** Workload `inject-faults`: the params are a RamdiskFaults object; {} clears every fault. */
  #injectFaults(params: Readonly<Record<string, unknown>>): Promise<WorkloadResult> {
    const ramdisk = this.#ramdisk;
    if (ramdisk === null) {
      return Promise.reject(
        new StatusError(
          Status.ERR_BAD_STATE,
          `${this.name}: not started; start it before injecting faults`,
        ),
      );
    }
    try {
      ramdisk.injectFaults(params as RamdiskFaults);
    } catch (err) {
      return Promise.reject(err);
    }
    const f = ramdisk.faultPlan;
    const summary = `faults installed: ${f.ioErrors.length} I/O error ranges, ${f.latencySpikes.length} latency spikes, ${f.disappear === null ? 'no removal' : `removal after ${f.disappear.afterOps} ops`}`;
    this.logger.info(summary);
    return Promise.resolve({ ops: 0, summary });
  }

  #onRemoved(): void {
    this.logger.warn(
      'the device disappeared: every further op fails with ZX_ERR_IO_NOT_PRESENT; removing the block node',
    );
    const child = this.#child;
    this.#child = null;
    child?.remove().catch((err: unknown) => {
      this.logger.error(`could not remove the block node: ${String(err)}`);
    });
  }

  #logError(err: StatusError): void {
    if (this.#errorsLogged > LOGGED_ERRORS) return;
    this.#errorsLogged++;
    this.logger.warn(
      this.#errorsLogged <= LOGGED_ERRORS
        ? err.message
        : 'more failed ops: they are counted (ramdisk.errors.*), not logged',
    );
  }
}
