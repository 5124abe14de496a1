/**
 * The Driver-transport server binding: reads requests on the server's
 * dispatcher and calls the handler with the request object exactly as the
 * client sent it (same object, same arena), a completer, and the arena.
 *
 * Per request the binding allocates nothing but the completer of a two-way
 * call (and the reply frame): one-way requests share one completer, and the
 * binding itself hears how each handler ended.
 */
import { Arena, type Channel, type Dispatcher, type Message } from '@fdf/runtime';
import { Status, StatusError, statusName } from '@fdf/zx';
import { isArena } from '../isArena.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { errorValue, responseValue, unknownMethodValue } from '../results.js';
import { runHandler, type HandlerHost, type Handlers } from '../serverHandlers.js';
import type { OneWayCompleter, ServerBinding, TransportStats } from '../types.js';
import { newStats } from '../types.js';
import { dispatcherFor } from './driverClient.js';
import {
  DriverFrame,
  EPITAPH_ORDINAL,
  frameBytes,
  frameOf,
  isDriverFrame,
  isFrameBytes,
} from './frame.js';
import { DriverProtocol, type DriverMethod } from './plan.js';
import { ChannelReader, type ReaderCallbacks } from './reader.js';

export interface DriverServerOptions {
  /** Where requests are handled. Default: the dispatcher running now. */
  dispatcher?: Dispatcher;
}

/** Serves `proto` with `impl` on `channel` (the server end) until either side closes. */
export function bindDriverServer<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: Channel,
  impl: S,
  opts: DriverServerOptions = {},
): ServerBinding<E> {
  const d = dispatcherFor(opts.dispatcher, `a ${proto.name} server`);
  return new DriverServer(proto, channel, impl as Handlers, d).binding as ServerBinding<E>;
}

const OK: Status = Status.OK;

class DriverServer implements ReaderCallbacks, HandlerHost<DriverCompleter> {
  readonly stats: TransportStats = newStats();
  readonly binding: ServerBinding<Record<string, unknown>>;
  readonly reader: ChannelReader;
  readonly plan: DriverProtocol;
  /** What every one-way handler gets: the completer holds no per-request state. */
  readonly oneWayCompleter: OneWayCompleter;
  unbindStatus: Status | null = null;
  #resolveUnbound!: (s: Status) => void;

  constructor(
    readonly proto: AnyProtocol,
    readonly channel: Channel,
    readonly impl: Handlers,
    dispatcher: Dispatcher,
  ) {
    this.plan = DriverProtocol.of(proto);
    this.oneWayCompleter = { closeWithEpitaph: (s: Status) => this.closeWithEpitaph(s) };
    const unbound = new Promise<Status>((resolve) => (this.#resolveUnbound = resolve));
    const isBound = (): boolean => this.unbindStatus === null;
    const events: Record<string, (...args: unknown[]) => void> = {};
    for (const info of proto.methods) {
      if (info.kind !== 'event') continue;
      const m = this.plan.method(info);
      events[info.name] =
        info.request === null
          ? (arena?: unknown) => this.sendEvent(m, null, arena)
          : (payload?: unknown, arena?: unknown) => this.sendEvent(m, payload, arena);
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
    this.reader = new ChannelReader(channel, dispatcher, this);
  }

  sendEvent(m: DriverMethod, payload: unknown, arena: unknown): void {
    this.#checkBound(m.info.fidlName);
    const own = !isArena(arena);
    const a = own ? Arena.create(m.tag) : (arena as Arena);
    try {
      const value = m.request === null ? null : m.request.toArena(payload, a, this.stats);
      this.channel.write(a, new DriverFrame(0, m.ordinal, m.flexible, value, OK, m));
      this.stats.messages++;
    } finally {
      if (own) a.release();
    }
  }

  #checkBound(what: string): void {
    if (this.unbindStatus !== null) {
      throw new StatusError(
        this.unbindStatus === Status.OK ? Status.ERR_BAD_STATE : this.unbindStatus,
        `${this.proto.name}.${what}: the server binding is gone (${statusName(this.unbindStatus)})`,
      );
    }
  }

  /** ReaderCallbacks: one request. */
  onMessage(msg: Message): void {
    const data = msg.data;
    let frame: DriverFrame;
    let asBytes = false;
    if (isDriverFrame(data)) {
      frame = data;
    } else if (isFrameBytes(data)) {
      frame = frameOf(data);
      asBytes = true;
    } else {
      this.#notAFrame(msg);
      return;
    }
    this.stats.messages++;
    const arena = msg.arena ?? Arena.create(this.proto.name);
    // The sender's method when it was compiled for this very descriptor; else by ordinal.
    const sent = frame.method;
    const m =
      sent !== null && sent.protocol === this.plan ? sent : this.plan.byOrdinal(frame.ordinal);
    if (m === undefined || m.info.kind === 'event') {
      this.#onUnknown(frame, asBytes, arena);
      return;
    }
    if (m.twoWay !== (frame.txid !== 0)) {
      // A two-way request without a txid (or a one-way with one) cannot be answered correctly.
      arena.release();
      this.closeWithEpitaph(Status.ERR_INVALID_ARGS);
      return;
    }
    if (m.twoWay) {
      const reply = new DriverCompleter(this, m, frame.txid, asBytes, arena);
      runHandler(this, this.impl, m.info, frame.payload, reply, reply, arena);
    } else {
      runHandler(this, this.impl, m.info, frame.payload, null, this.oneWayCompleter, arena);
    }
  }

  /** ReaderCallbacks: the channel is gone. */
  onClosed(status: Status): void {
    this.unbind(status);
  }

  /** HandlerHost: a one-way request's arena lives until its handler is done; a two-way one's until the reply. */
  handlerDone(reply: DriverCompleter | null, arena: Arena): void {
    if (reply === null) arena.release();
    else reply.releaseIfAbandoned();
  }

  /** Data no bindings wrote (frameOf would refuse it): close with ZX_ERR_INVALID_ARGS. */
  #notAFrame(msg: Message): void {
    msg.arena?.release();
    this.closeWithEpitaph(Status.ERR_INVALID_ARGS);
  }

  #onUnknown(frame: DriverFrame, asBytes: boolean, arena: Arena): void {
    const twoWay = frame.txid !== 0;
    const open = this.proto.openness === 'open' || (this.proto.openness === 'ajar' && !twoWay);
    if (!frame.flexible || !open) {
      arena.release();
      this.closeWithEpitaph(Status.ERR_NOT_SUPPORTED);
      return;
    }
    try {
      this.impl.handleUnknownMethod?.({
        ordinal: frame.ordinal,
        kind: twoWay ? 'two-way' : 'one-way',
      });
    } catch {
      // The reply below still tells the client; the handler's failure is its own.
    }
    if (twoWay)
      this.writeReply(frame.txid, frame.ordinal, true, unknownMethodValue(), asBytes, arena, null);
    arena.release();
  }

