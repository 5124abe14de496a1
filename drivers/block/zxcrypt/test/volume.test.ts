import { createHash } from 'node:crypto';
import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import {
  decryptBlocks,
  encryptBlocks,
  formatZxcrypt,
  inspectZxcryptSuperblock,
  unseal,
  ZXCRYPT_MAGIC,
  ZXCRYPT_VERSION,
  zxcryptGeometry,
  zxcryptReservedBlocks,
} from '../src/index.js';

const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const OTHER = Uint8Array.from({ length: 32 }, (_, i) => 100 - i);
const BLOCK = 512;

function error(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new StatusError(Status.ERR_BAD_STATE, 'expected the call to fail');
}

function flip(bytes: Uint8Array, at: number): void {
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
}

/** Rewrites a block's checksum after a deliberate edit, so only the edit matters. */
function reseal(block: Uint8Array): void {
  block.set(
    createHash('sha256')
      .update(block.subarray(0, block.length - 32))
      .digest(),
    block.length - 32,
  );
}

describe('formatZxcrypt', () => {
  it('writes two identical superblocks with the type GUID, a v4 instance GUID and the version', () => {
    const f = formatZxcrypt(1000, BLOCK, ROOT);
    expect(f.superblocks.byteLength).toBe(2 * BLOCK);
    expect(Buffer.compare(f.superblocks.subarray(0, BLOCK), f.superblocks.subarray(BLOCK))).toBe(0);
    expect(Buffer.compare(f.superblocks.subarray(0, 16), ZXCRYPT_MAGIC)).toBe(0);
    expect(Buffer.compare(f.superblocks.subarray(16, 32), f.instanceGuid)).toBe(0);
    expect((f.instanceGuid[6] ?? 0) >> 4).toBe(4);
    expect((f.instanceGuid[8] ?? 0) >> 6).toBe(2);
    expect(new DataView(f.superblocks.buffer).getUint32(32, false)).toBe(ZXCRYPT_VERSION);
    expect(f).toMatchObject({
      reservedBlocks: 2,
      reservedSlices: 0,
      clientBlockCount: 998,
      slotCount: 4,
    });
    expect(f.dataKey.byteLength).toBe(64);
    expect(inspectZxcryptSuperblock(f.superblocks.subarray(0, BLOCK))).toEqual({
      instanceGuid: f.instanceGuid,
      version: ZXCRYPT_VERSION,
      slotCount: 4,
    });
  });

  it('draws a new data key and instance GUID each time', () => {
    const a = formatZxcrypt(100, BLOCK, ROOT);
    const b = formatZxcrypt(100, BLOCK, ROOT);
    expect(Buffer.compare(a.dataKey, b.dataKey)).not.toBe(0);
    expect(Buffer.compare(a.instanceGuid, b.instanceGuid)).not.toBe(0);
  });

  it('reserves a whole FVM slice on FVM and asks for one more slice of data', () => {
    expect(zxcryptReservedBlocks(BLOCK)).toBe(2);
    expect(zxcryptReservedBlocks(BLOCK, 32 * 1024)).toBe(64);
    expect(zxcryptGeometry(1000, 4096, 8192)).toEqual({
      reservedBlocks: 2,
      reservedSlices: 1,
      requiredSlices: 2,
      clientBlockCount: 998,
      slotCount: 41,
    });
    expect(zxcryptGeometry(1000, 4096, 4096)).toMatchObject({
      reservedBlocks: 2,
      reservedSlices: 2,
      requiredSlices: 3,
    });
    expect(error(() => zxcryptReservedBlocks(BLOCK, 1000)).status).toBe(Status.ERR_INVALID_ARGS);
  });

  it('refuses devices without room for data, bad block sizes, bad keys and missing slots', () => {
    expect(error(() => formatZxcrypt(2, BLOCK, ROOT)).status).toBe(Status.ERR_NO_SPACE);
    expect(error(() => formatZxcrypt(100, 100, ROOT)).status).toBe(Status.ERR_INVALID_ARGS);
    expect(error(() => formatZxcrypt(100, BLOCK, new Uint8Array(20))).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
    expect(error(() => formatZxcrypt(100, BLOCK, ROOT, { slot: 4 })).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
    expect(
      error(() => formatZxcrypt(100, BLOCK, ROOT, { dataKey: new Uint8Array(64) })).status,
    ).toBe(Status.ERR_INVALID_ARGS);
  });
});

describe('unseal', () => {
  it('returns the data key for the right root key', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    expect(Buffer.compare(unseal(f.superblocks.subarray(0, BLOCK), ROOT), f.dataKey)).toBe(0);
    expect(Buffer.compare(unseal(f.superblocks, ROOT, { blockSize: BLOCK }), f.dataKey)).toBe(0);
  });

  it('accepts 128-bit root keys and other slots', () => {
    const short = ROOT.subarray(0, 16);
    const f = formatZxcrypt(100, 4096, short, { slot: 7 });
    expect(
      Buffer.compare(unseal(f.superblocks, short, { blockSize: 4096, slot: 7 }), f.dataKey),
    ).toBe(0);
    expect(error(() => unseal(f.superblocks, short, { blockSize: 4096 })).status).toBe(
      Status.ERR_ACCESS_DENIED,
    );
  });

  it('refuses a wrong root key with ERR_ACCESS_DENIED', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    const err = error(() => unseal(f.superblocks, OTHER, { blockSize: BLOCK }));
    expect(err.status).toBe(Status.ERR_ACCESS_DENIED);
    expect(err.message).toMatch(/wrong root key/);
    expect(error(() => unseal(f.superblocks, new Uint8Array(8))).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
  });

  it('uses the second copy when the first is damaged', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    flip(f.superblocks, 40); // inside key slot 0 of copy 0
    expect(Buffer.compare(unseal(f.superblocks, ROOT, { blockSize: BLOCK }), f.dataKey)).toBe(0);
  });

  it('refuses damaged superblocks with ERR_IO_DATA_INTEGRITY', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    flip(f.superblocks, 40);
    flip(f.superblocks, BLOCK + 20); // copy 1's instance GUID
    const err = error(() => unseal(f.superblocks, ROOT, { blockSize: BLOCK }));
    expect(err.status).toBe(Status.ERR_IO_DATA_INTEGRITY);
    expect(err.message).toMatch(/copy 0: its SHA-256 checksum does not match.*copy 1: its SHA-256/);
    expect(error(() => inspectZxcryptSuperblock(f.superblocks.subarray(0, BLOCK))).status).toBe(
      Status.ERR_IO_DATA_INTEGRITY,
    );
  });

  it('refuses a key slot edited behind the checksum as a wrong key (the GCM tag catches it)', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    const block = f.superblocks.slice(0, BLOCK);
    flip(block, 36 + 20);
    reseal(block);
    expect(error(() => unseal(block, ROOT)).status).toBe(Status.ERR_ACCESS_DENIED);
  });

  it('refuses blocks that are not zxcrypt, or another version, with ERR_NOT_SUPPORTED', () => {
    expect(error(() => unseal(new Uint8Array(2 * BLOCK), ROOT, { blockSize: BLOCK })).status).toBe(
      Status.ERR_NOT_SUPPORTED,
    );
    const f = formatZxcrypt(100, BLOCK, ROOT);
    const block = f.superblocks.slice(0, BLOCK);
    new DataView(block.buffer).setUint32(32, 1, false); // the real zxcrypt's version 1
    reseal(block);
    const err = error(() => unseal(block, ROOT));
    expect(err.status).toBe(Status.ERR_NOT_SUPPORTED);
    expect(err.message).toMatch(/version 0x1 is not/);
    expect(error(() => unseal(new Uint8Array(700), ROOT, { blockSize: BLOCK })).status).toBe(
      Status.ERR_INVALID_ARGS,
    );
  });

  it('never fails with anything but a StatusError on random damage', () => {
    const f = formatZxcrypt(100, BLOCK, ROOT);
    let seed = 99;
    const next = (n: number): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const damaged = f.superblocks.slice();
      for (let i = 0, n = 1 + next(8); i < n; i++) damaged[next(damaged.length)] = next(256);
      try {
        expect(Buffer.compare(unseal(damaged, ROOT, { blockSize: BLOCK }), f.dataKey)).toBe(0);
      } catch (err) {
        expect(err).toBeInstanceOf(StatusError);
      }
    }
  });
});

