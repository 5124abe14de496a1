/**
 * The Driver-transport server binding: reads requests on the server's
 * dispatcher and calls the handler with the request object exactly as the
 * client sent it (same object, same arena), a completer, and the arena.
 */
import { Arena, type Channel, type Dispatcher, type Message } from '@fdf/runtime';
import { Status, StatusError, statusName } from '@fdf/zx';
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { errorValue, responseValue, unknownMethodValue } from '../results.js';
import { runHandler, type Handlers } from '../serverHandlers.js';
import { newStats, type ServerBinding, type TransportStats } from '../types.js';
import { dispatcherFor } from './driverClient.js';
import { DriverFrame, EPITAPH_ORDINAL, FrameBytes, frameBytes, frameOf } from './frame.js';
import { toArena } from './payload.js';
import { ChannelReader } from './reader.js';

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

class DriverServer {
  readonly stats: TransportStats = newStats();
  readonly binding: ServerBinding<Record<string, unknown>>;
  readonly reader: ChannelReader;
  unbindStatus: Status | null = null;
  #resolveUnbound!: (s: Status) => void;

  constructor(
    readonly proto: AnyProtocol,
    readonly channel: Channel,
    readonly impl: Handlers,
    dispatcher: Dispatcher,
  ) {
    const unbound = new Promise<Status>((resolve) => (this.#resolveUnbound = resolve));
    const isBound = (): boolean => this.unbindStatus === null;
    const events: Record<string, (...args: unknown[]) => void> = {};
    for (const m of proto.methods) {
      if (m.kind !== 'event') continue;
      events[m.name] = (...args: unknown[]) =>
        m.request === null ? this.sendEvent(m, null, args[0]) : this.sendEvent(m, args[0], args[1]);
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
    this.reader = new ChannelReader(channel, dispatcher, {
      onMessage: (msg) => this.#onMessage(msg),
      onClosed: (status) => this.unbind(status),
    });
  }

  sendEvent(m: MethodInfo, payload: unknown, arena: unknown): void {
    this.#checkBound(m.fidlName);
    const own = !(arena instanceof Arena);
    const a = own ? Arena.create(`${this.proto.name}.${m.fidlName}`) : (arena as Arena);
    try {
      const value = toArena(this.proto, m.request, payload, a, this.stats);
      this.channel.write(a, new DriverFrame(0, m.ordinal, !m.strict, value));
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

  #onMessage(msg: Message): void {
    let frame: DriverFrame;
    try {
      frame = frameOf(msg.data);
    } catch (err) {
      msg.arena?.release();
      this.closeWithEpitaph(StatusError.is(err) ? err.status : Status.ERR_INVALID_ARGS);
      return;
    }
    this.stats.messages++;
    const arena = msg.arena ?? Arena.create(this.proto.name);
    const m = this.proto.byOrdinal.get(frame.ordinal);
    if (m === undefined || m.kind === 'event') {
      this.#onUnknown(frame, msg.data instanceof FrameBytes, arena);
      return;
    }
    if ((m.kind === 'two-way') !== (frame.txid !== 0)) {
      // A two-way request without a txid (or a one-way with one) cannot be answered correctly.
      arena.release();
      this.closeWithEpitaph(Status.ERR_INVALID_ARGS);
      return;
    }
    const reply =
      m.kind === 'two-way'
        ? new DriverCompleter(this, m, frame.txid, msg.data instanceof FrameBytes, arena)
        : null;
    runHandler(
      this.impl,
      m,
      frame.payload,
      reply ?? { closeWithEpitaph: (s: Status) => this.closeWithEpitaph(s) },
      arena,
      {
        fail: (status) => this.closeWithEpitaph(status),
        done: () => {
          // A one-way request's arena lives until its handler is done; a two-way one's until the reply.
          if (reply === null) arena.release();
          else reply.releaseIfAbandoned();
        },
      },
    );
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
      this.writeReply(frame.txid, frame.ordinal, true, unknownMethodValue(), asBytes, arena);
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
  ): boolean {
    if (this.unbindStatus !== null) return false;
    const frame = new DriverFrame(txid, ordinal, flexible, payload);
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
    private readonly m: MethodInfo,
    private readonly txid: number,
    private readonly asBytes: boolean,
    private readonly arena: Arena,
  ) {}

  get pending(): boolean {
    return this.#pending && this.server.unbindStatus === null;
  }

  reply(response?: unknown): void {
    this.#complete(() => responseValue(this.m, response));
  }

  replyError(error: unknown): void {
    this.#complete(() => errorValue(this.m, error));
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

  #complete(value: () => unknown): void {
    if (!this.#pending) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${this.server.proto.name}.${this.m.fidlName}: this call was already replied to; each completer replies once`,
      );
    }
    // Checked before anything is sent: a bad reply is the server's bug, reported to it.
    const payload = toArena(
      this.server.proto,
      this.m.response,
      value(),
      this.arena,
      this.server.stats,
    );
    this.#pending = false;
    try {
      this.server.writeReply(
        this.txid,
        this.m.ordinal,
        !this.m.strict,
        payload,
        this.asBytes,
        this.arena,
      );
    } finally {
      this.arena.release();
    }
  }
}
