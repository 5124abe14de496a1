import { describe, expect, it } from 'vitest';
import { checkProtectiveMbr, encodeProtectiveMbr } from '../src/index.js';

function record(block: Uint8Array): {
  type: number;
  startChs: number[];
  endChs: number[];
  start: number;
  size: number;
} {
  const v = new DataView(block.buffer);
  return {
    type: block[446 + 4]!,
    startChs: Array.from(block.subarray(447, 450)),
    endChs: Array.from(block.subarray(451, 454)),
    start: v.getUint32(446 + 8, true),
    size: v.getUint32(446 + 12, true),
  };
}

describe('protective MBR', () => {
  it('covers the disk after LBA 0 with one 0xEE record and the 0x55AA signature', () => {
    const block = encodeProtectiveMbr(512, 131072n);
    // Same bytes sgdisk writes for a 64 MiB disk (see sgdisk.test.ts).
    expect(record(block)).toEqual({
      type: 0xee,
      startChs: [0, 2, 0],
      endChs: [0x28, 0x20, 0x08],
      start: 1,
      size: 131071,
    });
    expect([block[510], block[511]]).toEqual([0x55, 0xaa]);
    expect(checkProtectiveMbr(block)).toEqual([]);
  });

  it('says 0xFFFFFF for an end beyond 1024 cylinders and caps the size at 32 bits', () => {
    const huge = encodeProtectiveMbr(512, 1n << 40n);
    expect(record(huge).endChs).toEqual([0xff, 0xff, 0xff]);
    expect(record(huge).size).toBe(0xffffffff);
  });

  it('fills a 4096-byte block, with the MBR in its first 512 bytes', () => {
    const block = encodeProtectiveMbr(4096, 16384n);
    expect(block.length).toBe(4096);
    expect(record(block)).toMatchObject({ type: 0xee, start: 1, size: 16383 });
    expect(checkProtectiveMbr(block)).toEqual([]);
  });

  it('reports a wrong start and a hybrid MBR', () => {
    const block = encodeProtectiveMbr(512, 131072n);
    block[446 + 8] = 2;
    block[446 + 16 + 4] = 0x83;
    expect(checkProtectiveMbr(block)).toEqual([
      'the protective MBR partition starts at LBA 2 instead of 1',
      expect.stringMatching(/hybrid MBR \(1 partition records besides the 0xEE one\)/),
    ]);
  });
});
