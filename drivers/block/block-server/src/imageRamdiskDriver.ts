/**
 * image-ramdisk: the ramdisk (the RamdiskDevice model of @fdf/block-ramdisk:
 * one copy per op, timing model, fault injection) over a disk image that it
 * formats itself at boot from its device config, so a board can start the
 * whole block stack (gpt -> fvm -> zxcrypt) from a YAML file alone. It is
 * the ramdisk driver (same BlockImpl on the same `block` child node, same
 * faults and counters) with two more config keys, handled in its one hook,
 * `prepareStorage`.
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
import { RamdiskDriver, parseRamdiskConfig } from '@fdf/block-ramdisk';
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

export class ImageRamdiskDriver extends RamdiskDriver {
  protected override async prepareStorage(
    config: Record<string, unknown>,
    where: string,
  ): Promise<{ deviceConfig: Record<string, unknown>; storage: Vmo }> {
    const { image, storage, ...rest } = config;
    const { blockSize, blockCount } = parseRamdiskConfig(rest, where);
    const disk =
      storage === undefined
        ? Vmo.create(blockSize * blockCount)
        : reviveStorage(storage, `${where}.storage`);
    const bytes = disk.view(0, blockSize * blockCount);
    if (image !== undefined && !hasGpt(bytes, blockSize)) {
      const layout = await formatDiskImage(
        bytes,
        blockSize,
        blockCount,
        parseDiskImageConfig(image, `${where}.image`),
      );
      this.logger.info(
        `formatted the disk: ${layout.partitions.map((p) => `partition ${p.name} (${p.blocks} blocks at ${p.firstBlock})`).join(', ')}; ${layout.volumes.map((v) => `volume ${v.name} (${v.slices} slices${v.zxcrypt ? ', zxcrypt' : ''})`).join(', ') || 'no FVM'}`,
      );
    } else if (image !== undefined) {
      this.logger.info('the disk holds a GPT already: kept as it is (not formatted again)');
    }
    return { deviceConfig: rest, storage: disk };
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
