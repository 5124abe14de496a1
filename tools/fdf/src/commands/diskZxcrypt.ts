import {
  METADATA_BLOCKS,
  ZXCRYPT_MAGIC,
  formatZxcrypt,
  inspectZxcryptSuperblock,
  zxcryptReservedBlocks,
} from '@fdf/block-zxcrypt';
import { decodeGuid } from '@fdf/block-gpt';
import { Status, StatusError } from '@fdf/zx';

/**
 * zxcrypt inside FVM volumes, through the @fdf/block-zxcrypt format library:
 * `fdf disk create --zxcrypt <volume>` writes the superblock copies at the
 * volume's first blocks, `fdf disk inspect` shows them. The data key is
 * sealed under a root key given as hex, or under the all-zero test key.
 */

/** The default root key: 32 zero bytes. Fine for test images, never for real data. */
export const TEST_ROOT_KEY = new Uint8Array(32);

/** Reads and writes whole blocks of one FVM volume (block numbers inside the volume). */
export interface VolumeIo {
  read(block: number, count: number): Promise<Uint8Array>;
  write(block: number, bytes: Uint8Array): Promise<void>;
}

export interface ZxcryptReport {
  instanceGuid: string;
  version: number;
  slotCount: number;
}

/** `--zxcrypt-key`: 16 or 32 bytes as hex. */
export function parseRootKey(hex: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/i, '');
  if (!/^([0-9a-f]{32}|[0-9a-f]{64})$/i.test(clean)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `--zxcrypt-key must be 16 or 32 bytes written as 32 or 64 hex digits, got ${clean.length} characters`,
    );
  }
  return Uint8Array.from(clean.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** Checks, before anything is written, that a volume of `slices` slices can hold zxcrypt and data. */
export function checkZxcryptFits(
  volume: string,
  slices: number,
  sliceSize: number,
  blockSize: number,
): void {
  // On FVM, zxcrypt's superblocks fill whole slices and data needs one more.
  const reservedSlices = (zxcryptReservedBlocks(blockSize, sliceSize) * blockSize) / sliceSize;
  if (slices < reservedSlices + 1) {
    throw new StatusError(
      Status.ERR_NO_SPACE,
      `zxcrypt volume '${volume}' has ${slices} slices but zxcrypt needs ${reservedSlices + 1} (${reservedSlices} for its superblocks and one for data); give the volume more slices`,
    );
  }
}

/** Formats the volume as zxcrypt: the superblock copies go in its first blocks. */
export async function writeZxcrypt(
  io: VolumeIo,
  blockCount: number,
  blockSize: number,
  sliceSize: number,
  rootKey: Uint8Array,
): Promise<void> {
  const formatted = formatZxcrypt(blockCount, blockSize, rootKey, { fvmSliceSize: sliceSize });
  await io.write(0, formatted.superblocks);
}

function hasMagic(block: Uint8Array): boolean {
  return ZXCRYPT_MAGIC.every((byte, i) => block[i] === byte);
}

/**
 * The zxcrypt superblock of a volume: undefined when the volume is not
 * zxcrypt (no type GUID in either copy); otherwise the first copy that passes
 * its checks, with a problem for each copy that does not. A StatusError when
 * no copy passes.
 */
export async function inspectZxcrypt(
  io: VolumeIo,
  blockSize: number,
): Promise<{ report: ZxcryptReport; problems: string[] } | undefined> {
  const blocks = await io.read(0, METADATA_BLOCKS);
  const copies = Array.from({ length: METADATA_BLOCKS }, (_, i) =>
    blocks.subarray(i * blockSize, (i + 1) * blockSize),
  );
  if (!copies.some(hasMagic)) return undefined;
  let report: ZxcryptReport | undefined;
  const problems: string[] = [];
  for (const [i, copy] of copies.entries()) {
    try {
      const info = inspectZxcryptSuperblock(copy);
      report ??= {
        instanceGuid: decodeGuid(info.instanceGuid, 0),
        version: info.version,
        slotCount: info.slotCount,
      };
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      problems.push(`zxcrypt superblock copy ${i} (volume block ${i}) is unusable: ${err.message}`);
    }
  }
  if (report === undefined) {
    throw new StatusError(
      Status.ERR_IO_DATA_INTEGRITY,
      `no zxcrypt superblock copy is usable (${problems.join('; ')}); the volume's data key is lost unless a copy is restored`,
    );
  }
  return { report, problems };
}
