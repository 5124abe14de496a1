import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { partitionBlockCount, toDeviceBlock } from '../src/index.js';

const partition = { firstLba: 2048n, lastLba: 4095n };

describe('partition bounds', () => {
  it('counts blocks with an inclusive last LBA', () => {
    expect(partitionBlockCount(partition)).toBe(2048n);
    expect(partitionBlockCount({ firstLba: 5n, lastLba: 5n })).toBe(1n);
  });

  it('maps partition offsets to device blocks', () => {
    expect(toDeviceBlock(partition, 0n, 1)).toBe(2048n);
    expect(toDeviceBlock(partition, 100n, 8)).toBe(2148n);
    expect(toDeviceBlock(partition, 2040n, 8)).toBe(4088n); // the last 8 blocks
    expect(toDeviceBlock(partition, 2047n, 0n)).toBe(4095n);
  });

  it('refuses any block past the end with ERR_OUT_OF_RANGE', () => {
    for (const [offset, length] of [
      [2041n, 8],
      [2048n, 1],
      [2048n, 0],
      [0n, 2049],
      [-1n, 1],
      [(1n << 64n) - 1n, 2],
    ] as const) {
      let err: unknown;
      try {
        toDeviceBlock(partition, offset, length);
      } catch (e) {
        err = e;
      }
      expect(StatusError.is(err, Status.ERR_OUT_OF_RANGE), `${offset}+${length}`).toBe(true);
    }
    expect(() => toDeviceBlock(partition, 2041n, 8)).toThrow(
      /blocks 2041\.\.2048 are outside the partition's 2048 blocks \(0\.\.2047\)/,
    );
  });
});
