/**
 * What a Driver-transport FIDL message carries as its `data`: the header
 * fields of a wire message (txid, ordinal, flexible) and the payload object
 * itself, by reference. No bytes are written for the payload.
 *
 * Two forms:
 * - `DriverFrame`, a plain object, for asynchronous calls, replies and events
 *   (the cheapest thing the runtime can hand over);
 * - `FrameBytes`, for synchronous calls: `Channel.call` needs a byte buffer in
 *   the arena whose first 4 bytes receive the txid, and matches the reply by
 *   the same 4 bytes. It is a 16-byte view of arena memory laid out like a
 *   wire header, with the frame attached. Servers answer in the form they
 *   were asked in.
 */
import { Status, StatusError } from '@fdf/zx';
import type { Arena } from '@fdf/runtime';
import type { DriverMethod } from './plan.js';

/** Ordinal of an epitaph, as on the wire. */
export const EPITAPH_ORDINAL = 0xffff_ffff_ffff_ffffn;

/** Status.OK as a module constant: `Status` is a dictionary-mode object, slow to read per message. */
const OK: Status = Status.OK;

export class DriverFrame {
  /** 0 for one-way calls, events and epitaphs. */
  txid: number;
  readonly ordinal: bigint;
  readonly flexible: boolean;
  /** The request, response or event payload; null for `()`. */
  readonly payload: unknown;
  /** For an epitaph: the status the server closed with. */
  readonly epitaph: Status;
  /**
   * The sender's compiled method, when the bindings wrote the frame: a server
   * of the same protocol descriptor takes it instead of looking the ordinal up.
   * The ordinal stays the authority for everyone else.
   */
  readonly method: DriverMethod | null;

  constructor(
    txid: number,
    ordinal: bigint,
    flexible: boolean,
    payload: unknown,
    epitaph: Status = OK,
    method: DriverMethod | null = null,
  ) {
    this.txid = txid;
    this.ordinal = ordinal;
    this.flexible = flexible;
    this.payload = payload;
    this.epitaph = epitaph;
    this.method = method;
  }

  get isEpitaph(): boolean {
    return this.ordinal === EPITAPH_ORDINAL;
  }
}

const HEADER_SIZE = 16;

export class FrameBytes extends Uint8Array {
  // Typed arrays pass their constructor arguments to `super`; the frame is set right after.
  frame: DriverFrame = PLACEHOLDER;

  /** The txid the runtime wrote (requests) or the server copied (replies). */
  get txid(): number {
    return new DataView(this.buffer, this.byteOffset, 4).getUint32(0, true);
  }
}

const PLACEHOLDER = new DriverFrame(0, 0n, false, null);

/*
 * `x instanceof DriverFrame` without the instanceof: TypeScript runners that
 * keep class names (tsx, esbuild keepNames) redefine the class's `name`,
 * which leaves the constructor in dictionary mode, and V8 then does not
 * optimize `instanceof` on it. Both walk the prototype chain alike (neither
 * class defines Symbol.hasInstance).
 */
const FRAME_PROTOTYPE: object = DriverFrame.prototype;
const FRAME_BYTES_PROTOTYPE: object = FrameBytes.prototype;

export function isDriverFrame(x: unknown): x is DriverFrame {
  // eslint-disable-next-line no-prototype-builtins -- a class prototype: isPrototypeOf is Object.prototype's
  return FRAME_PROTOTYPE.isPrototypeOf(x as object);
}

export function isFrameBytes(x: unknown): x is FrameBytes {
  // eslint-disable-next-line no-prototype-builtins -- a class prototype: isPrototypeOf is Object.prototype's
  return FRAME_BYTES_PROTOTYPE.isPrototypeOf(x as object);
}

/** A 16-byte header in `arena` (txid, V2 flags, magic, ordinal) carrying `frame`. */
export function frameBytes(arena: Arena, frame: DriverFrame): FrameBytes {
  const view = arena.allocate(HEADER_SIZE);
  const bytes = new FrameBytes(view.buffer as ArrayBuffer, view.byteOffset, HEADER_SIZE);
  const dv = new DataView(view.buffer, view.byteOffset, HEADER_SIZE);
  dv.setUint32(0, frame.txid, true);
  dv.setUint8(4, 0x02);
  dv.setUint8(6, frame.flexible ? 0x80 : 0);
  dv.setUint8(7, 0x01);
  dv.setBigUint64(8, frame.ordinal, true);
  bytes.frame = frame;
  return bytes;
}

/** The frame of a message's data, or a StatusError naming what arrived instead. */
export function frameOf(data: unknown): DriverFrame {
  if (isDriverFrame(data)) return data;
  if (isFrameBytes(data)) {
    data.frame.txid = data.txid;
    return data.frame;
  }
  throw notAFrameError(data);
}

function notAFrameError(data: unknown): StatusError {
  return new StatusError(
    Status.ERR_INVALID_ARGS,
    `a Driver-transport FIDL message must carry a frame written by the bindings, got ${describe(data)}; write through a generated client or server, not Channel.write`,
  );
}

function describe(data: unknown): string {
  if (data === null || data === undefined) return 'no data';
  if (data instanceof Uint8Array) return `${data.length} raw bytes`;
  return typeof data === 'object' ? `an object (${data.constructor.name})` : typeof data;
}
