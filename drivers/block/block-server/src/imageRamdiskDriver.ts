/**
 * image-ramdisk: the ramdisk (the RamdiskDevice model of @fdf/block-ramdisk:
 * one copy per op, timing model, fault injection) over a disk image that it
 * formats itself at boot from its device config, so a board can start the
 * whole block stack (gpt -> fvm -> zxcrypt) from a YAML file alone. The
 * ramdisk driver has no such option; this one is the ramdisk driver plus
 * `image` and `storage`, and serves the same BlockImpl on the same `block`
 * child node.
 *
 * Config: every RamdiskConfig field (blockSize, blockCount, timing, faults,
 * ...), plus
 *   image:   the layout (see diskImageConfig.ts), written when the storage
 *            holds no GPT yet;
 *   storage: (programmatic boards only) a VMO handle descriptor, from
 *            `transferHandle(vmo.duplicate()).descriptor`, to use as the
 *            disk. Its memory outlives the host: after a host crash the
 *            restarted driver finds the disk as it was and does not format
 *            it again, as a real disk outlives its driver.
 */
import { block, blockBanjo } from '@fdf/bindings';
import {
  BLOCK_IMPL_BIND_PROTOCOL,
  RamdiskDevice,
  blockImplServer,
  parseRamdiskConfig,
  ramdiskBanjoOps,
  type RamdiskConfig,
  type RamdiskFaults,
} from '@fdf/block-ramdisk';
import { DriverBase, type ChildNode, type WorkloadResult } from '@fdf/framework';
import {
  Status,
  StatusError,
  Vmo,
  handleFromTransfer,
  isHandleDescriptor,
  type HandleDescriptor,
} from '@fdf/zx';
import { formatDiskImage, hasGpt } from './diskImage.js';
import { parseDiskImageConfig } from './diskImageConfig.js';

/** Failed ops logged one by one before the driver only counts them. */
const LOGGED_ERRORS = 10;

export class ImageRamdiskDriver extends DriverBase {
  #ramdisk: RamdiskDevice | null = null;
  #child: ChildNode | null = null;
  #errorsLogged = 0;

  get ramdisk(): RamdiskDevice | null {
    return this.#ramdisk;
  }

  async start(): Promise<void> {
    const device = this.device;
    if (device === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `${this.name}: node ${this.node.path} has no board device behind it; image-ramdisk binds a board device with config { blockSize, blockCount, image }`,
      );
    }
    const where = `device '${device.name}' config`;
    const { image, storage, ...rest } = (device.config ?? {}) as Record<string, unknown>;
    const config = parseRamdiskConfig(rest, where);
    const disk =
      storage === undefined
        ? Vmo.create(config.blockSize * config.blockCount)
        : reviveStorage(storage, `${where}.storage`);
    const bytes = disk.view(0, config.blockSize * config.blockCount);
    if (image !== undefined && !hasGpt(bytes, config.blockSize)) {
      const layout = await formatDiskImage(
        bytes,
        config.blockSize,
        config.blockCount,
        parseDiskImageConfig(image, `${where}.image`),
      );
      this.logger.info(
        `formatted the disk: ${layout.partitions.map((p) => `partition ${p.name} (${p.blocks} blocks at ${p.firstBlock})`).join(', ')}; ${layout.volumes.map((v) => `volume ${v.name} (${v.slices} slices${v.zxcrypt ? ', zxcrypt' : ''})`).join(', ') || 'no FVM'}`,
      );
    } else if (image !== undefined) {
      this.logger.info('the disk holds a GPT already: kept as it is (not formatted again)');
    }
    const ramdisk = new RamdiskDevice(rest as unknown as RamdiskConfig, {
      dispatcher: this.dispatcher,
      storage: disk,
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
  }

  /** Ops waiting for their modeled time would never complete once the dispatcher is gone. */
  override prepareStop(): void {
    this.#ramdisk?.cancelPending(Status.ERR_CANCELED);
  }

  /** Workload `inject-faults`, as the ramdisk's: the params are a RamdiskFaults; {} clears them. */
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
    return Promise.resolve({
      ops: 0,
      summary: `faults installed: ${f.ioErrors.length} I/O error ranges, ${f.latencySpikes.length} latency spikes, ${f.disappear === null ? 'no removal' : `removal after ${f.disappear.afterOps} ops`}`,
    });
  }

  /** As on an unplug: the block node goes, and the drivers above it stop, children first. */
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

function reviveStorage(value: unknown, where: string): Vmo {
  if (!isHandleDescriptor(value)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${where} is not a handle descriptor; pass transferHandle(vmo.duplicate()).descriptor from a program (a YAML board leaves storage out)`,
    );
  }
  return handleFromTransfer(value as HandleDescriptor, Vmo);
}
