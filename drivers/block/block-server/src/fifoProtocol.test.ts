import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_FIFO_ESIZE,
  BLOCK_FIFO_MAX_DEPTH,
  BlockIoFlag,
  BlockOpcode,
  MAX_TXN_GROUP_COUNT,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  newRequest,
  newResponse,
} from './fifoProtocol.js';

function buffer(elements = 2): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(elements * BLOCK_FIFO_ESIZE);
  return { bytes, view: new DataView(bytes.buffer) };
}

describe('block FIFO records', () => {
  it('has the real sizes: 40-byte elements, depth 102, 8 groups', () => {
    expect(BLOCK_FIFO_ESIZE).toBe(40);
    expect(BLOCK_FIFO_MAX_DEPTH).toBe(102);
    expect(MAX_TXN_GROUP_COUNT).toBe(8);
  });

  it('lays a request out field by field, little-endian, opcode in the low byte', () => {
    const { bytes, view } = buffer(1);
    encodeRequest(view, 0, {
      opcode: BlockOpcode.WRITE,
      flags: BlockIoFlag.GROUP_ITEM | BlockIoFlag.FORCE_ACCESS,
      reqid: 0x11223344,
      group: 7,
      vmoid: 0xbeef,
      length: 0x01020304,
      vmoOffset: 0x0506070809,
      devOffset: 2 ** 40 + 3,
      traceFlowId: 0xfedcba9876543210n,
    });
    expect(view.getUint32(0, true)).toBe(0x1402);
    expect(view.getUint32(4, true)).toBe(0x11223344);
    expect(view.getUint16(8, true)).toBe(7);
    expect(view.getUint16(10, true)).toBe(0xbeef);
    expect(view.getUint32(12, true)).toBe(0x01020304);
    expect(view.getBigUint64(16, true)).toBe(0x0506070809n);
    expect(view.getBigUint64(24, true)).toBe(2n ** 40n + 3n);
    expect(view.getBigUint64(32, true)).toBe(0xfedcba9876543210n);
    expect(bytes.length).toBe(40);
  });

  it('round-trips a request through the same reused record', () => {
    const { view } = buffer(2);
    const a = {
      ...newRequest(),
      opcode: 1,
      reqid: 1,
      vmoid: 2,
      length: 3,
      vmoOffset: 4,
      devOffset: 5,
    };
    const b = {
      ...newRequest(),
      opcode: 4,
      flags: BlockIoFlag.GROUP_ITEM | BlockIoFlag.GROUP_LAST,
      reqid: 9,
      group: 3,
      length: 8,
      devOffset: 2 ** 52,
      traceFlowId: 77n,
    };
    encodeRequest(view, 0, a);
    encodeRequest(view, 1, b);
    const record = newRequest();
    expect(decodeRequest(view, 1, record)).toEqual(b);
    expect(decodeRequest(view, 0, record)).toBe(record);
    expect(record).toEqual(a);
  });

  it('decodes u64 offsets at and above 2^53 as numbers that are still out of any range', () => {
    const { view } = buffer(1);
    view.setBigUint64(24, 0xffff_ffff_ffff_ffffn, true);
    view.setBigUint64(16, 2n ** 53n + 1n, true);
    const r = decodeRequest(view, 0, newRequest());
    expect(r.devOffset).toBeGreaterThanOrEqual(2 ** 64 - 2 ** 12);
    expect(r.vmoOffset).toBeGreaterThanOrEqual(2 ** 53);
  });

  it('keeps unknown flag bits and the raw opcode byte for the server to judge', () => {
    const { view } = buffer(1);
    view.setUint32(0, 0x8000_00ff, true);
    const r = decodeRequest(view, 0, newRequest());
    expect(r.opcode).toBe(0xff);
    expect(r.flags).toBe(0x8000_0000);
  });

  it('refuses to encode values that would be truncated on the wire', () => {
    const { view } = buffer(1);
    const base = newRequest();
    const cases: [Partial<typeof base>, Status][] = [
      [{ opcode: 256 }, Status.ERR_OUT_OF_RANGE],
      [{ flags: 0x10 }, Status.ERR_INVALID_ARGS],
      [{ group: 65536 }, Status.ERR_OUT_OF_RANGE],
      [{ vmoid: -1 }, Status.ERR_OUT_OF_RANGE],
      [{ length: 2 ** 32 }, Status.ERR_OUT_OF_RANGE],
      [{ devOffset: 2 ** 53 }, Status.ERR_OUT_OF_RANGE],
      [{ vmoOffset: 1.5 }, Status.ERR_OUT_OF_RANGE],
      [{ traceFlowId: 2n ** 64n }, Status.ERR_OUT_OF_RANGE],
    ];
    for (const [patch, status] of cases) {
      let thrown: unknown;
      try {
        encodeRequest(view, 0, { ...base, ...patch });
      } catch (err) {
        thrown = err;
      }
      expect(
        StatusError.is(thrown, status),
        JSON.stringify(patch, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toBe(true);
    }
  });

  it('lays a response out with zeroed reserved words and round-trips it', () => {
    const { bytes, view } = buffer(2);
    bytes.fill(0xaa);
    encodeResponse(view, 1, Status.ERR_IO, 0xdeadbeef, 5, 3);
    expect(view.getInt32(40, true)).toBe(-40);
    expect(view.getUint32(44, true)).toBe(0xdeadbeef);
    expect(view.getUint16(48, true)).toBe(5);
    expect(view.getUint16(50, true)).toBe(0);
    expect(view.getUint32(52, true)).toBe(3);
    expect([...bytes.subarray(56, 80)].every((b) => b === 0)).toBe(true);
    expect([...bytes.subarray(0, 40)].every((b) => b === 0xaa)).toBe(true);
    expect(decodeResponse(view, 1, newResponse())).toEqual({
      status: -40,
      reqid: 0xdeadbeef,
      group: 5,
      count: 3,
    });
  });
});
