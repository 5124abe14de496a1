/**
 * The disk the benchmark runs on, built with the format libraries the
 * drivers read: a GPT with one FVM partition, an FVM with one volume `data`
 * over every free slice, and a zxcrypt superblock at the start of that
 * volume. The image is written straight into the ramdisk's storage VMO; the
 * drivers above find everything by reading through the stack, as they do
 * at start.
 *
 * 4096-byte device blocks: zxcrypt runs AES-XTS per device block, and
 * 512-byte blocks would make a 4 KiB op eight cipher setups instead of one.
 */
import { formatFvm, loadFvm } from '@fdf/block-fvm';
import { writeGpt } from '@fdf/block-gpt';
import { formatZxcrypt, METADATA_BLOCKS } from '@fdf/block-zxcrypt';
import { Status, StatusError, Vmo } from '@fdf/zx';

export const DISK = {
  blockSize: 4096,
  /** 96 MiB. */
  blockCount: 24_576,
  sliceSize: 1024 * 1024,
  partitionName: 'fvm',
  volumeName: 'data',
  /** A fixed key: the bench needs no secrecy, only a volume that unseals. */
  rootKey: Uint8Array.from({ length: 32 }, (_, i) => 0xb0 + i),
} as const;

/** An arbitrary type GUID for the volume (the FVM only stores it). */
const VOLUME_TYPE = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
const VOLUME_INSTANCE = Uint8Array.from({ length: 16 }, (_, i) => 0x80 + i);

/** Fixed GUIDs keep the image the same from run to run. */
function sequentialGuids(): () => string {
  let n = 0;
  return () => `B1E00000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

/** The formatted disk, in a new VMO of blockSize * blockCount bytes. */
export async function buildDiskImage(): Promise<Vmo> {
  const { blockSize, blockCount, sliceSize } = DISK;
  const storage = Vmo.create(blockSize * blockCount);
  const bytes = storage.view(0, blockSize * blockCount);

  const gpt = writeGpt({
    blockSize,
    blockCount,
    partitions: [{ name: DISK.partitionName, type: 'fvm' }],
    newGuid: sequentialGuids(),
  });
  for (const region of gpt.regions) bytes.set(region.bytes, Number(region.lba) * blockSize);
  const partition = gpt.partitions[0];
  if (partition === undefined) {
    throw new StatusError(Status.ERR_INTERNAL, 'bench disk: the GPT writer made no partition');
  }
  const partStart = Number(partition.firstLba) * blockSize;
  const partBytes = (Number(partition.lastLba - partition.firstLba) + 1) * blockSize;
  bytes.set(formatFvm(partBytes, sliceSize), partStart);
  const fvm = await loadFvm((o, n) => bytes.slice(partStart + o, partStart + o + n), {
    diskBytes: partBytes,
    write: (o, b) => bytes.set(b, partStart + o),
  });
  const info = fvm.getInfo();
  const slices = info.sliceCount - info.assignedSliceCount;
  const volume = await fvm.allocateVolume(DISK.volumeName, VOLUME_TYPE, VOLUME_INSTANCE, slices);

  // zxcrypt's superblocks go to the volume's first blocks, wherever the FVM put them.
  const volumeBlocks = fvm.volumeBlockCount(volume, blockSize);
  const zxcrypt = formatZxcrypt(volumeBlocks, blockSize, DISK.rootKey, {
    fvmSliceSize: sliceSize,
  });
  const [extent] = fvm.mapOp(volume, 0, METADATA_BLOCKS, blockSize);
  if (extent === undefined) {
    throw new StatusError(Status.ERR_INTERNAL, 'bench disk: the FVM mapped no extent for block 0');
  }
  bytes.set(zxcrypt.superblocks, partStart + extent.devOffsetBlocks * blockSize);
  return storage;
}
