/**
 * The Channel-transport server binding: decodes and validates each request,
 * calls the same handler a Driver-transport server has (request, completer,
 * arena), encodes the reply. Bytes that do not decode close the channel with
 * an epitaph carrying the decode error's status; the host keeps running.
 */
import { Arena, type Dispatcher } from '@fdf/runtime';
import { Status, StatusError, statusName, type ZxChannel, type ZxMessage } from '@fdf/zx';
import { decodeHeader, EPITAPH_ORDINAL, type DecodedHeader } from '../../wire/index.js';
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { errorValue, responseValue } from '../results.js';
import { runHandler, type HandlerHost, type Handlers } from '../serverHandlers.js';
import {
  newStats,
  type OneWayCompleter,
  type ServerBinding,
  type TransportStats,
} from '../types.js';
import { dispatcherOrNull, type ChannelBindingOptions } from './channelClient.js';
import { unknownMethodReply } from './unknownMethodReply.js';
import { ZxReader } from './zxReader.js';

export function bindChannelServer<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: ZxChannel,
  impl: S,
  opts: ChannelBindingOptions = {},
): ServerBinding<E> {
  return new ChannelServer(proto, channel, impl as Handlers, dispatcherOrNull(opts))
    .binding as ServerBinding<E>;
}

class ChannelServer implements HandlerHost<ChannelCompleter> {
  readonly stats: TransportStats = newStats();
  readonly binding: ServerBinding<Record<string, unknown>>;
  readonly reader: ZxReader;
  /** What every one-way handler gets: the completer holds no per-request state. */
  readonly oneWayCompleter: OneWayCompleter;
  unbindStatus: Status | null = null;
  #resolveUnbound!: (s: Status) => void;

  constructor(
    readonly proto: AnyProtocol,
    readonly channel: ZxChannel,
    readonly impl: Handlers,
    dispatcher: Dispatcher | null,
  ) {
    this.oneWayCompleter = { closeWithEpitaph: (s: Status) => this.closeWithEpitaph(s) };
    const unbound = new Promise<Status>((resolve) => (this.#resolveUnbound = resolve));
    const isBound = (): boolean => this.unbindStatus === null;
    const events: Record<string, (...args: unknown[]) => void> = {};
    for (const m of proto.methods) {
      if (m.kind === 'event')
        events[m.name] = (...args) => this.sendEvent(m, m.request === null ? null : args[0]);
    }
    this.binding = {
      events: events as never,
      stats: this.stats,
      unbound,
      get isBound(): boolean {
        return isBound();
      },
      close: (epitaph: Status = Status.OK) => this.closeWithEpitaph(epitaph),
    };
    this.reader = new ZxReader(channel, dispatcher, {
      onMessage: (msg) => this.#onMessage(msg),
      onClosed: (status) => this.unbind(status),
    });
  }

  write(
    header: { txid: number; ordinal: bigint; flexible: boolean },
    type: MethodInfo['request'],
    value: unknown,
  ): void {
    const { bytes, handles } = this.proto.codec.encodeMessage(
      header,
      type,
      type === null ? undefined : value,
    );
    try {
      this.channel.write(bytes, handles);
    } catch (err) {
      // The client went away: nobody to tell, which is not the server's fault.
      if (StatusError.is(err, Status.ERR_PEER_CLOSED)) return;
      throw err;
    }
    this.stats.messages++;
    this.stats.bytesCopied += bytes.length;
    this.stats.copies++;
  }

  sendEvent(m: MethodInfo, payload: unknown): void {
    if (this.unbindStatus !== null) {
      throw new StatusError(
        this.unbindStatus === Status.OK ? Status.ERR_BAD_STATE : this.unbindStatus,
        `${this.proto.name}.${m.fidlName}: the server binding is gone (${statusName(this.unbindStatus)})`,
      );
    }
    this.write({ txid: 0, ordinal: m.ordinal, flexible: !m.strict }, m.request, payload);
  }

  #onMessage(msg: ZxMessage): void {
    this.stats.messages++;
    this.stats.bytesCopied += msg.bytes.length;
    this.stats.copies++;
    let header: DecodedHeader;
    try {
      header = decodeHeader(msg.bytes);
    } catch (err) {
      closeAll(msg);
      this.closeWithEpitaph(StatusError.is(err) ? err.status : Status.ERR_INVALID_ARGS);
      return;
    }
    const m = this.proto.byOrdinal.get(header.ordinal);
    if (m === undefined || m.kind === 'event' || header.ordinal === EPITAPH_ORDINAL) {
      closeAll(msg);
      this.#onUnknown(header);
      return;
    }
    if ((m.kind === 'two-way') !== (header.txid !== 0)) {
      closeAll(msg);
      this.closeWithEpitaph(Status.ERR_INVALID_ARGS);
      return;
    }
    let request: unknown;
    try {
      request = this.proto.codec.decodeMessage(msg.bytes, msg.handles, m.request).body;
    } catch (err) {
      // The codec closed the message's handles already.
      this.closeWithEpitaph(StatusError.is(err) ? err.status : Status.ERR_INVALID_ARGS);
      return;
    }
    // A fresh arena per request, so a handler can pass it down exactly as it
    // would over the Driver transport.
    const arena = Arena.create(`${this.proto.name}.${m.fidlName}`);
    if (m.kind === 'two-way') {
      const completer = new ChannelCompleter(this, m, header.txid, arena);
      runHandler(this, this.impl, m, request, completer, completer, arena);
    } else {
      runHandler(this, this.impl, m, request, null, this.oneWayCompleter, arena);
    }
  }

  /** HandlerHost: the request's arena lives until the handler is done (one-way) or the reply. */
  handlerDone(completer: ChannelCompleter | null, arena: Arena): void {
    if (completer === null) arena.release();
    else completer.releaseIfAbandoned();
  }

  #onUnknown(header: DecodedHeader): void {
    const twoWay = header.txid !== 0;
    const open = this.proto.openness === 'open' || (this.proto.openness === 'ajar' && !twoWay);
    if (!header.flexible || !open || header.ordinal === EPITAPH_ORDINAL) {
      this.closeWithEpitaph(Status.ERR_NOT_SUPPORTED);
      return;
    }
    try {
      this.impl.handleUnknownMethod?.({
        ordinal: header.ordinal,
        kind: twoWay ? 'two-way' : 'one-way',
      });
    } catch {
      // The reply below still tells the client; the handler's failure is its own.
    }
    if (twoWay) {
      const bytes = unknownMethodReply(header.txid, header.ordinal);
      try {
        this.channel.write(bytes);
        this.stats.messages++;
        this.stats.bytesCopied += bytes.length;
        this.stats.copies++;
      } catch {
        // Client gone.
      }
    }
  }

