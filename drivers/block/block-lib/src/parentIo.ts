/**
 * Whole-block reads and writes through the parent, for what a driver reads
 * at start (a partition table, volume metadata, a superblock) and writes
 * rarely (metadata). Each call uses its own VMO: these are not the data
 * path, which forwards the client's ops and VMOs instead.
 *
 * Shared by gpt, fvm and zxcrypt.
 */
import { block } from '@fdf/bindings';
import { Vmo } from '@fdf/zx';
import { queueAsync, type ParentBlock } from './parentBlock.js';

function rwOp(opcode: block.BlockOpcode, vmo: Vmo, lba: bigint, count: number): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode, flags: 0 },
    extra: 0,
    vmo,
    length: count,
    offsetDev: lba,
    offsetVmo: 0n,
  });
}

/** Reads `count` blocks at `lba`. */
export async function readBlocks(
  parent: ParentBlock,
  blockSize: number,
  lba: bigint,
  count: number,
): Promise<Uint8Array> {
  const bytes = count * blockSize;
  const vmo = Vmo.create(bytes);
  await queueAsync(
    parent,
    rwOp(block.BlockOpcode.READ, vmo, lba, count),
    `reading ${count} blocks at block ${lba}`,
  );
  // The parent was lent the VMO (a duplicate across hosts): this handle is still ours.
  return vmo.read(0, bytes);
}

/** Writes whole blocks (`bytes.length` a multiple of the block size) at `lba`. */
export async function writeBlocks(
  parent: ParentBlock,
  blockSize: number,
  lba: bigint,
  bytes: Uint8Array,
): Promise<void> {
  const count = bytes.length / blockSize;
  const vmo = Vmo.create(bytes.length);
  vmo.write(bytes, 0);
  await queueAsync(
    parent,
    rwOp(block.BlockOpcode.WRITE, vmo, lba, count),
    `writing ${count} blocks at block ${lba}`,
  );
}
