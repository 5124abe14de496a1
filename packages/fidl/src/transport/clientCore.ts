/**
 * What the Driver and Channel clients share: the client object handed to the
 * driver (methods from the protocol's method table, events, stats, closed,
 * close), pending two-way calls by txid, event streams, and the one way a
 * client ends. The transports only say how a request is sent and how a
 * message arrives.
 */
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, statusName } from '@fdf/zx';
import { EventSource } from './events.js';
import type { MethodInfo } from './methodInfo.js';
import { isArena } from './isArena.js';
import { PendingCall, PendingCalls } from './pendingCalls.js';
import type { AnyProtocol } from './protocol.js';
import { ReplyPromise } from './replyPromise.js';
import { callResult } from './results.js';
import { newStats, type TransportStats } from './types.js';

/** The two settle functions of the promise being built (see `twoWay`). */
let newResolve: ((value: unknown) => void) | null = null;
let newReject: ((err: unknown) => void) | null = null;

/** A promise executor that creates no closure: `twoWay` picks the functions up right after. */
function captureSettlers(resolve: (value: unknown) => void, reject: (err: unknown) => void): void {
  newResolve = resolve;
  newReject = reject;
}

/**
 * `P` is what a transport derives from a method once (the Driver transport's
 * compiled method); every call of the method hands it back to `send`.
 */
export abstract class ClientCore<P = MethodInfo> {
  readonly stats: TransportStats = newStats();
  readonly pending = new PendingCalls<P>();
  readonly events = new Map<bigint, { method: MethodInfo; source: EventSource<unknown> }>();
  readonly api: Record<string, unknown>;
  readonly closed: Promise<Status>;
  closeStatus: Status | null = null;
  /** The status of the epitaph the server sent, when it sent one. */
  epitaph: Status | null = null;
  #resolveClosed!: (s: Status) => void;

  /**
   * `thenOnDispatcher`: replies are handled on a dispatcher, so two-way calls
   * return a ReplyPromise, whose `then` callbacks run there when the reply is
   * handled; otherwise a plain promise.
   */
  constructor(
    readonly proto: AnyProtocol,
    readonly thenOnDispatcher: boolean,
  ) {
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    for (const m of proto.methods) {
      if (m.kind === 'event')
        this.events.set(m.ordinal, { method: m, source: new EventSource<unknown>() });
    }
    this.api = this.#buildApi();
  }

  /** What `send` gets for `m` on every call; derived once, when the client is built. */
  protected abstract planOf(m: MethodInfo): P;
  /** Writes one request; throws (nothing sent) when it cannot. */
  protected abstract send(
    m: MethodInfo,
    plan: P,
    request: unknown,
    arena: Arena | undefined,
    txid: number,
  ): void;
  /** Closes the transport's channel end and stops reading. */
  protected abstract stopTransport(): void;

