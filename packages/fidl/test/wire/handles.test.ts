import { describe, expect, it } from 'vitest';
import { Handle, ObjType, Status } from '@fdf/zx';
import { createCodec, FidlError, type FidlErrorCode } from '../../src/wire/index.js';
import { testIr } from './testLibrary.js';

/** A handle for tests: any object type, optional rights, counts its closes. */
class FakeHandle extends Handle {
  closes = 0;
  constructor(
    readonly objType: ObjType,
    readonly rights?: number,
  ) {
    super();
  }
  protected onClose(): void {
    this.closes++;
  }
}

const codec = createCodec(testIr);
const vmo = () => new FakeHandle(ObjType.VMO);
const event = () => new FakeHandle(ObjType.EVENT);

function code(fn: () => unknown): FidlErrorCode {
  try {
    fn();
  } catch (err) {
    if (err instanceof FidlError) return err.code;
    throw err;
  }
  throw new Error('expected a FidlError');
}

function value(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { vmo: vmo(), opt: null, events: [], client: null, ru: null, rt: {}, ...overrides };
}

describe('handles', () => {
  it('moves handles to the handle array in traversal order, presence 0xFFFFFFFF', () => {
    const v = value({
      opt: new FakeHandle(ObjType.PORT),
      events: [event(), event()],
      client: new FakeHandle(ObjType.CHANNEL),
      ru: { $tag: 'h', h: vmo() },
      rt: { h: event(), n: 3 },
    });
    const { bytes, handles } = codec.encode('Handles', v);
    const expected = [
      v.vmo,
      v.opt,
      ...(v.events as Handle[]),
      v.client,
      (v.ru as { h: Handle }).h,
      (v.rt as { h: Handle }).h,
    ];
    expect(handles).toEqual(expected);
    expect(handles.every((h, i) => h === expected[i])).toBe(true);
    expect(codec.validate('Handles', v)).toEqual(expected);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(0xffffffff);
    expect(view.getUint32(4, true)).toBe(0xffffffff);
    // Envelopes count their handles: RUnion's inline envelope holds one.
    expect(view.getUint16(32 + 12, true)).toBe(1);

    const decoded = codec.decode('Handles', bytes, handles) as Record<string, unknown>;
    expect(decoded['vmo']).toBe(v.vmo);
    expect(decoded['events']).toEqual(v.events);
    expect(decoded['ru']).toEqual({ $tag: 'h', h: (v.ru as { h: Handle }).h });
    expect(decoded['rt']).toEqual({ h: (v.rt as { h: Handle }).h, n: 3 });
    expect(handles.every((h) => !h.closed)).toBe(true);
  });

  it('checks object types and rights where the IR states them', () => {
    expect(code(() => codec.encode('Handles', value({ vmo: event() })))).toBe(
      'INCORRECT_HANDLE_TYPE',
    );
    expect(code(() => codec.validate('Handles', value({ events: [vmo()] })))).toBe(
      'INCORRECT_HANDLE_TYPE',
    );
    expect(code(() => codec.encode('Handles', value({ client: vmo() })))).toBe(
      'INCORRECT_HANDLE_TYPE',
    );
    codec.encode('Handles', value({ client: new FakeHandle(ObjType.NONE) })); // runtime channel
    expect(code(() => codec.encode('ReadVmo', { vmo: new FakeHandle(ObjType.VMO, 0x8) }))).toBe(
      'MISSING_REQUIRED_HANDLE_RIGHTS',
    );
    codec.encode('ReadVmo', { vmo: new FakeHandle(ObjType.VMO, 0xc) });
    codec.encode('ReadVmo', { vmo: vmo() }); // no rights exposed: nothing to check

    const { bytes } = codec.encode('ReadVmo', { vmo: vmo() });
    const wrong = event();
    expect(code(() => codec.decode('ReadVmo', bytes, [wrong]))).toBe('INCORRECT_HANDLE_TYPE');
    expect(wrong.closed).toBe(true);
    expect(code(() => codec.decode('ReadVmo', bytes, [new FakeHandle(ObjType.VMO, 0)]))).toBe(
      'MISSING_REQUIRED_HANDLE_RIGHTS',
    );
  });

  it('rejects closed, reused and missing handles', () => {
    const closed = vmo();
    closed.close();
    const err = (() => {
      try {
        codec.encode('Handles', value({ vmo: closed }));
      } catch (e) {
        return e as FidlError;
      }
      throw new Error('expected failure');
    })();
    expect(err.code).toBe('INVALID_VALUE');
    expect(err.status).toBe(Status.ERR_BAD_HANDLE);
    const h = event();
    expect(code(() => codec.encode('Handles', value({ events: [h, h] })))).toBe('INVALID_VALUE');
    expect(code(() => codec.validate('Handles', value({ vmo: null })))).toBe(
      'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
    );
    expect(code(() => codec.encode('Handles', value({ vmo: { objType: 3 } })))).toBe(
      'INVALID_VALUE',
    );
  });

  it('checks handle counts on decode and closes every handle on failure', () => {
    const v = value({ events: [event()] });
    const { bytes, handles } = codec.encode('Handles', v);
    expect(code(() => codec.decode('Handles', bytes, handles.slice(0, 1)))).toBe('TOO_FEW_HANDLES');
    expect(handles[0]!.closed).toBe(true);

    const again = codec.encode('Handles', value());
    const extra = vmo();
    expect(code(() => codec.decode('Handles', again.bytes, [...again.handles, extra]))).toBe(
      'TOO_MANY_HANDLES_IN_MESSAGE',
    );
    expect(extra.closed && again.handles[0]!.closed).toBe(true);

    const bad = codec.encode('Handles', value()).bytes;
    bad[0] = 1;
    expect(code(() => codec.decode('Handles', bad, [vmo()]))).toBe(
      'INVALID_HANDLE_PRESENCE_INDICATOR',
    );
  });

  it('closes the handles of unknown members and checks envelope handle counts', () => {
    // Handles is 64 bytes inline, `rt` (RTable) at offset 48; with only `n` set its
    // body is 2 envelopes. Add an unknown ordinal 3 whose inline envelope holds a handle.
    const out = codec.encode('Handles', value({ rt: { n: 1 } }));
    const envelopes = out.bytes.length - 16;
    expect(envelopes).toBe(64);
    const rebuilt = new Uint8Array(envelopes + 24);
    rebuilt.set(out.bytes);
    const rv = new DataView(rebuilt.buffer);
    expect(rv.getUint32(48, true)).toBe(2);
    rv.setUint32(48, 3, true);
    rv.setUint32(envelopes + 16, 0xffffffff, true);
    rv.setUint16(envelopes + 20, 1, true);
    rv.setUint16(envelopes + 22, 1, true);
    const unknown = event();
    const decoded = codec.decode('Handles', rebuilt, [...out.handles, unknown]) as Record<
      string,
      unknown
    >;
    expect(decoded['rt']).toEqual({ n: 1 });
    expect(unknown.closed).toBe(true);
    expect(unknown.closes).toBe(1);

    rv.setUint16(envelopes + 20, 2, true);
    expect(code(() => codec.decode('Handles', rebuilt, [vmo(), event()]))).toBe(
      'ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH',
    );
  });
});