describe('a zxcrypt volume end to end', () => {
  it('stores client blocks encrypted at device offset client + reserved', () => {
    const blocks = 64;
    const device = new Uint8Array(blocks * BLOCK);
    const f = formatZxcrypt(blocks, BLOCK, ROOT);
    device.set(f.superblocks, 0);

    // A client writes 4 blocks at its block 10: encrypt into a shadow buffer, store.
    const data = Uint8Array.from({ length: 4 * BLOCK }, (_, i) => (i >> 9) + 1);
    const shadow = new Uint8Array(data.length);
    const deviceBlock = 10 + f.reservedBlocks;
    encryptBlocks(f.dataKey, deviceBlock, data, shadow, BLOCK);
    device.set(shadow, deviceBlock * BLOCK);
    expect(device.subarray(deviceBlock * BLOCK, (deviceBlock + 4) * BLOCK).includes(1)).toBe(true);
    expect(
      Buffer.compare(device.subarray(deviceBlock * BLOCK, (deviceBlock + 4) * BLOCK), data),
    ).not.toBe(0);

    // Later, with only the root key: unseal from the device, read, decrypt in place.
    const key = unseal(device.subarray(0, 2 * BLOCK), ROOT, { blockSize: BLOCK });
    const read = device.slice(deviceBlock * BLOCK, (deviceBlock + 4) * BLOCK);
    decryptBlocks(key, deviceBlock, read, read, BLOCK);
    expect(Buffer.compare(read, data)).toBe(0);
  });
});
