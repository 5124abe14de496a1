import { Handle, ObjType, Status, StatusError } from '@fdf/zx';
import { type Arena, isArena } from './arena.js';
import {
  type CallbackRequest,
  ownedRequest,
  type RequestTarget,
  RequestKind,
} from './callbackRequest.js';
import { currentDispatcher } from './callStack.js';
import { type Dispatcher, isDispatcher } from './dispatcher.js';
import { describeDispatcher } from './driverRegistry.js';
import { moveHandle, transferHandle } from './handleTransfer.js';
import { RingQueue } from './ringQueue.js';
import { CallWaiter, waitForReply } from './syncCall.js';
import type { Message } from './types.js';

/** Sync-call transaction ids: [0x80000000, 0xFFFFFFFF], the range fdf reserves for the runtime. */
export const MIN_TXID = 0x80000000;
const NUM_TXIDS = 0x80000000;

/** Status.OK as a module constant: `Status` is a dictionary-mode object in V8 (see dispatcher.ts). */
const OK: Status = Status.OK;

/** Shared by messages that carry no handles, so a plain write allocates only its record. */
const NO_HANDLES: Handle[] = Object.freeze([]) as unknown as Handle[];

/** The one allocation of a write; the reader gets this same object. */
class MessageRecord implements Message {
  arena: Arena | null;
  data: unknown;
  handles: Handle[];

  constructor(arena: Arena | null, data: unknown, handles: Handle[]) {
    this.arena = arena;
    this.data = data;
    this.handles = handles;
  }
}

export interface WaitOptions {
  /** Cancel asynchronously even on a synchronized dispatcher: the handler runs once with CANCELED. */
  forceAsyncCancel?: boolean | undefined;
}

/**
 * One end's state. A Channel handle object points at it; transferring the
 * handle in a message gives the reader a new handle object on the same end.
 */
class ChannelEnd implements RequestTarget {
  peer: ChannelEnd | null = null;
  handle: Channel | null = null;
  readonly queue = new RingQueue<MessageRecord>(4);
  closed = false;

  // The registered read wait, if any.
  waitDispatcher: Dispatcher | null = null;
  waitHandler: ((status: Status) => void) | null = null;
  waitForceAsync = false;
  waitRequest: CallbackRequest | null = null;
  /** The record every read wait of this end travels in; see ownedRequest. */
  waitRecord: CallbackRequest = ownedRequest(RequestKind.channelRead, this);
  /** The wait is registered but nothing handed it over yet. */
  waitPendingHandOver = false;

  /** Sync calls made on this end that wait for their reply. */
  waiters: CallWaiter[] | null = null;
  nextTxid = 0;

  /** Receives a message written by the peer (the real WriteSelfLocked). */
  deliver(msg: MessageRecord): void {
    if (this.waiters !== null && this.takeReply(msg)) return;
    this.queue.push(msg);
    if (this.waitPendingHandOver) {
      this.waitPendingHandOver = false;
      (this.waitDispatcher as Dispatcher).handOver(this.waitRequest as CallbackRequest, OK);
    }
  }

  /** The reply of a sync call bypasses the queue and the read handler. True when `msg` was one. */
  takeReply(msg: MessageRecord): boolean {
    const waiters = this.waiters;
    if (waiters === null || waiters.length === 0) return false;
    const txid = readTxid(msg.data);
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i] as CallWaiter;
      if (w.txid !== txid) continue;
      waiters.splice(i, 1);
      w.reply = msg;
      w.status = Status.OK;
      return true;
    }
    return false;
  }

  onPeerClosed(): void {
    this.failWaiters();
    if (this.queue.isEmpty && this.waitPendingHandOver) {
      this.waitPendingHandOver = false;
      (this.waitDispatcher as Dispatcher).handOver(
        this.waitRequest as CallbackRequest,
        Status.ERR_PEER_CLOSED,
      );
    }
  }

  failWaiters(): void {
    const waiters = this.waiters;
    if (waiters === null) return;
    this.waiters = null;
    for (const w of waiters) w.status = Status.ERR_PEER_CLOSED;
  }

  clearWait(): ((status: Status) => void) | null {
    const handler = this.waitHandler;
    this.waitDispatcher = null;
    this.waitHandler = null;
    this.waitRequest = null;
    this.waitPendingHandOver = false;
    this.waitForceAsync = false;
    return handler;
  }

  /** RequestTarget: the wait is unregistered before the handler runs, so it may re-arm. */
  invoke(status: Status): void {
    const handler = this.clearWait();
    handler?.(status);
  }

  cancel(): void {
    this.invoke(Status.ERR_CANCELED);
  }

  allocateTxid(): number {
    for (;;) {
      const txid = MIN_TXID + this.nextTxid;
      this.nextTxid = (this.nextTxid + 1) % NUM_TXIDS;
      if (this.waiters === null || !this.waiters.some((w) => w.txid === txid)) return txid;
    }
  }

  close(): void {
    this.closed = true;
    this.handle = null;
    // Closing an end drops its own wait: the handler never runs.
    if (this.waitDispatcher !== null && this.waitRequest !== null) {
      this.waitDispatcher.cancelRequest(this.waitRequest);
    }
    this.clearWait();
    this.failWaiters();
    const peer = this.peer;
    this.peer = null;
    if (peer !== null) {
      peer.peer = null;
      peer.onPeerClosed();
    }
    // Unread messages die with the end; channels inside them close in turn.
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) dropMessage(m);
  }
}