  closeWithEpitaph(status: Status): void {
    if (this.unbindStatus !== null) return;
    try {
      const { bytes } = this.proto.codec.encodeEpitaph(status);
      this.channel.write(bytes);
    } catch {
      // Peer already gone: nobody to tell.
    }
    this.unbind(status);
  }

  unbind(status: Status): void {
    if (this.unbindStatus !== null) return;
    this.unbindStatus = status;
    this.reader.stop();
    this.#resolveUnbound(status);
  }
}

function closeAll(msg: ZxMessage): void {
  for (const h of msg.handles) if (!h.closed) h.close();
}

class ChannelCompleter {
  #pending = true;

  constructor(
    private readonly server: ChannelServer,
    private readonly m: MethodInfo,
    private readonly txid: number,
    private readonly arena: Arena,
  ) {}

  get pending(): boolean {
    return this.#pending && this.server.unbindStatus === null;
  }

  reply(response?: unknown): void {
    this.#complete(responseValue(this.m, response));
  }

  replyError(error: unknown): void {
    this.#complete(errorValue(this.m, error));
  }

  closeWithEpitaph(status: Status): void {
    this.#finish();
    this.server.closeWithEpitaph(status);
  }

  /** After the handler returned: a completer the binding can no longer use gives its arena back. */
  releaseIfAbandoned(): void {
    if (this.#pending && this.server.unbindStatus !== null) this.#finish();
  }

  #finish(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.arena.release();
  }

  #complete(value: unknown): void {
    if (!this.#pending) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${this.server.proto.name}.${this.m.fidlName}: this call was already replied to; each completer replies once`,
      );
    }
    if (this.server.unbindStatus === null) {
      // Encoding checks the reply first; a bad reply throws to the handler and nothing is sent.
      this.server.write(
        { txid: this.txid, ordinal: this.m.ordinal, flexible: !this.m.strict },
        this.m.response,
        value,
      );
    }
    this.#finish();
  }
}