  #buildApi(): Record<string, unknown> {
    const isClosed = (): boolean => this.closeStatus !== null;
    const events: Record<string, unknown> = {};
    for (const { method, source } of this.events.values()) events[method.name] = source.observable;
    const api: Record<string, unknown> = {
      events,
      stats: this.stats,
      closed: this.closed,
      get isClosed(): boolean {
        return isClosed();
      },
      // Not on the reader's path: pending calls' callbacks run in a microtask, not inside close().
      close: () => this.teardown(Status.ERR_CANCELED, undefined, false),
    };
    for (const m of this.proto.methods) {
      if (m.kind === 'event') continue;
      const plan = this.planOf(m);
      // Fixed arities (request when the method has one, then the arena): no rest array per call.
      if (m.kind === 'one-way') {
        api[m.name] =
          m.request === null
            ? (arena?: unknown) => this.oneWay(m, plan, null, arenaArg(arena))
            : (request?: unknown, arena?: unknown) =>
                this.oneWay(m, plan, request, arenaArg(arena));
      } else {
        api[m.name] =
          m.request === null
            ? (arena?: unknown) => this.twoWay(m, plan, null, arenaArg(arena))
            : (request?: unknown, arena?: unknown) =>
                this.twoWay(m, plan, request, arenaArg(arena));
      }
    }
    return api;
  }

  oneWay(m: MethodInfo, plan: P, request: unknown, arena: Arena | undefined): void {
    if (this.closeStatus !== null) throw this.closedError(m.fidlName);
    this.send(m, plan, request, arena, 0);
  }

  twoWay(m: MethodInfo, plan: P, request: unknown, arena: Arena | undefined): Promise<unknown> {
    if (this.closeStatus !== null) return Promise.reject(this.closedError(m.fidlName));
    const reply = this.thenOnDispatcher ? new ReplyPromise<unknown>(captureSettlers) : null;
    const promise = reply ?? new Promise(captureSettlers);
    const call = new PendingCall(
      m,
      plan,
      newResolve as (value: unknown) => void,
      newReject as (err: unknown) => void,
      arena ?? null,
      reply,
    );
    newResolve = null;
    newReject = null;
    // Registered before the write: a reply may be handled before `send` returns.
    const txid = this.pending.add(call);
    try {
      this.send(m, plan, request, arena, txid);
    } catch (err) {
      this.pending.take(txid);
      call.fail(err, false);
    }
    return promise;
  }

  closedError(what: string): StatusError {
    const s = this.closeStatus;
    const status = s === null || s === Status.OK ? Status.ERR_PEER_CLOSED : s;
    return new StatusError(
      status,
      `${this.proto.name}.${what}: the client is closed (${statusName(s ?? status)}); connect a new client`,
    );
  }

  /** The pending call a reply answers; a reply nobody asked for is a protocol error (returns undefined). */
  takeReply(txid: number, ordinal: bigint): PendingCall<P> | undefined {
    const call = this.pending.take(txid);
    if (call === undefined || call.method.ordinal !== ordinal) {
      if (call !== undefined)
        call.fail(new StatusError(Status.ERR_INVALID_ARGS, 'reply with the wrong ordinal'), true);
      this.protocolError(
        new StatusError(
          Status.ERR_INVALID_ARGS,
          `${this.proto.name}: a reply with txid ${txid} and ordinal 0x${ordinal.toString(16)} matches no pending call; the server is broken`,
        ),
      );
      return undefined;
    }
    return call;
  }

  /**
   * Settles `call` with what the caller sees (payload, Result, or a transport
   * error). Called while the reply is handled on the client's dispatcher: the
   * caller's `then` callbacks run inside (they never throw out of it).
   */
  settle(call: PendingCall<P>, payload: unknown): void {
    let result: unknown;
    try {
      result = callResult(call.method, this.proto.name, payload);
    } catch (err) {
      call.fail(err, true);
      return;
    }
    call.fulfil(result);
  }

  /** The event method of `ordinal`, or null (after dealing with it) when this client does not know it. */
  eventOf(
    ordinal: bigint,
    flexible: boolean,
  ): { method: MethodInfo; source: EventSource<unknown> } | null {
    const e = this.events.get(ordinal);
    if (e !== undefined) return e;
    // A newer server may send flexible events this client does not know: ignore them.
    if (!flexible) {
      this.protocolError(
        new StatusError(
          Status.ERR_NOT_SUPPORTED,
          `${this.proto.name}: unknown strict event with ordinal 0x${ordinal.toString(16)}; regenerate the bindings`,
        ),
      );
    }
    return null;
  }

  /** A message this client cannot accept: close the channel, fail every call with the reason. */
  protocolError(err: unknown): void {
    this.teardown(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, err);
  }

  /** The reader saw the channel close: the epitaph's status if one came, else the reader's. */
  onTransportClosed(status: Status): void {
    this.teardown(this.epitaph ?? status);
  }

  /**
   * Ends the client once: closes the channel, fails pending calls, completes
   * the event streams, resolves `closed` with `status`. An orderly ZX_OK
   * epitaph still fails pending calls, with ZX_ERR_PEER_CLOSED. `fromReader`:
   * called while a message or the close is handled on the client's
   * dispatcher (the pending calls' `then` callbacks run now), not by the
   * caller's `close()`.
   */
  teardown(status: Status, cause?: unknown, fromReader = true): void {
    if (this.closeStatus !== null) return;
    this.closeStatus = status;
    this.stopTransport();
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
    this.pending.failAll(() => reason, fromReader);
    for (const { source } of this.events.values()) source.complete();
    this.#resolveClosed(status);
  }
}

function arenaArg(v: unknown): Arena | undefined {
  if (v === undefined || v === null) return undefined;
  if (isArena(v)) return v;
  throw new StatusError(
    Status.ERR_INVALID_ARGS,
    'the last argument of a client call must be an Arena (or omitted)',
  );
}