/** Releases what an undelivered message holds: its arena reference and its handles. */
function dropMessage(m: MessageRecord): void {
  if (m.arena !== null && !m.arena.destroyed) m.arena.release();
  for (const h of m.handles) if (!h.closed) h.close();
}

function readTxid(data: unknown): number {
  if (data instanceof Uint8Array) {
    if (data.length < 4) return -1;
    return (
      ((data[0] as number) |
        ((data[1] as number) << 8) |
        ((data[2] as number) << 16) |
        ((data[3] as number) << 24)) >>>
      0
    );
  }
  if (ArrayBuffer.isView(data) && data.byteLength >= 4) {
    return readTxid(new Uint8Array(data.buffer, data.byteOffset, 4));
  }
  return -1;
}

function writeTxid(data: ArrayBufferView, txid: number): void {
  const b =
    data instanceof Uint8Array
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  b[0] = txid & 0xff;
  b[1] = (txid >>> 8) & 0xff;
  b[2] = (txid >>> 16) & 0xff;
  b[3] = (txid >>> 24) & 0xff;
}

/**
 * A driver-transport channel end (fdf_channel). Messages are
 * `{ arena, data, handles }` handed to the peer by reference: no copy, no
 * serialization. It is a zx Handle (objType NONE, as the real runtime's fdf
 * handles report) so a message can carry runtime channels and zircon handles
 * in one list.
 */
export class Channel extends Handle {
  readonly objType = ObjType.NONE;
  readonly #end: ChannelEnd;

  private constructor(end: ChannelEnd) {
    super();
    this.#end = end;
    end.handle = this;
  }

  static create(): [Channel, Channel] {
    const a = new ChannelEnd();
    const b = new ChannelEnd();
    a.peer = b;
    b.peer = a;
    return [new Channel(a), new Channel(b)];
  }

  /**
   * Writes a message to the peer. The message takes its own reference on
   * `arena`; the writer keeps its own. Byte buffers in `data` must come from
   * the arena; any other object is handed over as is. On success the handles
   * belong to the message; on failure nothing is consumed. When the peer's
   * handler runs inline and throws, the error comes out of `write` (the
   * message was delivered).
   */
  write(arena: Arena | null, data: unknown = null, handles: Handle[] = NO_HANDLES): void {
    // `closed` is a tiny getter; assertOpen (which throws) only runs when it is true.
    if (this.closed) this.assertOpen('channel');
    this.#checkPayload('write', arena, data, handles);
    const peer = this.#end.peer;
    if (peer === null) throw writePeerClosedError();
    peer.deliver(makeMessage(arena, data, handles));
  }

  read<T = unknown>(): Message<T> {
    if (this.closed) this.assertOpen('channel');
    const end = this.#end;
    const msg = end.queue.shift();
    if (msg !== undefined) return msg as Message<T>;
    throw readEmptyError(end.peer === null);
  }

  /**
   * Registers a one-shot read wait: `handler` runs once on `d` with OK (a
   * message is ready), PEER_CLOSED, or CANCELED, and may re-arm.
   */
  waitAsync(d: Dispatcher, handler: (status: Status) => void, opts?: WaitOptions): void {
    if (this.closed) this.assertOpen('channel');
    if (!isDispatcher(d) || typeof handler !== 'function') throw waitArgsError();
    const end = this.#end;
    // The checks of runtime.md, in its order: PEER_CLOSED, BAD_STATE, UNAVAILABLE.
    if (end.queue.isEmpty && end.peer === null) throw waitPeerClosedError();
    if (end.waitDispatcher !== null) throw waitAlreadyRegisteredError(end.waitDispatcher);
    if (d.state !== 'running') throw waitUnavailableError(d);
    // A read wait never shows in a dump (only tasks do), so it records no initiator.
    let r = end.waitRecord;
    if (r.dispatcher === null) {
      // Released: it sits in no container. Re-arm it.
      r.target = end;
    } else {
      // Still held by a dispatcher that env.reset forgot: leave it there, take a new one.
      r = end.waitRecord = ownedRequest(RequestKind.channelRead, end);
    }
    r.dispatcher = d;
    d.registerWait(r);
    end.waitDispatcher = d;
    end.waitHandler = handler;
    end.waitForceAsync = opts?.forceAsyncCancel === true;
    end.waitRequest = r;
    end.waitPendingHandOver = true;
    if (!end.queue.isEmpty) {
      // Messages that came before the wait: hand over now, counted as late.
      end.waitPendingHandOver = false;
      r.deferred = true;
      d.handOver(r, OK);
    }
  }