  /** Writes a reply frame in `arena` (in the form the request came in); false when the client is gone. */
  writeReply(
    txid: number,
    ordinal: bigint,
    flexible: boolean,
    payload: unknown,
    asBytes: boolean,
    arena: Arena,
    method: DriverMethod | null,
  ): boolean {
    if (this.unbindStatus !== null) return false;
    const frame = new DriverFrame(txid, ordinal, flexible, payload, OK, method);
    try {
      this.channel.write(arena, asBytes ? frameBytes(arena, frame) : frame);
      this.stats.messages++;
      return true;
    } catch (err) {
      // The client closed its end: the reply has nobody to go to, which is not the server's fault.
      if (StatusError.is(err, Status.ERR_PEER_CLOSED)) return false;
      throw err;
    }
  }

  closeWithEpitaph(status: Status): void {
    if (this.unbindStatus !== null) return;
    const arena = Arena.create(`${this.proto.name} epitaph`);
    try {
      this.channel.write(arena, new DriverFrame(0, EPITAPH_ORDINAL, false, null, status));
    } catch {
      // Peer already gone: nobody to tell.
    } finally {
      arena.release();
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

/** Completes one two-way request; holds the request's arena until then. */
class DriverCompleter {
  #pending = true;

  constructor(
    private readonly server: DriverServer,
    private readonly m: DriverMethod,
    private readonly txid: number,
    private readonly asBytes: boolean,
    private readonly arena: Arena,
  ) {}

  get pending(): boolean {
    return this.#pending && this.server.unbindStatus === null;
  }

  reply(response?: unknown): void {
    this.#checkPending();
    this.#send(responseValue(this.m.info, response));
  }

  replyError(error: unknown): void {
    this.#checkPending();
    this.#send(errorValue(this.m.info, error));
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

  #checkPending(): void {
    if (!this.#pending) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${this.server.proto.name}.${this.m.info.fidlName}: this call was already replied to; each completer replies once`,
      );
    }
  }

  #send(value: unknown): void {
    const m = this.m;
    const server = this.server;
    // Checked before anything is sent: a bad reply is the server's bug, reported to it.
    const payload =
      m.response === null ? null : m.response.toArena(value, this.arena, server.stats);
    this.#pending = false;
    try {
      server.writeReply(this.txid, m.ordinal, m.flexible, payload, this.asBytes, this.arena, m);
    } finally {
      this.arena.release();
    }
  }
}
