/**
 * The asynchronous Driver-transport client: requests go to the server by
 * reference with their arena, replies resolve promises, events feed streams.
 * Replies and events are read on the client's dispatcher, so they obey the
 * runtime's threading rules like any other callback of the driver.
 */
import { Arena, Dispatcher, type Channel, type Message } from '@fdf/runtime';
import { Status, StatusError, statusName } from '@fdf/zx';
import { EventSource } from '../events.js';
import type { MethodInfo } from '../methodInfo.js';
import { PendingCalls } from '../pendingCalls.js';
import type { ProtocolDescriptor } from '../protocol.js';
import { callResult } from '../results.js';
import { newStats, type TransportStats } from '../types.js';
import { DriverFrame, frameOf } from './frame.js';
import { outOfArena, toArena } from './payload.js';
import { ChannelReader } from './reader.js';

export interface DriverClientOptions {
  /** Where replies and events are handled. Default: the dispatcher running now. */
  dispatcher?: Dispatcher;
}

/** A Driver-transport client for `proto` on `channel` (the client end). */
export function createDriverClient<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: Channel,
  opts: DriverClientOptions = {},
): C {
  return new DriverClient(proto, channel, dispatcherFor(opts.dispatcher, `a ${proto.name} client`)).api as C;
}

export function dispatcherFor(d: Dispatcher | undefined, what: string): Dispatcher {
  const dispatcher = d ?? Dispatcher.current();
  if (dispatcher === null) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `${what} needs a dispatcher for its messages: create it inside a driver callback, or pass { dispatcher }`,
    );
  }
  return dispatcher;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDescriptor = ProtocolDescriptor<any, any, any, any>;

class DriverClient {
  readonly stats: TransportStats = newStats();
  readonly pending = new PendingCalls();
  readonly events: Record<string, EventSource<unknown>> = {};
  readonly api: Record<string, unknown>;
  readonly reader: ChannelReader;
  closeStatus: Status | null = null;
  epitaph: Status | null = null;
  readonly closed: Promise<Status>;
  #resolveClosed!: (s: Status) => void;

  constructor(
    readonly proto: AnyDescriptor,
    readonly channel: Channel,
    dispatcher: Dispatcher,
  ) {
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    for (const m of proto.methods) if (m.kind === 'event') this.events[m.name] = new EventSource<unknown>();
    this.api = this.#buildApi();
    this.reader = new ChannelReader(channel, dispatcher, {
      onMessage: (msg) => this.#onMessage(msg),
      onClosed: (status) => this.teardown(this.epitaph ?? status),
    });
  }

