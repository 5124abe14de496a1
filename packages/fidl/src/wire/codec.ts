/**
 * `createCodec(ir)`: the wire format V2 codec for every type of an IR.
 *
 * Types are named `library.name/Type` (a bare `Type` is looked up in the
 * main library) or given as an IrType, e.g. `method.requestPayload`. The
 * encoder, decoder and validator closures of a type are built on first use
 * and cached, so steady-state calls do no IR walking.
 */
import type { Handle } from '@fdf/zx';
import type { IrMethod, IrRoot, IrType } from '../ir/types.js';
import { DecodeState, DecoderCompiler, decodeError, type DecodeFn } from './decoder.js';
import { EncodeBuffer, EncoderCompiler, type EncodeFn } from './encoder.js';
import { FidlError } from './errors.js';
import {
  EPITAPH_ORDINAL,
  HEADER_SIZE,
  decodeHeader,
  writeHeader,
  type DecodedHeader,
  type MessageHeader,
} from './header.js';
import { TypeRegistry, align8, shortName } from './layout.js';
import { i32 } from './read.js';
import { ValidatorCompiler, type ValidateFn } from './validate.js';

/** A type: its name (`lib/Type` or `Type`) or an IrType from the IR. */
export type TypeRef = string | IrType;

export interface EncodedMessage {
  bytes: Uint8Array;
  /** Handles in traversal order; they still belong to the caller until sent. */
  handles: Handle[];
}

/**
 * How `decodeMessage` finds the body type:
 * - a TypeRef, or null for a message without body;
 * - a function of the header (return undefined for an ordinal you do not
 *   know: the codec throws UNEXPECTED_ORDINAL);
 * - `{ protocol, direction }`: looked up among the protocol's methods by
 *   ordinal; 'request' = what a server receives, 'response' = what a client
 *   receives (replies and events).
 */
export type BodySpec =
  | TypeRef
  | null
  | ((header: DecodedHeader) => TypeRef | null | undefined)
  | { protocol: string; direction: 'request' | 'response' };

export interface DecodedMessage {
  header: DecodedHeader;
  /** The decoded body; null when the message has none (and for epitaphs). */
  body: unknown;
  /** For an epitaph (ordinal 0xFFFFFFFFFFFFFFFF): the zx status the peer closed with. */
  epitaph?: number;
  /** The method the ordinal matched, when the body type came from a protocol. */
  method?: IrMethod;
}

export interface Codec {
  readonly ir: IrRoot;
  /** Encodes `value` as a standalone wire format V2 message (no header). */
  encode(type: TypeRef, value: unknown): EncodedMessage;
  /**
   * Decodes a standalone message. The codec owns `handles` from here on:
   * handles in unknown members are closed, and on failure all are closed.
   */
  decode(type: TypeRef, bytes: Uint8Array, handles?: readonly Handle[]): unknown;
  /** The encoder's checks without encoding; returns the value's handles in traversal order. */
  validate(type: TypeRef, value: unknown): Handle[];
  /** Header plus body; `type` null sends the header alone (`Foo()`, strict `-> ()`). */
  encodeMessage(header: MessageHeader, type: TypeRef | null, value?: unknown): EncodedMessage;
  decodeMessage(
    bytes: Uint8Array,
    handles: readonly Handle[] | undefined,
    body: BodySpec,
  ): DecodedMessage;
  /** txid 0, ordinal 0xFFFFFFFFFFFFFFFF, body `struct { error int32 }`. */
  encodeEpitaph(status: number): EncodedMessage;
  /** Inline size of a type in bytes (the primary object before padding). */
  inlineSize(type: TypeRef): number;
}

interface Compiled {
  name: string;
  size: number;
  enc?: EncodeFn;
  dec?: DecodeFn;
  val?: ValidateFn;
}

export function createCodec(ir: IrRoot): Codec {
  return new WireCodec(ir);
}

class WireCodec implements Codec {
  private readonly reg: TypeRegistry;
  private readonly encoders: EncoderCompiler;
  private readonly decoders: DecoderCompiler;
  private readonly validators: ValidatorCompiler;
  private readonly byName = new Map<string, Compiled>();
  private readonly byType = new WeakMap<IrType, Compiled>();
  private readonly buffer = new EncodeBuffer();
  private readonly state = new DecodeState();
  private methodsByProtocol: Map<string, Map<bigint, IrMethod>> | undefined;

  constructor(readonly ir: IrRoot) {
    this.reg = new TypeRegistry(ir);
    this.encoders = new EncoderCompiler(this.reg);
    this.decoders = new DecoderCompiler(this.reg);
    this.validators = new ValidatorCompiler(this.reg);
  }

