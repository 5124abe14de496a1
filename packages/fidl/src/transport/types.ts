/**
 * The transport-neutral shapes of generated clients and servers. A driver
 * written against these types runs unchanged over the Driver transport (same
 * host) and the Channel transport (its own host).
 */
import type { Arena } from '@fdf/runtime';
import type { Status } from '@fdf/zx';
import type { Observable } from 'rxjs';

/** The outcome of a method with `error` syntax: the result union without its transport variant. */
export type Result<R, E> = { $tag: 'response'; response: R } | { $tag: 'err'; err: E };

/** Per-binding counters, for tests and the benchmark. */
export interface TransportStats {
  /** Messages this end wrote and read. */
  messages: number;
  /**
   * Payload bytes the binding copied. Driver: byte buffers that were not in
   * the message's arena, copied into it (or out of a reply arena the caller
   * does not hold). Channel: bytes encoded plus bytes decoded.
   */
  bytesCopied: number;
  /** How many separate copies made up `bytesCopied`. */
  copies: number;
}

/** Replies to one two-way call, exactly once. */
export interface Completer<R> {
  reply(response: R): void;
  /** Sends an epitaph (the reason) and closes the channel; pending calls of the client fail with it. */
  closeWithEpitaph(status: Status): void;
  /** True until the call was replied to or the channel closed. */
  readonly pending: boolean;
}

/** Replies to a method with `error` syntax: a response or an application error. */
export interface ErrorCompleter<R, E> extends Completer<R> {
  replyError(error: E): void;
}

/** What a one-way handler can do besides returning. */
export interface OneWayCompleter {
  closeWithEpitaph(status: Status): void;
}

/** A flexible method the server does not know, handed to `handleUnknownMethod`. */
export interface UnknownMethod {
  ordinal: bigint;
  kind: 'one-way' | 'two-way';
}

export type EventStreams<E> = { readonly [K in keyof E]: Observable<E[K]> };

/** What every client has besides its methods. */
export interface ClientBase<E> {
  /** One RxJS Observable per event: hot, completed when the channel closes (the reason is in `closed`). */
  readonly events: EventStreams<E>;
  readonly stats: Readonly<TransportStats>;
  /**
   * Resolves once, with why the channel closed: the server's epitaph,
   * ZX_ERR_PEER_CLOSED without one, or ZX_ERR_CANCELED after `close()`.
   */
  readonly closed: Promise<Status>;
  readonly isClosed: boolean;
  /** Closes this end; pending calls fail with ZX_ERR_CANCELED. */
  close(): void;
}

/** What every sync client has besides its methods. */
export interface SyncClientBase {
  readonly stats: Readonly<TransportStats>;
  close(): void;
}

/** A bound server: send events, close with an epitaph, read the counters. */
export interface ServerBinding<E> {
  /** `binding.events.onReady(payload)`; the Driver transport sends it in `arena` (a new one when omitted). */
  readonly events: {
    readonly [K in keyof E]: E[K] extends void
      ? (arena?: Arena) => void
      : (payload: E[K], arena?: Arena) => void;
  };
  readonly stats: Readonly<TransportStats>;
  /** Resolves once the binding is gone, with why (peer closed, epitaph sent, a bad message). */
  readonly unbound: Promise<Status>;
  readonly isBound: boolean;
  /** Sends the epitaph (default ZX_OK) and closes the channel. */
  close(epitaph?: Status): void;
}

export function newStats(): TransportStats {
  return { messages: 0, bytesCopied: 0, copies: 0 };
}