  /**
   * Cancels the registered wait. Synchronized dispatcher without
   * forceAsyncCancel: at once, the handler never runs. Otherwise the handler
   * runs once more with CANCELED.
   */
  cancelWait(): void {
    this.assertOpen('channel');
    const end = this.#end;
    const d = end.waitDispatcher;
    const r = end.waitRequest;
    if (d === null || r === null) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        'cancelWait on a channel with no registered wait (none was registered, or its handler is running or already ran)',
      );
    }
    if (end.waitForceAsync || !d.synchronized) {
      if (end.waitPendingHandOver) {
        end.waitPendingHandOver = false;
        d.handOver(r, Status.ERR_CANCELED);
        return;
      }
      if (d.markCanceled(r)) return;
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        'cancelWait: the handler is already running; it will not be called again',
      );
    }
    d.cancelRequest(r);
    end.clearWait();
  }

  /**
   * A synchronous call: writes `data` (a txid goes into its first 4 bytes)
   * and blocks until the reply with that txid, the deadline (absolute, on
   * env.now()), or the peer closing.
   */
  call(
    arena: Arena,
    data: Uint8Array,
    handles: Handle[] = NO_HANDLES,
    deadline: number = Infinity,
  ): Message {
    this.assertOpen('channel');
    if (!isArena(arena)) {
      throw new StatusError(Status.ERR_INVALID_ARGS, 'call needs an arena for its message');
    }
    this.#checkPayload('call', arena, data, handles);
    if (!ArrayBuffer.isView(data) || data.byteLength < 4) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'call needs at least 4 bytes of data: the runtime writes the txid into the first 4',
      );
    }
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'call deadline must be a time on env.now() (or Infinity)',
      );
    }
    const caller = currentDispatcher();
    if (caller !== null && !caller.allowSyncCalls) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `call from ${describeDispatcher(caller)}, which does not allow sync calls; create it with allowSyncCalls: true (and do not seal it), or write and waitAsync instead`,
      );
    }
    // From here on the handles belong to the call, even if it fails.
    const msg = makeMessage(arena, data, handles);
    const end = this.#end;
    const peer = end.peer;
    if (peer === null) {
      dropMessage(msg);
      throw new StatusError(Status.ERR_PEER_CLOSED, 'call on a channel whose peer is closed');
    }
    const txid = end.allocateTxid();
    writeTxid(data, txid);
    const waiter = new CallWaiter(txid);
    (end.waiters ??= []).push(waiter);
    try {
      peer.deliver(msg);
      waitForReply(waiter, deadline, `call (txid 0x${txid.toString(16)})`);
    } finally {
      // A reply after this point is a late reply: it queues like any message.
      const i = end.waiters?.indexOf(waiter) ?? -1;
      if (i >= 0) end.waiters?.splice(i, 1);
    }
    if (waiter.status === Status.OK && waiter.reply !== null) return waiter.reply;
    if (waiter.status === Status.ERR_TIMED_OUT) {
      throw new StatusError(
        Status.ERR_TIMED_OUT,
        `call (txid 0x${txid.toString(16)}) got no reply before its deadline; a late reply will be queued on the channel like any message`,
      );
    }
    throw new StatusError(
      Status.ERR_PEER_CLOSED,
      `call (txid 0x${txid.toString(16)}): the channel closed before the reply came`,
    );
  }

  /** @internal For tokens and write checks. */
  hasPendingWait(): boolean {
    return this.#end.waitDispatcher !== null;
  }

  protected onClose(): void {
    this.#end.close();
  }

  /** @internal The reader of a message gets a new handle object on the same end. */
  [moveHandle](): Channel {
    this.assertOpen('channel');
    const moved = new Channel(this.#end);
    this.markTransferred();
    return moved;
  }

  #checkPayload(what: string, arena: Arena | null, data: unknown, handles: Handle[]): void {
    if (handles === NO_HANDLES && arena !== null && arena !== undefined) {
      // The common message, with exactly the checks below: the default empty handle list is
      // an array with nothing to check, and the arena is given.
      if (!isArena(arena) || arena.destroyed) throw arenaNotLiveError(what);
      if ((typeof data === 'object' && data !== null) || typeof data === 'function') {
        this.#checkBuffer(what, arena, data);
      }
      return;
    }
    this.#checkPayloadFully(what, arena, data, handles);
  }

  /** Every other message: the checks in the order runtime.md gives (out of line, rarely hot). */
  #checkPayloadFully(what: string, arena: Arena | null, data: unknown, handles: Handle[]): void {
    if (!Array.isArray(handles)) {
      throw new StatusError(Status.ERR_INVALID_ARGS, `${what}: handles must be an array`);
    }
    if (arena === null || arena === undefined) {
      if ((data !== null && data !== undefined) || handles.length > 0) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `${what}: a message with data or handles needs an arena; only empty messages may omit it`,
        );
      }
      return;
    }
    if (!isArena(arena) || arena.destroyed) throw arenaNotLiveError(what);
    // Primitives are never buffers: only objects (and functions) need the buffer checks.
    if ((typeof data === 'object' && data !== null) || typeof data === 'function') {
      this.#checkBuffer(what, arena, data);
    }
    if (handles.length > 0) this.#checkHandles(what, handles);
  }

  #checkBuffer(what: string, arena: Arena, data: object): void {
    if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
      throw rawBufferError(what);
    }
    if (ArrayBuffer.isView(data) && !arena.contains(data)) throw foreignBufferError(what);
  }

  #checkHandles(what: string, handles: Handle[]): void {
    for (let i = 0; i < handles.length; i++) {
      const h = handles[i];
      if (!(h instanceof Handle) || h.closed) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `${what}: handle ${i} is closed or not a handle; it may have been transferred already`,
        );
      }
      if (h === this) {
        throw new StatusError(
          Status.ERR_NOT_SUPPORTED,
          `${what}: a channel cannot carry itself; send its peer or another channel`,
        );
      }
      if (handles.indexOf(h) !== i) {
        throw new StatusError(Status.ERR_INVALID_ARGS, `${what}: handle ${i} appears twice`);
      }
      if (h instanceof Channel && h.hasPendingWait()) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `${what}: handle ${i} is a channel with a pending waitAsync; cancel the wait before transferring it`,
        );
      }
    }
  }
}

