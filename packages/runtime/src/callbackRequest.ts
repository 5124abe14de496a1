import { Status } from '@fdf/zx';
import type { Dispatcher } from './dispatcher.js';

/**
 * What a queued callback calls back into: a task, a channel end's read wait,
 * a token registration. The record below stays generic so that one pooled
 * type carries all queued work.
 */
export interface RequestTarget {
  /** Runs the user callback with the final status. The record is already back in the pool. */
  invoke(status: Status): void;
  /** The CANCELED callback a dispatcher gives at the end of its shutdown. */
  cancel(): void;
}

export const RequestKind = {
  task: 1,
  channelRead: 2,
  token: 3,
} as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];

/** Where a record sits; `cancelTask` and `cancelWait` act on this. */
export const Where = {
  free: 0,
  /** A channel wait that no message or close has handed over yet. */
  registered: 1,
  /** In its dispatcher's FIFO of ready work. */
  queued: 2,
  /** In the run loop's timer heap. */
  delayed: 3,
  /** Taken out of the other places by shutdownAsync, waiting for its CANCELED call. */
  shutdown: 4,
} as const;
export type Where = (typeof Where)[keyof typeof Where];

/**
 * The one record every piece of queued work travels in (the real runtime's
 * callback_request). Records are pooled: the hot path of a channel write
 * allocates the message and nothing else.
 */
export class CallbackRequest {
  kind: RequestKind = RequestKind.task;
  where: Where = Where.free;
  target: RequestTarget | null = null;
  dispatcher: Dispatcher | null = null;
  /** A status that overrides the dispatch status (CANCELED from an async cancelWait). */
  reason: Status = Status.OK;
  /** The hand-over was deferred because no wait was registered when the message came. */
  deferred = false;
  /** Who caused this request, for the dump's queued-task lines. */
  initiatingDispatcher: Dispatcher | null = null;
  initiatingDriver: object | null = null;
  /** Timer heap fields. */
  deadline = 0;
  seq = 0;
  heapIndex = -1;
  /** Intrusive list of a dispatcher's registered waits: no Set entries to allocate. */
  prev: CallbackRequest | null = null;
  next: CallbackRequest | null = null;
  /** Pool generation; records from before env.reset() never come back. */
  epoch = 0;
}

/** Status.OK as a module constant: `Status` is a dictionary-mode object in V8 (see dispatcher.ts). */
const OK: Status = Status.OK;

const pool: CallbackRequest[] = [];
const MAX_POOLED = 4096;
let epoch = 0;

export function acquireRequest(
  kind: RequestKind,
  target: RequestTarget,
  dispatcher: Dispatcher,
): CallbackRequest {
  const r = pool.pop() ?? new CallbackRequest();
  r.kind = kind;
  r.target = target;
  r.dispatcher = dispatcher;
  r.epoch = epoch;
  return r;
}

export function releaseRequest(r: CallbackRequest): void {
  r.where = Where.free;
  r.target = null;
  r.dispatcher = null;
  r.reason = OK;
  r.deferred = false;
  r.initiatingDispatcher = null;
  r.initiatingDriver = null;
  r.deadline = 0;
  r.seq = 0;
  r.heapIndex = -1;
  r.prev = null;
  r.next = null;
  if (r.epoch === epoch && pool.length < MAX_POOLED) pool.push(r);
}

/**
 * A record that belongs to one target for good (a channel end's read wait)
 * instead of coming from the pool: re-arming a wait from its own handler then
 * touches no pool. It never enters the pool (its epoch matches none). The
 * owner takes a new one if the old one may still sit in a container of a
 * dispatcher that env.reset forgot (see Channel.waitAsync).
 */
export function ownedRequest(kind: RequestKind, target: RequestTarget): CallbackRequest {
  const r = new CallbackRequest();
  r.kind = kind;
  r.target = target;
  r.epoch = -1;
  return r;
}

/** For tests of the pool itself. */
export function pooledRequestCount(): number {
  return pool.length;
}

/** env.reset(): records still held by forgotten channels must not re-enter the pool. */
export function resetRequestPool(): void {
  epoch++;
  pool.length = 0;
}
