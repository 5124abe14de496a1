import { block } from '@fdf/bindings';
import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { parseRamdiskConfig } from './config.js';

function refusal(input: unknown): StatusError {
  try {
    parseRamdiskConfig(input);
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new StatusError(Status.ERR_INTERNAL, 'expected the config to be refused');
}

describe('parseRamdiskConfig', () => {
  it('fills the defaults', () => {
    expect(parseRamdiskConfig({ blockSize: 512, blockCount: 1024 })).toEqual({
      blockSize: 512,
      blockCount: 1024,
      maxTransferSize: block.MAX_TRANSFER_UNBOUNDED,
      flags: block.Flag.TRIM_SUPPORT,
      timing: null,
      faults: { ioErrors: [], latencySpikes: [], disappear: null },
    });
  });

  it('keeps every setting it is given', () => {
    const config = parseRamdiskConfig({
      blockSize: 4096,
      blockCount: 16,
      maxTransferSize: 8192,
      readOnly: true,
      removable: true,
      bootPart: true,
      trim: false,
      timing: { latencyMs: 0.5, bandwidthMiBps: 200 },
      faults: {
        ioErrors: [{ blocks: { start: 1, count: 2 }, on: 'read' }],
        latencySpikes: [
          { everyNthOp: 10, extraMs: 5 },
          { blocks: { start: 0, count: 1 }, extraMs: 1 },
        ],
        disappear: { afterOps: 100 },
      },
    });
    expect(config.flags).toBe(block.Flag.READONLY | block.Flag.REMOVABLE | block.Flag.BOOTPART);
    expect(config.timing).toEqual({ latencyMs: 0.5, bandwidthMiBps: 200 });
    expect(config.faults.ioErrors).toEqual([{ blocks: { start: 1, count: 2 }, on: 'read' }]);
    expect(config.faults.latencySpikes).toHaveLength(2);
    expect(config.faults.disappear).toEqual({ afterOps: 100 });
  });

  it.each([
    [null, /ramdisk config is null; give an object/],
    [{ blockSize: 512 }, /ramdisk config.blockCount is missing; give an integer from 1/],
    [{ blockSize: 500, blockCount: 1 }, /blockSize is 500, not a power of two; use 512 or 4096/],
    [{ blockSize: 512, blockCount: 1.5 }, /blockCount is 1.5; give an integer/],
    [
      { blockSize: 512, blockCount: 8, blocksize: 1 },
      /ramdisk config.blocksize is not a known setting; known: blockSize, blockCount/,
    ],
    [
      { blockSize: 512, blockCount: 8, maxTransferSize: 256 },
      /maxTransferSize is 256; give an integer from 512/,
    ],
    [
      { blockSize: 512, blockCount: 8, maxTransferSize: 1536 + 1 },
      /maxTransferSize is 1537, not a multiple of blockSize 512/,
    ],
    [{ blockSize: 512, blockCount: 8, readOnly: 'yes' }, /readOnly is 'yes'; give true or false/],
    [
      { blockSize: 512, blockCount: 8, timing: { latencyMs: -1 } },
      /timing.latencyMs is -1; give a finite number >= 0/,
    ],
    [
      { blockSize: 512, blockCount: 8, timing: { latencyMs: 1, bandwidthMiBps: 0 } },
      /timing.bandwidthMiBps is 0; give a positive rate/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { ioErrors: {} } },
      /faults.ioErrors is \{\}; give a list/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { ioErrors: [{}] } },
      /faults.ioErrors\[0\].blocks is missing/,
    ],
    [
      {
        blockSize: 512,
        blockCount: 8,
        faults: { ioErrors: [{ blocks: { start: 0, count: 1 }, on: 'erase' }] },
      },
      /faults.ioErrors\[0\].on is 'erase'; use 'read', 'write' or 'both'/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { ioErrors: [{ blocks: { start: 0, count: 0 } }] } },
      /blocks.count is 0; give an integer from 1/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { latencySpikes: [{ extraMs: 1 }] } },
      /latencySpikes\[0\] needs exactly one of everyNthOp and blocks/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { latencySpikes: [{ extraMs: 1, everyNthOp: 0 }] } },
      /everyNthOp is 0; give an integer from 1/,
    ],
    [
      { blockSize: 512, blockCount: 8, faults: { disappear: { afterOps: -1 } } },
      /disappear.afterOps is -1/,
    ],
  ])('refuses %j with ERR_INVALID_ARGS naming the field', (input, message) => {
    const err = refusal(input);
    expect(err.status).toBe(Status.ERR_INVALID_ARGS);
    expect(err.message).toMatch(message);
  });

  it('refuses fault ranges past the device with ERR_OUT_OF_RANGE', () => {
    const err = refusal({
      blockSize: 512,
      blockCount: 8,
      faults: { latencySpikes: [{ blocks: { start: 7, count: 2 }, extraMs: 1 }] },
    });
    expect(err.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(err.message).toMatch(
      /faults.latencySpikes\[0\].blocks: blocks \[7, 9\) reach past the device's 8 blocks; keep start \+ count <= 8/,
    );
  });
});
