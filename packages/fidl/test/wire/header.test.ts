import { describe, expect, it } from 'vitest';
import { Handle, ObjType, Status } from '@fdf/zx';
import type { IrMethod, IrProtocol } from '../../src/ir/types.js';
import {
  createCodec,
  decodeHeader,
  EPITAPH_ORDINAL,
  FidlError,
  type FidlErrorCode,
} from '../../src/wire/index.js';
import { t } from './irBuilders.js';
import { testIr } from './testLibrary.js';

class FakeHandle extends Handle {
  readonly objType = ObjType.EVENT;
  protected onClose(): void {}
}

const location = { file: 'test.fidl', line: 1, column: 1 };
const method = (
  name: string,
  ordinal: bigint,
  kind: IrMethod['kind'],
  req?: string,
  resp?: string,
): IrMethod => ({
  name,
  ordinal: String(ordinal),
  selector: `test.wire/Proto.${name}`,
  strict: true,
  kind,
  ...(req === undefined ? {} : { requestPayload: t.ref(req, 'struct') }),
  ...(resp === undefined ? {} : { responsePayload: t.ref(resp, 'struct') }),
  hasError: false,
  declaredIn: 'test.wire/Proto',
  location,
  attributes: [],
});
const proto: IrProtocol = {
  name: 'test.wire/Proto',
  location,
  attributes: [],
  openness: 'closed',
  transport: 'Channel',
  composed: [],
  methods: [
    method('Get', 0x27fdad10b3816ff4n, 'two-way', undefined, 'Inner'),
    method('Put', 0x1111n, 'one-way', 'Inner'),
    method('OnThing', 0x2222n, 'event', 'Small'),
  ],
};
const ir = { ...testIr, libraries: [{ ...testIr.libraries[0]!, protocols: [proto] }] };
const codec = createCodec(ir);

function code(fn: () => unknown): FidlErrorCode {
  try {
    fn();
  } catch (err) {
    if (err instanceof FidlError) return err.code;
    throw err;
  }
  throw new Error('expected a FidlError');
}

