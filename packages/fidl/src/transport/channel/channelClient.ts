/**
 * The asynchronous Channel-transport client: each request is encoded to wire
 * format V2 (16-byte header, then the body) and written with its handles to a
 * zircon channel; replies and events are decoded and validated as they
 * arrive. A message that does not decode closes the channel with the decode
 * error's status; it never throws into the host.
 */
import { Dispatcher, type Arena } from '@fdf/runtime';
import type { ZxChannel, ZxMessage } from '@fdf/zx';
import { decodeHeader, EPITAPH_ORDINAL } from '../../wire/index.js';
import { ClientCore } from '../clientCore.js';
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { ZxReader } from './zxReader.js';

export interface ChannelBindingOptions {
  /**
   * Where messages are handled: posted to this dispatcher, so a driver's
   * Channel-transport callbacks follow the same threading rules as its
   * Driver-transport ones (a client's `then` callbacks registered before the
   * reply run in that task, see replyPromise.ts). Default: the dispatcher
   * running now; null, or no current dispatcher, handles them straight from
   * the event loop (and two-way calls return plain promises).
   */
  dispatcher?: Dispatcher | null;
}

export function createChannelClient<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: ZxChannel,
  opts: ChannelBindingOptions = {},
): C {
  return new ChannelClient(proto, channel, dispatcherOrNull(opts)).api as C;
}

export function dispatcherOrNull(opts: ChannelBindingOptions): Dispatcher | null {
  return opts.dispatcher === undefined ? Dispatcher.current() : opts.dispatcher;
}

class ChannelClient extends ClientCore {
  readonly reader: ZxReader;

  constructor(
    proto: AnyProtocol,
    readonly channel: ZxChannel,
    dispatcher: Dispatcher | null,
  ) {
    super(proto, dispatcher !== null);
    this.reader = new ZxReader(channel, dispatcher, {
      onMessage: (msg) => this.#onMessage(msg),
      onClosed: (status) => this.onTransportClosed(status),
    });
  }

  protected planOf(m: MethodInfo): MethodInfo {
    return m;
  }

  /** The arena is not used: bytes are the message, and they are copied anyway. */
  protected send(
    m: MethodInfo,
    _plan: MethodInfo,
    request: unknown,
    _arena: Arena | undefined,
    txid: number,
  ): void {
    const { bytes, handles } = this.proto.codec.encodeMessage(
      { txid, ordinal: m.ordinal, flexible: !m.strict },
      m.request,
      m.request === null ? undefined : request,
    );
    this.channel.write(bytes, handles);
    this.stats.messages++;
    this.stats.bytesCopied += bytes.length;
    this.stats.copies++;
  }

  protected stopTransport(): void {
    this.reader.stop();
  }

  #onMessage(msg: ZxMessage): void {
    try {
      this.stats.messages++;
      this.stats.bytesCopied += msg.bytes.length;
      this.stats.copies++;
      const header = decodeHeader(msg.bytes);
      if (header.ordinal === EPITAPH_ORDINAL) {
        this.epitaph = this.proto.codec.decodeMessage(msg.bytes, msg.handles, null).epitaph ?? null;
        return;
      }
      if (header.txid !== 0) {
        const call = this.takeReply(header.txid, header.ordinal);
        if (call === undefined) return;
        let body: unknown;
        try {
          body = this.proto.codec.decodeMessage(msg.bytes, msg.handles, call.method.response).body;
        } catch (err) {
          // The reply does not decode: this call fails with the decode error, and the
          // channel closes with it, since the peer no longer speaks the protocol.
          call.fail(err, true);
          throw err;
        }
        this.settle(call, body);
        return;
      }
      const e = this.eventOf(header.ordinal, header.flexible);
      if (e === null) {
        for (const h of msg.handles) if (!h.closed) h.close();
        return;
      }
      const body = this.proto.codec.decodeMessage(msg.bytes, msg.handles, e.method.request).body;
      e.source.emit(e.method.request === null ? undefined : body);
    } catch (err) {
      this.protocolError(err);
    }
  }
}