  private compiled(ref: TypeRef): Compiled {
    if (typeof ref === 'string') {
      let c = this.byName.get(ref);
      if (c === undefined) {
        const type = this.reg.typeOf(ref);
        c = this.byType.get(type) ?? { name: shortName(ref), size: this.reg.size(type) };
        this.byType.set(type, c);
        this.byName.set(ref, c);
      }
      return c;
    }
    let c = this.byType.get(ref);
    if (c === undefined) {
      c = { name: this.reg.describe(ref), size: this.reg.size(ref) };
      this.byType.set(ref, c);
    }
    return c;
  }

  private typeOf(ref: TypeRef): IrType {
    return typeof ref === 'string' ? this.reg.typeOf(ref) : ref;
  }

  private encoderOf(ref: TypeRef, c: Compiled): EncodeFn {
    return (c.enc ??= this.encoders.forType(this.typeOf(ref)));
  }

  private decoderOf(ref: TypeRef, c: Compiled): DecodeFn {
    return (c.dec ??= this.decoders.forType(this.typeOf(ref)));
  }

  inlineSize(type: TypeRef): number {
    return this.compiled(type).size;
  }

  /** The shared buffer, or a fresh one when a call is already using it (re-entrant use). */
  private acquireBuffer(): EncodeBuffer {
    const buf = this.buffer.busy ? new EncodeBuffer() : this.buffer;
    buf.busy = true;
    return buf;
  }

  private acquireState(): DecodeState {
    return this.state.busy ? new DecodeState() : this.state;
  }

  encode(type: TypeRef, value: unknown): EncodedMessage {
    const c = this.compiled(type);
    const enc = this.encoderOf(type, c);
    const buf = this.acquireBuffer();
    try {
      buf.begin(0, c.size);
      enc(buf, value, 0, 0);
      const handles = buf.handles;
      return { bytes: buf.finish(0), handles };
    } catch (err) {
      buf.reset();
      throw rooted(err, c.name);
    }
  }

  validate(type: TypeRef, value: unknown): Handle[] {
    const c = this.compiled(type);
    const val = (c.val ??= this.validators.forType(this.typeOf(type)));
    const handles: Handle[] = [];
    try {
      val(value, 0, handles);
    } catch (err) {
      throw rooted(err, c.name);
    }
    return handles;
  }

  decode(type: TypeRef, bytes: Uint8Array, handles: readonly Handle[] = []): unknown {
    const c = this.compiled(type);
    return this.decodeBody(c, this.decoderOf(type, c), bytes, handles);
  }

  private decodeBody(
    c: Compiled,
    dec: DecodeFn,
    bytes: Uint8Array,
    handles: readonly Handle[],
  ): unknown {
    const st = this.acquireState();
    let value: unknown;
    try {
      const primary = align8(c.size);
      if (bytes.length < primary) {
        throw decodeError(
          'TOO_FEW_BYTES_IN_PRIMARY_OBJECT',
          `${c.name} needs ${primary} bytes for its primary object, the message has ${bytes.length}`,
        );
      }
      st.init(bytes, handles);
      st.next = primary;
      st.checkZero(c.size, primary);
      value = dec(st, 0, 0);
      finishDecode(st);
    } catch (err) {
      st.release();
      closeAll(handles);
      throw rooted(err, c.name);
    }
    // Handles of unknown members are closed only now, with the state released.
    closeAll(st.release());
    return value;
  }

  encodeMessage(header: MessageHeader, type: TypeRef | null, value?: unknown): EncodedMessage {
    const buf = this.acquireBuffer();
    const c = type === null ? undefined : this.compiled(type);
    try {
      buf.begin(HEADER_SIZE, c?.size ?? 0);
      writeHeader(buf.view, 0, header);
      if (c !== undefined && type !== null) {
        this.encoderOf(type, c)(buf, value, HEADER_SIZE, 0);
      } else if (value !== undefined && value !== null) {
        throw new FidlError(
          'INVALID_VALUE',
          'encode',
          'the message has no body type but a value was given',
        );
      }
      const handles = buf.handles;
      return { bytes: buf.finish(0), handles };
    } catch (err) {
      buf.reset();
      throw rooted(err, c?.name ?? 'message');
    }
  }

  encodeEpitaph(status: number): EncodedMessage {
    const buf = this.acquireBuffer();
    try {
      buf.begin(HEADER_SIZE, 4);
      writeHeader(buf.view, 0, { txid: 0, ordinal: EPITAPH_ORDINAL });
      if (typeof status !== 'number' || (status | 0) !== status) {
        throw new FidlError(
          'INVALID_VALUE',
          'encode',
          `epitaph status must be an int32, got ${String(status)}`,
        );
      }
      buf.view.setInt32(HEADER_SIZE, status, true);
      return { bytes: buf.finish(0), handles: [] };
    } catch (err) {
      buf.reset();
      throw rooted(err, 'epitaph');
    }
  }