describe('transactional header', () => {
  it('matches the fuchsia.hardware.rtc/Device.Get request of fidl.md 2.9', () => {
    const { bytes } = codec.encodeMessage({ txid: 1, ordinal: 0x27fdad10b3816ff4n }, null);
    expect(Array.from(bytes)).toEqual([
      0x01, 0, 0, 0, 0x02, 0, 0, 0x01, 0xf4, 0x6f, 0x81, 0xb3, 0x10, 0xad, 0xfd, 0x27,
    ]);
    expect(decodeHeader(bytes)).toEqual({
      txid: 1,
      ordinal: 0x27fdad10b3816ff4n,
      flexible: false,
      atRestFlags: [2, 0],
      dynamicFlags: 0,
      magicNumber: 1,
    });
  });

  it('sets the flexible flag and puts the body at offset 16', () => {
    const { bytes } = codec.encodeMessage({ txid: 0, ordinal: 0x1111n, flexible: true }, 'Inner', {
      x: 5,
      y: 6,
    });
    expect(bytes.length).toBe(24);
    expect(bytes[6]).toBe(0x80);
    expect(Array.from(bytes.subarray(16))).toEqual([5, 0, 0, 0, 6, 0, 0, 0]);
    const msg = codec.decodeMessage(bytes, [], 'Inner');
    expect(msg.header.flexible).toBe(true);
    expect(msg.body).toEqual({ x: 5, y: 6 });
  });

  it('finds body types by protocol, direction and ordinal', () => {
    const put = codec.encodeMessage({ txid: 0, ordinal: 0x1111n }, 'Inner', { x: 1, y: 2 }).bytes;
    const req = codec.decodeMessage(put, [], { protocol: 'Proto', direction: 'request' });
    expect(req.body).toEqual({ x: 1, y: 2 });
    expect(req.method?.name).toBe('Put');
    const get = codec.encodeMessage({ txid: 7, ordinal: 0x27fdad10b3816ff4n }, null).bytes;
    expect(
      codec.decodeMessage(get, [], { protocol: 'test.wire/Proto', direction: 'request' }).body,
    ).toBeNull();
    const event = codec.encodeMessage({ txid: 0, ordinal: 0x2222n }, 'Small', { a: 1, b: 2 }).bytes;
    expect(
      codec.decodeMessage(event, [], { protocol: 'Proto', direction: 'response' }).body,
    ).toEqual({ a: 1, b: 2 });
    expect(
      code(() => codec.decodeMessage(event, [], { protocol: 'Proto', direction: 'request' })),
    ).toBe('UNEXPECTED_ORDINAL');
    const unknown = codec.encodeMessage({ txid: 0, ordinal: 0x9999n }, null).bytes;
    expect(code(() => codec.decodeMessage(unknown, [], () => undefined))).toBe(
      'UNEXPECTED_ORDINAL',
    );
  });

  it('rejects bodies and handles where the method has none', () => {
    const bytes = codec.encodeMessage({ txid: 0, ordinal: 1n }, 'Inner', { x: 1, y: 2 }).bytes;
    expect(code(() => codec.decodeMessage(bytes, [], null))).toBe('TOO_MANY_BYTES_IN_MESSAGE');
    const header = bytes.slice(0, 16);
    const h = new FakeHandle();
    expect(code(() => codec.decodeMessage(header, [h], null))).toBe('TOO_MANY_HANDLES_IN_MESSAGE');
    expect(h.closed).toBe(true);
    expect(code(() => codec.encodeMessage({ txid: 0, ordinal: 1n }, null, { x: 1 }))).toBe(
      'INVALID_VALUE',
    );
  });

  it('checks the header itself', () => {
    const bytes = codec.encodeMessage({ txid: 3, ordinal: 5n }, null).bytes;
    expect(code(() => decodeHeader(bytes.subarray(0, 15)))).toBe('TOO_FEW_BYTES');
    const badMagic = bytes.slice();
    badMagic[7] = 2;
    const err = (() => {
      try {
        codec.decodeMessage(badMagic, [], null);
      } catch (e) {
        return e as FidlError;
      }
      throw new Error('expected failure');
    })();
    expect(err.code).toBe('INVALID_MAGIC_NUMBER');
    expect(err.status).toBe(Status.ERR_PROTOCOL_NOT_SUPPORTED);
    const v1 = bytes.slice();
    v1[4] = 0;
    expect(code(() => decodeHeader(v1))).toBe('UNSUPPORTED_WIRE_FORMAT');
    const otherFlags = bytes.slice();
    otherFlags[4] = 0x03;
    otherFlags[5] = 0xff;
    expect(decodeHeader(otherFlags).atRestFlags).toEqual([3, 255]);
    expect(code(() => codec.encodeMessage({ txid: -1, ordinal: 5n }, null))).toBe('INVALID_VALUE');
    expect(code(() => codec.encodeMessage({ txid: 0, ordinal: 1n << 64n }, null))).toBe(
      'INVALID_VALUE',
    );
  });
});

describe('epitaphs', () => {
  it('encodes txid 0, ordinal all ones and an int32 status, and decodes to the status', () => {
    const { bytes } = codec.encodeEpitaph(Status.ERR_PEER_CLOSED);
    expect(Array.from(bytes)).toEqual([
      0, 0, 0, 0, 2, 0, 0, 1, 255, 255, 255, 255, 255, 255, 255, 255, 0xe8, 0xff, 0xff, 0xff, 0, 0,
      0, 0,
    ]);
    const msg = codec.decodeMessage(bytes, [], 'Inner');
    expect(msg.header.ordinal).toBe(EPITAPH_ORDINAL);
    expect(msg.epitaph).toBe(Status.ERR_PEER_CLOSED);
    expect(msg.body).toBeNull();
    const padded = bytes.slice();
    padded[22] = 1;
    expect(code(() => codec.decodeMessage(padded, [], null))).toBe('INVALID_PADDING_BYTE');
    expect(code(() => codec.decodeMessage(bytes.subarray(0, 20), [], null))).toBe(
      'TOO_FEW_BYTES_IN_PRIMARY_OBJECT',
    );
  });
});