  #buildApi(): Record<string, unknown> {
    const self = this;
    const events: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(this.events)) events[name] = source.observable;
    const api: Record<string, unknown> = {
      events,
      stats: this.stats,
      closed: this.closed,
      get isClosed(): boolean {
        return self.closeStatus !== null;
      },
      close: () => this.teardown(Status.ERR_CANCELED),
    };
    for (const m of this.proto.methods) {
      if (m.kind === 'event') continue;
      const takesRequest = m.request !== null;
      api[m.name] =
        m.kind === 'one-way'
          ? (...args: unknown[]) => this.oneWay(m, takesRequest ? args[0] : null, arenaArg(args[takesRequest ? 1 : 0]))
          : (...args: unknown[]) => this.twoWay(m, takesRequest ? args[0] : null, arenaArg(args[takesRequest ? 1 : 0]));
    }
    return api;
  }

  #closedError(what: string): StatusError {
    const status = this.closeStatus === null || this.closeStatus === Status.OK ? Status.ERR_PEER_CLOSED : this.closeStatus;
    return new StatusError(
      status,
      `${this.proto.name}.${what}: the client is closed (${statusName(status)}); create a new client on a new channel`,
    );
  }

  /** Sends a request; returns the arena it went in (the caller's or a new one) after the write. */
  #send(m: MethodInfo, request: unknown, arena: Arena | undefined, txid: number): void {
    const a = arena ?? Arena.create(`${this.proto.name}.${m.fidlName}`);
    try {
      const payload = toArena(this.proto, m.request, request, a, this.stats);
      this.channel.write(a, new DriverFrame(txid, m.ordinal, !m.strict, payload));
      this.stats.messages++;
    } finally {
      if (arena === undefined) a.release();
    }
  }

  oneWay(m: MethodInfo, request: unknown, arena: Arena | undefined): void {
    if (this.closeStatus !== null) throw this.#closedError(m.fidlName);
    this.#send(m, request, arena, 0);
  }

  twoWay(m: MethodInfo, request: unknown, arena: Arena | undefined): Promise<unknown> {
    if (this.closeStatus !== null) return Promise.reject(this.#closedError(m.fidlName));
    return new Promise((resolve, reject) => {
      const txid = this.pending.add({ method: m, resolve, reject, callerArena: arena ?? null });
      try {
        this.#send(m, request, arena, txid);
      } catch (err) {
        this.pending.take(txid);
        reject(err);
      }
    });
  }

  #onMessage(msg: Message): void {
    let frame: DriverFrame;
    try {
      frame = frameOf(msg.data);
    } catch (err) {
      msg.arena?.release();
      this.protocolError(err);
      return;
    }
    this.stats.messages++;
    if (frame.isEpitaph) {
      this.epitaph = frame.epitaph;
      msg.arena?.release();
      return;
    }
    if (frame.txid !== 0) this.#onReply(frame, msg);
    else this.#onEvent(frame, msg);
  }

  #onReply(frame: DriverFrame, msg: Message): void {
    const call = this.pending.take(frame.txid);
    if (call === undefined || call.method.ordinal !== frame.ordinal) {
      msg.arena?.release();
      this.protocolError(
        new StatusError(
          Status.ERR_INVALID_ARGS,
          `${this.proto.name}: a reply with txid ${frame.txid} and ordinal 0x${frame.ordinal.toString(16)} matches no pending call; the server is broken`,
        ),
      );
      return;
    }
    try {
      const keep = call.callerArena instanceof Arena ? call.callerArena : null;
      const payload = outOfArena(this.proto, call.method.response, frame.payload, msg.arena, keep, this.stats);
      call.resolve(callResult(call.method, this.proto.name, payload));
    } catch (err) {
      call.reject(err);
    } finally {
      msg.arena?.release();
    }
  }

  #onEvent(frame: DriverFrame, msg: Message): void {
    const m = this.proto.byOrdinal.get(frame.ordinal);
    try {
      if (m === undefined || m.kind !== 'event') {
        // A newer server may send flexible events this client does not know.
        if (frame.flexible) return;
        this.protocolError(
          new StatusError(
            Status.ERR_NOT_SUPPORTED,
            `${this.proto.name}: unknown strict event with ordinal 0x${frame.ordinal.toString(16)}; update the bindings`,
          ),
        );
        return;
      }
      const payload = outOfArena(this.proto, m.request, frame.payload, msg.arena, null, this.stats);
      this.events[m.name]?.emit(m.request === null ? undefined : payload);
    } finally {
      msg.arena?.release();
    }
  }

  /** A message this client cannot accept: close the channel, fail every call with the reason. */
  protocolError(err: unknown): void {
    this.teardown(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, err);
  }

  /**
   * Ends the client once: closes the channel, fails pending calls, completes
   * the event streams, resolves `closed` with `status`. An orderly ZX_OK
   * epitaph still fails pending calls, with ZX_ERR_PEER_CLOSED.
   */
  teardown(status: Status, cause?: unknown): void {
    if (this.closeStatus !== null) return;
    this.closeStatus = status;
    this.reader.stop();
    const failWith = status === Status.OK ? Status.ERR_PEER_CLOSED : status;
    const reason =
      cause instanceof StatusError
        ? cause
        : new StatusError(
            failWith,
            failWith === Status.ERR_CANCELED
              ? `${this.proto.name}: the client was closed before the reply came`
              : `${this.proto.name}: the channel closed (${statusName(status)}) before the reply came`,
          );
    this.pending.failAll(() => reason);
    for (const s of Object.values(this.events)) s.complete();
    this.#resolveClosed(status);
  }
}

function arenaArg(v: unknown): Arena | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Arena) return v;
  throw new StatusError(Status.ERR_INVALID_ARGS, 'the last argument of a client call must be an Arena (or omitted)');
}