// Cold paths: building these messages out of line keeps the hot methods small enough to inline.

function arenaNotLiveError(what: string): StatusError {
  return new StatusError(
    Status.ERR_INVALID_ARGS,
    `${what}: the arena is not a live Arena (was it released to zero?)`,
  );
}

function rawBufferError(what: string): StatusError {
  return new StatusError(
    Status.ERR_INVALID_ARGS,
    `${what}: pass a view allocated from the arena (arena.allocate), not a raw buffer`,
  );
}

function foreignBufferError(what: string): StatusError {
  return new StatusError(
    Status.ERR_INVALID_ARGS,
    `${what}: the byte buffer does not lie in the message's arena; allocate it with arena.allocate (or copy it there)`,
  );
}

function writePeerClosedError(): StatusError {
  return new StatusError(
    Status.ERR_PEER_CLOSED,
    'write on a channel whose peer is closed; the message was not sent and the handles are still yours',
  );
}

function readEmptyError(peerClosed: boolean): StatusError {
  return peerClosed
    ? new StatusError(
        Status.ERR_PEER_CLOSED,
        'read on a channel with no messages left and a closed peer; close this end',
      )
    : new StatusError(
        Status.ERR_SHOULD_WAIT,
        'read on an empty channel; register a waitAsync and read when the handler runs',
      );
}

function waitArgsError(): StatusError {
  return new StatusError(
    Status.ERR_INVALID_ARGS,
    'waitAsync(dispatcher, handler) needs a Dispatcher and a handler function',
  );
}

function waitPeerClosedError(): StatusError {
  return new StatusError(
    Status.ERR_PEER_CLOSED,
    'waitAsync on a channel whose peer is closed and which has no messages left; nothing can arrive, close it',
  );
}

function waitAlreadyRegisteredError(registeredOn: Dispatcher): StatusError {
  return new StatusError(
    Status.ERR_BAD_STATE,
    `waitAsync on a channel that already has a wait registered on ${describeDispatcher(registeredOn)}; wait for its handler or cancelWait first`,
  );
}

function waitUnavailableError(d: Dispatcher): StatusError {
  return new StatusError(
    Status.ERR_UNAVAILABLE,
    `waitAsync on ${describeDispatcher(d)} which is ${d.state}; waits need a running dispatcher`,
  );
}

function makeMessage(arena: Arena | null, data: unknown, handles: Handle[]): MessageRecord {
  arena?.addRef();
  return new MessageRecord(
    arena,
    data ?? null,
    handles.length === 0 ? NO_HANDLES : transferHandles(handles),
  );
}

/** The handles as the reader gets them: each moved out of the writer's hands. */
function transferHandles(handles: Handle[]): Handle[] {
  const moved = new Array<Handle>(handles.length);
  for (let i = 0; i < handles.length; i++) moved[i] = transferHandle(handles[i] as Handle);
  return moved;
}
