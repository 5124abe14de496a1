/**
 * zxcrypt: binds a volume the board marks as zxcrypt (a composite node of
 * one parent carrying `fdf.block.zxcrypt` and the root key, see rootKey.ts),
 * reads its superblock through the parent, unseals the data key with the
 * root key, and adds one child, `unsealed`, offered fdf.block/Block: the
 * volume's blocks after the reserved ones, encrypted on the way down and
 * decrypted on the way up (CryptDevice).
 *
 * A wrong key fails start() with ZX_ERR_ACCESS_DENIED; no child appears.
 * Variants: `driver` (FIDL to parent and child) and `banjo` (tables), over
 * the same CryptDevice.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { blockBanjoOps, blockServer, connectParentBlock, readBlocks } from '@fdf/block-lib';
import { DriverBase } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { CryptDevice } from './cryptDevice.js';
import { METADATA_BLOCKS } from './format/constants.js';
import { zxcryptGeometry, type ZxcryptGeometry } from './format/geometry.js';
import { unseal } from './format/volume.js';
import { prepareDataKey } from './format/xts.js';
import { parentSliceSize } from './parentVolume.js';
import { keyFromNode } from './rootKey.js';
import { ShadowPool } from './shadowPool.js';
import { UNSEALED_NODE, unsealedProperties } from './unsealedNode.js';

/** Bytes of the shadow VMO: the most write data in flight at once, and the largest write. */
export const SHADOW_BYTES = 1024 * 1024;

export class ZxcryptDriver extends DriverBase {
  #geometry: ZxcryptGeometry | undefined;
  #shadow: ShadowPool | undefined;

  /** Reserved and client blocks, known after start. */
  get geometry(): ZxcryptGeometry | undefined {
    return this.#geometry;
  }

  async start(): Promise<void> {
    for (const name of ['block.ops', 'block.splits', 'block.errors']) this.counters.add(name, 0);
    const where = `zxcrypt on ${this.node.path}`;
    const key = keyFromNode(this.node);
    const parent = connectParentBlock(this);
    const parentInfo = await parent.query();
    const { blockSize, blockCount } = parentInfo.info;
    const sliceSize = await parentSliceSize(this);
    const geometry = describeFailure(where, 'does not fit zxcrypt', () =>
      zxcryptGeometry(Number(blockCount), blockSize, sliceSize),
    );
    const superblocks = await readBlocks(parent, blockSize, 0n, METADATA_BLOCKS);
    const dataKey = describeFailure(where, 'cannot be unsealed', () =>
      unseal(superblocks, key.rootKey, { blockSize, slot: key.slot }),
    );
    const cipherKey = prepareDataKey(dataKey);
    // The KeyObject holds its own copy; do not keep the raw key bytes around.
    dataKey.fill(0);
    key.rootKey.fill(0);

    const shadow = new ShadowPool(blockSize, SHADOW_BYTES);
    const device = new CryptDevice(parent, cipherKey, geometry, parentInfo, shadow, this.counters);
    this.#geometry = geometry;
    this.#shadow = shadow;
    const offers =
      this.variant === 'banjo'
        ? [this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), device)]
        : [this.outgoing.addService(block.Block, blockServer(device))];
    await this.node.addChild({
      name: UNSEALED_NODE,
      properties: unsealedProperties(this.node),
      offers,
    });
    this.logger.info(
      `unsealed: ${geometry.clientBlockCount} blocks of ${blockSize} B after ${geometry.reservedBlocks} reserved (${this.variant} variant)`,
    );
  }

  /** Writes still waiting for shadow space are failed: every accepted op completes. */
  override prepareStop(): void {
    this.#shadow?.cancelWaiting(Status.ERR_CANCELED);
  }
}

/** Runs `fn`; a failure keeps its status and gains where and what it means. */
function describeFailure<T>(where: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
    const detail = err instanceof Error ? err.message : String(err);
    throw new StatusError(status, `${where}: the volume ${what}: ${detail}`);
  }
}
