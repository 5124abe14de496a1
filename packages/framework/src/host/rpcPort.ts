/**
 * Typed requests, replies and one-way events over a MessagePort: the carrier
 * of the host control protocol (hostProtocol.ts) in both directions.
 *
 * Envelopes are plain objects: `{ rpc: 'req', id, kind, body }`, answered by
 * `{ rpc: 'ok', id, body }` or `{ rpc: 'err', id, status, message }`, and
 * `{ rpc: 'evt', kind, body }` without an answer. A handler's StatusError
 * travels as its status and message and is rebuilt on the other side. Every
 * pending request fails with ZX_ERR_PEER_CLOSED when the port fails (the
 * other thread died), so a caller never waits for an answer that cannot come.
 * Malformed envelopes are dropped and reported, never thrown: a host must not
 * crash on bad input from outside.
 */
import type { TransferListItem } from 'node:worker_threads';
import { Status, StatusError, statusName } from '@fdf/zx';

/** The subset of MessagePort this needs (a MessagePort, or a test double). */
export interface PortLike {
  postMessage(value: unknown, transferList?: readonly TransferListItem[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
  close(): void;
}

/** `kind -> { req, res }` for requests one side answers. */
export type CallMap = Record<string, { req: unknown; res: unknown }>;
/** `kind -> body` for one-way events. */
export type EventMap = Record<string, unknown>;

type Envelope =
  | { readonly rpc: 'req'; readonly id: number; readonly kind: string; readonly body: unknown }
  | { readonly rpc: 'ok'; readonly id: number; readonly body: unknown }
  | { readonly rpc: 'err'; readonly id: number; readonly status: number; readonly message: string }
  | { readonly rpc: 'evt'; readonly kind: string; readonly body: unknown };

interface Pending {
  readonly kind: string;
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: StatusError) => void;
}

type CallHandler = (body: unknown) => unknown;
type EventHandler = (body: unknown) => void;

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v['rpc']) {
    case 'req':
      return typeof v['id'] === 'number' && typeof v['kind'] === 'string';
    case 'ok':
      return typeof v['id'] === 'number';
    case 'err':
      return (
        typeof v['id'] === 'number' &&
        typeof v['status'] === 'number' &&
        typeof v['message'] === 'string'
      );
    case 'evt':
      return typeof v['kind'] === 'string';
    default:
      return false;
  }
}

/** The message of a StatusError without its `ZX_ERR_...: ` prefix, which the receiver adds back. */
export function bareMessage(err: unknown): { status: Status; message: string } {
  if (err instanceof StatusError) {
    const prefix = `${statusName(err.status)}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return { status: err.status, message };
  }
  return {
    status: Status.ERR_INTERNAL,
    message: err instanceof Error ? err.message : String(err),
  };
}

export class RpcPort<
  OutCalls extends CallMap,
  OutEvents extends EventMap,
  InCalls extends CallMap,
  InEvents extends EventMap,
> {
  readonly #port: PortLike;
  readonly #peer: string;
  readonly #pending = new Map<number, Pending>();
  readonly #calls = new Map<string, CallHandler>();
  readonly #events = new Map<string, EventHandler>();
  readonly #onMessage = (value: unknown): void => this.#receive(value);
  readonly #onProblem: (problem: string) => void;
  #nextId = 1;
  #failure: StatusError | null = null;

  /** `peer` names the other side in errors; `onProblem` hears about malformed input. */
  constructor(port: PortLike, peer: string, onProblem: (problem: string) => void = () => {}) {
    this.#port = port;
    this.#peer = peer;
    this.#onProblem = onProblem;
    port.on('message', this.#onMessage);
  }

  get failed(): boolean {
    return this.#failure !== null;
  }

  handle<K extends keyof InCalls & string>(
    kind: K,
    handler: (body: InCalls[K]['req']) => InCalls[K]['res'] | Promise<InCalls[K]['res']>,
  ): void {
    this.#calls.set(kind, handler as CallHandler);
  }

  on<K extends keyof InEvents & string>(kind: K, handler: (body: InEvents[K]) => void): void {
    this.#events.set(kind, handler as EventHandler);
  }

  request<K extends keyof OutCalls & string>(
    kind: K,
    body: OutCalls[K]['req'],
    transfer: readonly TransferListItem[] = [],
  ): Promise<OutCalls[K]['res']> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<OutCalls[K]['res']>((resolve, reject) => {
      this.#pending.set(id, { kind, resolve: resolve as (b: unknown) => void, reject });
      this.#port.postMessage({ rpc: 'req', id, kind, body } satisfies Envelope, transfer);
    });
  }

  notify<K extends keyof OutEvents & string>(
    kind: K,
    body: OutEvents[K],
    transfer: readonly TransferListItem[] = [],
  ): void {
    if (this.#failure !== null) return;
    this.#port.postMessage({ rpc: 'evt', kind, body } satisfies Envelope, transfer);
  }

  /** Fails every pending and later request with ZX_ERR_PEER_CLOSED and stops listening. */
  fail(why: string): void {
    if (this.#failure !== null) return;
    this.#failure = new StatusError(Status.ERR_PEER_CLOSED, `${this.#peer} is gone (${why})`);
    this.#port.off('message', this.#onMessage);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      p.reject(
        new StatusError(
          Status.ERR_PEER_CLOSED,
          `${this.#peer} is gone (${why}) before answering '${p.kind}'`,
        ),
      );
    }
  }

  /** fail() and close the port. */
  close(why = 'closed'): void {
    this.fail(why);
    this.#port.close();
  }

  #receive(value: unknown): void {
    if (!isEnvelope(value)) {
      this.#onProblem(`dropped a message from ${this.#peer} that is not a control envelope`);
      return;
    }
    switch (value.rpc) {
      case 'req':
        void this.#answer(value.id, value.kind, value.body);
        return;
      case 'evt': {
        const handler = this.#events.get(value.kind);
        if (handler === undefined) {
          this.#onProblem(`dropped event '${value.kind}' from ${this.#peer}: nothing handles it`);
          return;
        }
        try {
          handler(value.body);
        } catch (err) {
          this.#onProblem(
            `event '${value.kind}' from ${this.#peer} failed: ${bareMessage(err).message}`,
          );
        }
        return;
      }
      case 'ok':
      case 'err': {
        const pending = this.#pending.get(value.id);
        if (pending === undefined) {
          this.#onProblem(`dropped a reply from ${this.#peer} to unknown request ${value.id}`);
          return;
        }
        this.#pending.delete(value.id);
        if (value.rpc === 'ok') pending.resolve(value.body);
        else pending.reject(new StatusError(value.status as Status, value.message));
        return;
      }
    }
  }

  async #answer(id: number, kind: string, body: unknown): Promise<void> {
    const handler = this.#calls.get(kind);
    let reply: Envelope;
    if (handler === undefined) {
      reply = {
        rpc: 'err',
        id,
        status: Status.ERR_NOT_SUPPORTED,
        message: `${this.#peer} asked for '${kind}', which this side does not handle`,
      };
    } else {
      try {
        const result = await handler(body);
        reply = { rpc: 'ok', id, body: result ?? null };
      } catch (err) {
        reply = { rpc: 'err', id, ...bareMessage(err) };
      }
    }
    if (this.#failure === null) this.#port.postMessage(reply);
  }
}
