import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { decryptBlocks, encryptBlocks, prepareDataKey } from '../src/index.js';

function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function statusOf(fn: () => unknown): Status {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  return Status.OK;
}

/**
 * IEEE P1619 (XTS-AES) test vector 10: XTS-AES-256, a 512-byte data unit
 * with sequence number 0xff, plaintext 00 01 .. ff 00 01 .. ff. The
 * ciphertext below agrees in two independent published copies of the vector
 * and with node:crypto (checked when this test was written).
 */
const VECTOR_10 = {
  key: hex(
    '2718281828459045235360287471352662497757247093699959574966967627' +
      '3141592653589793238462643383279502884197169399375105820974944592',
  ),
  sequence: 0xff,
  plaintext: Uint8Array.from({ length: 512 }, (_, i) => i & 0xff),
  ciphertext: hex(
    '1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b' +
      '5d31e276f8fe4a8d66b317f9ac683f44680a86ac35adfc3345befecb4bb188fd' +
      '5776926c49a3095eb108fd1098baec70aaa66999a72a82f27d848b21d4a741b0' +
      'c5cd4d5fff9dac89aeba122961d03a757123e9870f8acf1000020887891429ca' +
      '2a3e7a7d7df7b10355165c8b9a6d0a7de8b062c4500dc4cd120c0f7418dae3d0' +
      'b5781c34803fa75421c790dfe1de1834f280d7667b327f6c8cd7557e12ac3a0f' +
      '93ec05c52e0493ef31a12d3d9260f79a289d6a379bc70c50841473d1a8cc81ec' +
      '583e9645e07b8d9670655ba5bbcfecc6dc3966380ad8fecb17b6ba02469a020a' +
      '84e18e8f84252070c13e9f1f289be54fbc481457778f616015e1327a02b140f1' +
      '505eb309326d68378f8374595c849d84f4c333ec4423885143cb47bd71c5edae' +
      '9be69a2ffeceb1bec9de244fbe15992b11b77c040f12bd8f6a975a44a0f90c29' +
      'a9abc3d4d893927284c58754cce294529f8614dcd2aba991925fedc4ae74ffac' +
      '6e333b93eb4aff0479da9a410e4450e0dd7ae4c6e2910900575da401fc07059f' +
      '645e8b7e9bfdef33943054ff84011493c27b3429eaedb4ed5376441a77ed4385' +
      '1ad77f16f541dfd269d50d6a5f14fb0aab1cbb4c1550be97f7ab4066193c4caa' +
      '773dad38014bd2092fa755c824bb5e54c4f36ffda9fcea70b9c6e693e148c151',
  ),
};

const KEY = Uint8Array.from({ length: 64 }, (_, i) => (i * 13 + 1) & 0xff);

describe('AES-256-XTS with the device block offset as tweak', () => {
  it('matches IEEE P1619 XTS-AES-256 test vector 10', () => {
    const out = new Uint8Array(512);
    encryptBlocks(VECTOR_10.key, VECTOR_10.sequence, VECTOR_10.plaintext, out, 512);
    expect(Buffer.from(out).toString('hex')).toBe(
      Buffer.from(VECTOR_10.ciphertext).toString('hex'),
    );
    const back = new Uint8Array(512);
    decryptBlocks(VECTOR_10.key, VECTOR_10.sequence, out, back, 512);
    expect(Buffer.compare(back, VECTOR_10.plaintext)).toBe(0);
  });

  it('treats each block as its own data unit numbered by its device offset', () => {
    // Block 1 of a two-block op at offset 0xfe is device block 0xff: vector 10 again.
    const input = new Uint8Array(1024);
    input.set(VECTOR_10.plaintext, 512);
    encryptBlocks(VECTOR_10.key, 0xfe, input, input, 512);
    expect(Buffer.compare(input.subarray(512), VECTOR_10.ciphertext)).toBe(0);
  });

  it('round-trips in place and into another buffer', () => {
    const plain = Uint8Array.from({ length: 8 * 4096 }, (_, i) => (i * 31) & 0xff);
    const cipher = new Uint8Array(plain.length);
    encryptBlocks(KEY, 1234, plain, cipher, 4096);
    expect(Buffer.compare(cipher, plain)).not.toBe(0);
    const inPlace = cipher.slice();
    decryptBlocks(KEY, 1234, inPlace, inPlace, 4096);
    expect(Buffer.compare(inPlace, plain)).toBe(0);
    const other = plain.slice();
    encryptBlocks(prepareDataKey(KEY), 1234, other, other, 4096);
    expect(Buffer.compare(other, cipher)).toBe(0);
  });

  it('encrypts equal plaintext differently in every block, and only the right offset decrypts', () => {
    const plain = new Uint8Array(4 * 512).fill(0x5a);
    const cipher = new Uint8Array(plain.length);
    encryptBlocks(KEY, 0, plain, cipher, 512);
    const blocks = [0, 1, 2, 3].map((i) =>
      Buffer.from(cipher.subarray(i * 512, (i + 1) * 512)).toString('hex'),
    );
    expect(new Set(blocks).size).toBe(4);
    const wrong = new Uint8Array(512);
    decryptBlocks(KEY, 1, cipher.subarray(0, 512), wrong, 512);
    expect(Buffer.compare(wrong, plain.subarray(0, 512))).not.toBe(0);
  });

  it('handles offsets beyond 32 bits', () => {
    const plain = new Uint8Array(512).fill(1);
    const a = new Uint8Array(512);
    const b = new Uint8Array(512);
    encryptBlocks(KEY, 2 ** 32, plain, a, 512);
    encryptBlocks(KEY, 0, plain, b, 512);
    expect(Buffer.compare(a, b)).not.toBe(0);
    decryptBlocks(KEY, 2 ** 32, a, a, 512);
    expect(Buffer.compare(a, plain)).toBe(0);
  });

  it('reports bad arguments as StatusErrors', () => {
    const block = new Uint8Array(512);
    expect(statusOf(() => encryptBlocks(new Uint8Array(32), 0, block, block, 512))).toBe(
      Status.ERR_INVALID_ARGS,
    );
    expect(statusOf(() => encryptBlocks(new Uint8Array(64), 0, block, block, 512))).toBe(
      Status.ERR_INVALID_ARGS,
    );
    expect(
      statusOf(() => encryptBlocks(KEY, 0, new Uint8Array(500), new Uint8Array(500), 512)),
    ).toBe(Status.ERR_INVALID_ARGS);
    expect(statusOf(() => encryptBlocks(KEY, 0, block, new Uint8Array(256), 512))).toBe(
      Status.ERR_BUFFER_TOO_SMALL,
    );
    expect(statusOf(() => encryptBlocks(KEY, 0, block, block, 100))).toBe(Status.ERR_INVALID_ARGS);
    expect(statusOf(() => encryptBlocks(KEY, -1, block, block, 512))).toBe(Status.ERR_OUT_OF_RANGE);
    expect(statusOf(() => encryptBlocks(KEY, 0, new Uint8Array(0), block, 512))).toBe(Status.OK);
  });
});