  decodeMessage(
    bytes: Uint8Array,
    handles: readonly Handle[] = [],
    body: BodySpec,
  ): DecodedMessage {
    let header: DecodedHeader;
    try {
      header = decodeHeader(bytes);
    } catch (err) {
      closeAll(handles);
      throw err;
    }
    const rest = bytes.subarray(HEADER_SIZE);
    if (header.ordinal === EPITAPH_ORDINAL) {
      return { header, body: null, epitaph: this.decodeEpitaphBody(rest, handles) };
    }
    let method: IrMethod | undefined;
    let type: TypeRef | null | undefined;
    if (typeof body === 'function') {
      type = body(header);
    } else if (body !== null && typeof body === 'object' && 'direction' in body) {
      method = this.method(body.protocol, header.ordinal);
      type = method === undefined ? undefined : payloadOf(method, body.direction);
    } else {
      type = body;
    }
    if (type === undefined) {
      closeAll(handles);
      throw decodeError(
        'UNEXPECTED_ORDINAL',
        `no method with ordinal 0x${header.ordinal.toString(16)} (txid ${header.txid}); the peer speaks another protocol or version`,
      ).at('header');
    }
    if (type === null) {
      this.expectEmpty(rest, handles);
      return method === undefined ? { header, body: null } : { header, body: null, method };
    }
    const c = this.compiled(type);
    const value = this.decodeBody(c, this.decoderOf(type, c), rest, handles);
    return method === undefined ? { header, body: value } : { header, body: value, method };
  }

  private decodeEpitaphBody(rest: Uint8Array, handles: readonly Handle[]): number {
    const st = this.acquireState();
    try {
      if (rest.length < 8) {
        throw decodeError(
          'TOO_FEW_BYTES_IN_PRIMARY_OBJECT',
          `an epitaph body is 8 bytes, got ${rest.length}`,
        );
      }
      st.init(rest, handles);
      st.next = 8;
      st.checkZero(4, 8);
      finishDecode(st);
      return i32(st.bytes, 0);
    } catch (err) {
      closeAll(handles);
      throw rooted(err, 'epitaph');
    } finally {
      st.release();
    }
  }

  private expectEmpty(rest: Uint8Array, handles: readonly Handle[]): void {
    if (rest.length !== 0 || handles.length !== 0) {
      closeAll(handles);
      throw decodeError(
        rest.length !== 0 ? 'TOO_MANY_BYTES_IN_MESSAGE' : 'TOO_MANY_HANDLES_IN_MESSAGE',
        `the method has no body, the message carries ${rest.length} bytes and ${handles.length} handles`,
      ).at('message');
    }
  }

  private method(protocol: string, ordinal: bigint): IrMethod | undefined {
    if (this.methodsByProtocol === undefined) {
      this.methodsByProtocol = new Map();
      for (const lib of this.ir.libraries) {
        for (const p of lib.protocols) {
          this.methodsByProtocol.set(p.name, new Map(p.methods.map((m) => [BigInt(m.ordinal), m])));
        }
      }
    }
    const fqn = this.reg.qualify(protocol);
    const methods = this.methodsByProtocol.get(fqn);
    if (methods === undefined) {
      throw decodeError(
        'INVALID_VALUE',
        `no protocol '${protocol}' in the IR; pass 'library.name/Protocol'`,
      );
    }
    return methods.get(ordinal);
  }
}

/** The body type of a method for a direction; null when the method sends no body. */
function payloadOf(m: IrMethod, direction: 'request' | 'response'): IrType | null | undefined {
  if (direction === 'request') return m.kind === 'event' ? undefined : (m.requestPayload ?? null);
  if (m.kind === 'event') return m.requestPayload ?? null;
  if (m.kind === 'one-way') return undefined;
  return m.responsePayload ?? null;
}

function finishDecode(st: DecodeState): void {
  if (st.next !== st.bytes.length) {
    throw decodeError(
      'TOO_MANY_BYTES_IN_MESSAGE',
      `the value ends at byte ${st.next}, the message has ${st.bytes.length}`,
    );
  }
  if (st.handleIndex !== st.handles.length) {
    throw decodeError(
      'TOO_MANY_HANDLES_IN_MESSAGE',
      `the value uses ${st.handleIndex} handles, the message carries ${st.handles.length}`,
    );
  }
}

/** A failed decode owns its handles: none may leak. */
function closeAll(handles: readonly Handle[]): void {
  for (const h of handles) if (!h.closed) h.close();
}

function rooted(err: unknown, root: string): unknown {
  if (err instanceof FidlError && err.root === '') err.at(root);
  return err;
}
