/**
 * The protective MBR in LBA 0: one partition record of type 0xEE covering the
 * whole disk (or as much as 32 bits can say), so that MBR-only tools see the
 * disk as in use instead of empty.
 */

const RECORDS_OFFSET = 446;
const RECORD_SIZE = 16;
const SIGNATURE_OFFSET = 510;
export const PROTECTIVE_MBR_TYPE = 0xee;

/**
 * Cylinder/head/sector of `lba` in the conventional 255-head, 63-sector
 * geometry, packed as MBR records store it; 0xFFFFFF when it does not fit in
 * 1024 cylinders, as the UEFI spec asks.
 */
function chs(lba: bigint): [number, number, number] {
  const heads = 255n;
  const sectors = 63n;
  const cylinder = lba / (heads * sectors);
  if (cylinder > 1023n) return [0xff, 0xff, 0xff];
  const head = Number((lba / sectors) % heads);
  const sector = Number(lba % sectors) + 1;
  const c = Number(cylinder);
  return [head, sector | ((c >> 2) & 0xc0), c & 0xff];
}

/** One block: the protective MBR for a disk of `blockCount` blocks. */
export function encodeProtectiveMbr(blockSize: number, blockCount: bigint): Uint8Array {
  const block = new Uint8Array(blockSize);
  const view = new DataView(block.buffer);
  const r = RECORDS_OFFSET;
  block[r] = 0x00; // not bootable
  block.set(chs(1n), r + 1);
  block[r + 4] = PROTECTIVE_MBR_TYPE;
  block.set(chs(blockCount - 1n), r + 5);
  view.setUint32(r + 8, 1, true);
  const size = blockCount - 1n > 0xffffffffn ? 0xffffffff : Number(blockCount - 1n);
  view.setUint32(r + 12, size, true);
  block[SIGNATURE_OFFSET] = 0x55;
  block[SIGNATURE_OFFSET + 1] = 0xaa;
  return block;
}

/**
 * What is wrong with LBA 0 as a protective MBR, as readable problems. None of
 * these stop a GPT from being read (UEFI firmware ignores the MBR when the GPT
 * is valid), so the reader reports them and goes on.
 */
export function checkProtectiveMbr(block: Uint8Array): string[] {
  if (
    block.length < 512 ||
    block[SIGNATURE_OFFSET] !== 0x55 ||
    block[SIGNATURE_OFFSET + 1] !== 0xaa
  ) {
    return [
      'LBA 0 has no MBR signature (0x55AA), so MBR-only tools will think the disk is empty; rewrite the protective MBR (e.g. `sgdisk -v` reports it, `fdf disk create` writes one)',
    ];
  }
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const types: number[] = [];
  let protectiveStart: number | undefined;
  for (let i = 0; i < 4; i++) {
    const r = RECORDS_OFFSET + i * RECORD_SIZE;
    const type = block[r + 4]!;
    if (type === 0) continue;
    types.push(type);
    if (type === PROTECTIVE_MBR_TYPE) protectiveStart ??= view.getUint32(r + 8, true);
  }
  if (protectiveStart === undefined) {
    return [
      'LBA 0 has an MBR but no protective partition of type 0xEE, so MBR-only tools may overwrite the disk; rewrite the protective MBR',
    ];
  }
  const problems: string[] = [];
  if (protectiveStart !== 1) {
    problems.push(`the protective MBR partition starts at LBA ${protectiveStart} instead of 1`);
  }
  if (types.length > 1) {
    problems.push(
      `LBA 0 holds a hybrid MBR (${types.length - 1} partition records besides the 0xEE one); the GPT is used, the extra MBR records are ignored`,
    );
  }
  return problems;
}
