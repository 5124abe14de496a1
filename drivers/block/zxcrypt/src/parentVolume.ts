/**
 * Whether zxcrypt sits on an FVM volume, and its slice size: on FVM the
 * reserved area is rounded up to whole slices (the real zxcrypt asks the
 * Volume protocol the same way), so the formatter and the driver must agree.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { isOffered, offeredInstance } from '@fdf/block-lib';
import type { DriverBase } from '@fdf/framework';
import { StatusError } from '@fdf/zx';

/** The parent's FVM slice size in bytes, or undefined when the parent is not a volume. */
export async function parentSliceSize(driver: DriverBase): Promise<number | undefined> {
  const result =
    driver.variant === 'banjo'
      ? isOffered(driver, blockBanjo.Volume.name)
        ? driver.incoming
            .connectBanjo(blockBanjo.Volume, offeredInstance(driver, blockBanjo.Volume.name))
            .getInfo()
        : undefined
      : isOffered(driver, block.Volume.name)
        ? await driver.incoming
            .connect(block.Volume, offeredInstance(driver, block.Volume.name))
            .getInfo()
        : undefined;
  if (result === undefined) return undefined;
  if (result.$tag === 'err') {
    throw new StatusError(
      result.err,
      `zxcrypt on ${driver.node.path}: the parent volume refused GetInfo, so zxcrypt cannot tell where its data starts; check the fvm driver's log`,
    );
  }
  return Number(result.response.manager.sliceSize);
}
