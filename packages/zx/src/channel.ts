/**
 * The zircon channel analog: a MessagePort pair plus a small shared state
 * block, so both ends can cross threads and still agree exactly on what is
 * pending and who closed.
 *
 * Shared state (Int32, indexed by end): COUNT = messages posted toward the
 * end and not yet taken off its port; SEQ = bumped whenever the end's signals
 * may change (a write toward it, its peer closing); WAITERS = threads asleep
 * on SEQ; CLOSED = the end is closed; PAIR_ID = random words naming the pair.
 * The writer posts first and counts second, so COUNT > 0 always means a
 * message sits in the port queue and `receiveMessageOnPort` will find it.
 *
 * Ordering: messages leave the port by one of two doors, the port's 'message'
 * event (when the event loop turns) and `receiveMessageOnPort` (read,
 * readBlocking, call). Both take the head of the port queue and append to one
 * local FIFO that reads drain first, so the order is the write order whichever
 * door is used. The listener also lets Node process the port's close notice in
 * order, after the data, which is how a peer that died without closing is
 * seen (see threadExit.ts for blocking waits).
 */
import {
  MessageChannel,
  receiveMessageOnPort,
  type MessagePort,
  type TransferListItem,
} from 'node:worker_threads';
import { INFINITE, remainingMs } from './clock.js';
import { Handle, ObjType } from './handle.js';
import {
  checkHandlesToTransfer,
  handleFromTransfer,
  registerHandleKind,
  type HandleDescriptor,
} from './handleTransfer.js';
import { bumpAndWake, waitWordBlocking, type WaitWord } from './objectWait.js';
import { ZX_CHANNEL_PEER_CLOSED, ZX_CHANNEL_READABLE, ZX_CHANNEL_WRITABLE } from './signals.js';
import { Status, StatusError } from './status.js';
import { trackUntilThreadExit, untrackThreadExit } from './threadExit.js';
// Handle kinds a message may carry must be revivable wherever a channel is read.
import './event.js';
import './eventPair.js';
import './fifo.js';
import './vmo.js';

export const ZX_CHANNEL_MAX_MSG_BYTES = 65536;
export const ZX_CHANNEL_MAX_MSG_HANDLES = 64;

const KIND = 'zx.channel';
const COUNT = 0;
const SEQ = 2;
const WAITERS = 4;
const CLOSED = 6;
/** Two random words naming the pair, so ends revived from separate transfers still recognize each other. */
const PAIR_ID = 8;
const STATE_WORDS = 10;
const TXID_BIT = 0x8000_0000;

/** One message: its bytes (the reader's own copy) and the handles it carried. */
export interface ZxMessage {
  bytes: Uint8Array;
  handles: Handle[];
}

/** What travels through the port: bare bytes when no handles, to keep the common case small. */
type Wire = Uint8Array | { readonly b: Uint8Array; readonly h: HandleDescriptor[] };

interface ChannelPayload {
  readonly port: MessagePort | null;
  readonly state: SharedArrayBuffer;
  readonly end: number;
  readonly queued: Wire[];
}

interface AsyncWaiter {
  readonly signals: number;
  readonly resolve: (observed: number) => void;
  readonly reject: (err: StatusError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface PendingCall {
  reply: ZxMessage | null;
  /** Set for callAsync; a blocking call polls `reply` instead. */
  readonly settle: ((reply: ZxMessage | null, err: StatusError | null) => void) | null;
}

const NO_HANDLES: readonly Handle[] = Object.freeze([]);

function decode(wire: Wire): ZxMessage {
  if (wire instanceof Uint8Array) return { bytes: wire, handles: [] };
  const handles: Handle[] = new Array<Handle>(wire.h.length);
  for (let i = 0; i < wire.h.length; i++)
    handles[i] = handleFromTransfer(wire.h[i] as HandleDescriptor);
  return { bytes: wire.b, handles };
}

function closeHandles(message: ZxMessage): void {
  for (const handle of message.handles) if (!handle.closed) handle.close();
}

export class ZxChannel extends Handle {
  readonly objType = ObjType.CHANNEL;
  #port: MessagePort | null;
  #portClosed = false;
  readonly #words: Int32Array;
  readonly #end: number;
  readonly #peer: number;
  /** Messages taken off the port and not yet read, oldest first. */
  #queue: ZxMessage[] = [];
  #waiters: AsyncWaiter[] = [];
  #calls: Map<number, PendingCall> | null = null;
  #asyncCalls = 0;
  #nextTxid = 1;
  /** Reused for every postMessage so a write allocates only the message. */
  readonly #transferList: TransferListItem[] = [];
  readonly #onMessage = (wire: Wire): void => this.#take(wire);
  readonly #waitWord: WaitWord;
  /** What a blocked thread waits for: new messages on the port, or the peer gone. */
  readonly #portSignals = (): number =>
    (Atomics.load(this.#words, COUNT + this.#end) > 0 ? ZX_CHANNEL_READABLE : 0) |
    (this.#peerClosed() ? ZX_CHANNEL_PEER_CLOSED : 0);

  private constructor(
    port: MessagePort | null,
    state: SharedArrayBuffer,
    end: number,
    queued: readonly Wire[],
  ) {
    super();
    this.#port = port;
    this.#words = new Int32Array(state);
    this.#end = end;
    this.#peer = end ^ 1;
    this.#waitWord = { words: this.#words, seqIndex: SEQ + end, waitersIndex: WAITERS + end };
    for (const wire of queued) this.#queue.push(decode(wire));
    if (port !== null) {
      port.on('message', this.#onMessage);
      // Adding the listener ref'd the port; only pending async waits should hold the loop.
      port.unref();
      port.once('close', () => this.#onPortClose());
    }
    trackUntilThreadExit(this);
  }

  /** zx_channel_create: two connected ends. */
  static create(): [ZxChannel, ZxChannel] {
    const { port1, port2 } = new MessageChannel();
    const state = new SharedArrayBuffer(STATE_WORDS * Int32Array.BYTES_PER_ELEMENT);
    crypto.getRandomValues(new Int32Array(state, PAIR_ID * Int32Array.BYTES_PER_ELEMENT, 2));
    return [new ZxChannel(port1, state, 0, []), new ZxChannel(port2, state, 1, [])];
  }

  /** READABLE, WRITABLE and PEER_CLOSED as they stand now. */
  get signals(): number {
    if (this.closed) return 0;
    let observed = 0;
    if (this.#queue.length > 0 || Atomics.load(this.#words, COUNT + this.#end) > 0) {
      observed |= ZX_CHANNEL_READABLE;
    }
    observed |= this.#peerClosed() ? ZX_CHANNEL_PEER_CLOSED : ZX_CHANNEL_WRITABLE;
    return observed;
  }

  /**
   * zx_channel_write. The bytes are copied; the handles move: on success each
   * is closed here and re-created on the reading side. A failed write changes
   * nothing.
   */
  write(bytes: Uint8Array, handles: readonly Handle[] = NO_HANDLES): void {
    this.#checkWrite(bytes, handles, 'ZxChannel.write');
    this.#post(bytes, handles, 0);
  }

  /** zx_channel_read: the oldest message; ERR_SHOULD_WAIT when none, ERR_PEER_CLOSED when none will come. */
  read(): ZxMessage {
    return this.tryRead() ?? this.#throwEmpty();
  }

  /**
   * read() for polling loops: null instead of ERR_SHOULD_WAIT, so an empty
   * channel costs no exception. Still throws ERR_PEER_CLOSED and ERR_BAD_HANDLE.
   */
  tryRead(): ZxMessage | null {
    this.assertOpen('ZxChannel.read');
    const message = this.#next();
    if (message !== undefined) return message;
    if (this.#peerClosed()) this.#throwEmpty();
    return null;
  }

  #throwEmpty(): never {
    if (this.#peerClosed()) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        'ZxChannel.read: the channel is empty and its peer is closed; no message will arrive, close this end',
      );
    }
    throw new StatusError(
      Status.ERR_SHOULD_WAIT,
      'ZxChannel.read: no message yet; await wait() or readAsync(), or use readBlocking() in a worker',
    );
  }

  /**
   * Resolves with the observed signals once any of `signals` is set (default:
   * readable or peer closed). Rejects ERR_TIMED_OUT at `deadline` (ms on
   * performance.now()) and ERR_CANCELED if this end is closed or moved meanwhile.
   */
  wait(
    signals: number = ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
    deadline: number = INFINITE,
  ): Promise<number> {
    this.assertOpen('ZxChannel.wait');
    const observed = this.signals;
    if ((observed & signals) !== 0) return Promise.resolve(observed);
    if (remainingMs(deadline) === 0) {
      return Promise.reject(this.#timedOut('ZxChannel.wait'));
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: AsyncWaiter = { signals, resolve, reject, timer: undefined };
      if (deadline !== INFINITE) {
        waiter.timer = setTimeout(() => {
          this.#removeWaiter(waiter);
          reject(this.#timedOut('ZxChannel.wait'));
        }, remainingMs(deadline));
      }
      this.#waiters.push(waiter);
      this.#holdLoop();
    });
  }

  /** read(), waiting on the event loop for a message; ERR_PEER_CLOSED when none can come. */
  async readAsync(deadline: number = INFINITE): Promise<ZxMessage> {
    for (;;) {
      this.assertOpen('ZxChannel.readAsync');
      const message = this.#next();
      if (message !== undefined) return message;
      if (this.#peerClosed()) return this.read();
      await this.wait(ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, deadline);
    }
  }

  /**
   * read(), blocking this thread with Atomics.wait until a message arrives.
   * For workers (driver hosts) that must answer synchronously; the event loop
   * does not turn while it blocks. A peer that closes, exits or crashes wakes
   * it with ERR_PEER_CLOSED; a peer killed by Worker.terminate() leaves no
   * trace in shared memory, so pass a deadline where that can happen.
   */
  readBlocking(deadline: number = INFINITE): ZxMessage {
    for (;;) {
      this.assertOpen('ZxChannel.readBlocking');
      const message = this.#next();
      if (message !== undefined) return message;
      if (this.#peerClosed()) return this.read();
      this.#block(deadline, 'ZxChannel.readBlocking');
    }
  }

  /**
   * zx_channel_call: writes `bytes` with a fresh transaction id in its first 4
   * bytes (little-endian, high bit set) and blocks until the reply carrying
   * the same id arrives. Other messages that arrive meanwhile stay queued, in
   * order, for read(). ERR_TIMED_OUT at the deadline (a late reply is then
   * queued normally); ERR_PEER_CLOSED if the peer closes first.
   */
  call(
    bytes: Uint8Array,
    handles: readonly Handle[] = NO_HANDLES,
    deadline: number = INFINITE,
  ): ZxMessage {
    const txid = this.#startCall(bytes, handles, null, 'ZxChannel.call');
    const calls = this.#calls as Map<number, PendingCall>;
    const pending = calls.get(txid) as PendingCall;
    try {
      for (;;) {
        this.#pullAll();
        if (pending.reply !== null) return pending.reply;
        if (this.#peerClosed()) throw this.#callPeerClosed('ZxChannel.call');
        this.#block(deadline, 'ZxChannel.call');
      }
    } finally {
      calls.delete(txid);
    }
  }

  /** call() without blocking: resolves with the reply; other messages stay queued. */
  callAsync(
    bytes: Uint8Array,
    handles: readonly Handle[] = NO_HANDLES,
    deadline: number = INFINITE,
  ): Promise<ZxMessage> {
    return new Promise<ZxMessage>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let txid = 0;
      let settled = false;
      const settle = (reply: ZxMessage | null, err: StatusError | null): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        this.#calls?.delete(txid);
        this.#asyncCalls--;
        this.#releaseLoop();
        if (reply !== null) resolve(reply);
        else reject(err as StatusError);
      };
      txid = this.#startCall(bytes, handles, settle, 'ZxChannel.callAsync');
      this.#asyncCalls++;
      this.#holdLoop();
      if (deadline !== INFINITE) {
        timer = setTimeout(
          () => settle(null, this.#timedOut('ZxChannel.callAsync')),
          remainingMs(deadline),
        );
      }
    });
  }

  override checkTransferable(): void {
    this.assertOpen('ZxChannel transfer');
    if (this.#asyncCalls > 0) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `ZxChannel transfer: this end has ${this.#asyncCalls} callAsync() awaiting replies; wait for them before sending the end away`,
      );
    }
  }

  override toTransfer(transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    const queued: Wire[] = [];
    for (const message of this.#queue) {
      if (message.handles.length === 0) {
        queued.push(message.bytes);
      } else {
        const h = message.handles.map((handle) => handle.toTransfer(transferList));
        queued.push({ b: message.bytes, h });
      }
    }
    let port: MessagePort | null = null;
    if (this.#port !== null && !this.#portClosed) {
      port = this.#port;
      transferList.push(port);
    }
    const payload: ChannelPayload = {
      port,
      state: this.#words.buffer as SharedArrayBuffer,
      end: this.#end,
      queued,
    };
    return { kind: KIND, payload };
  }

  protected override onTransferred(): void {
    for (const message of this.#queue)
      for (const handle of message.handles) handle.commitTransfer();
    this.#queue = [];
    this.#detach('transferred');
  }

  protected onClose(): void {
    const words = this.#words;
    Atomics.store(words, CLOSED + this.#end, 1);
    bumpAndWake(words, SEQ + this.#peer, WAITERS + this.#peer);
    // Unread messages die with this end, and so do the handles inside them.
    for (const message of this.#queue) closeHandles(message);
    this.#queue = [];
    const port = this.#port;
    if (port !== null && !this.#portClosed) {
      port.off('message', this.#onMessage);
      while (Atomics.load(words, COUNT + this.#end) > 0) {
        const received = receiveMessageOnPort(port);
        if (received === undefined) break;
        Atomics.sub(words, COUNT + this.#end, 1);
        closeHandles(decode(received.message as Wire));
      }
      port.close();
    }
    this.#detach('closed');
  }

  /** Thread exit: only shared memory can still tell the peer. */
  onThreadExit(): void {
    Atomics.store(this.#words, CLOSED + this.#end, 1);
    bumpAndWake(this.#words, SEQ + this.#peer, WAITERS + this.#peer);
  }

  #detach(why: 'closed' | 'transferred'): void {
    this.#port = null;
    untrackThreadExit(this);
    const err = new StatusError(
      Status.ERR_CANCELED,
      `ZxChannel: the end was ${why} while a wait or call was pending on it`,
    );
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(err);
    }
    this.#failAsyncCalls(err);
  }

  #checkWrite(bytes: Uint8Array, handles: readonly Handle[], what: string): void {
    this.assertOpen(what);
    if (!(bytes instanceof Uint8Array)) {
      throw new StatusError(Status.ERR_INVALID_ARGS, `${what}: bytes must be a Uint8Array`);
    }
    if (bytes.length > ZX_CHANNEL_MAX_MSG_BYTES) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `${what}: message has ${bytes.length} bytes, more than the ${ZX_CHANNEL_MAX_MSG_BYTES}-byte channel limit; split the message or send the data in a VMO`,
      );
    }
    if (handles.length > ZX_CHANNEL_MAX_MSG_HANDLES) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `${what}: message has ${handles.length} handles, more than the ${ZX_CHANNEL_MAX_MSG_HANDLES}-handle channel limit; split the message`,
      );
    }
    for (const handle of handles) {
      if (handle === this) {
        throw new StatusError(
          Status.ERR_NOT_SUPPORTED,
          `${what}: a channel end cannot be written into itself; send the other end or a new channel instead`,
        );
      }
      // Zircon accepts this and leaks the pair; a MessagePort posted to itself is lost, so refuse.
      if (handle instanceof ZxChannel && this.#isPeer(handle)) {
        throw new StatusError(
          Status.ERR_NOT_SUPPORTED,
          `${what}: the peer end cannot travel through its own channel, it would be unreachable; send it through another channel`,
        );
      }
    }
    checkHandlesToTransfer(handles, what);
    if (this.#peerClosed()) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `${what}: the peer end is closed, nobody can read this message; close this end`,
      );
    }
  }

  #post(bytes: Uint8Array, handles: readonly Handle[], txid: number): void {
    const port = this.#port as MessagePort;
    const copy = bytes.slice();
    if (txid !== 0) {
      copy[0] = txid & 0xff;
      copy[1] = (txid >>> 8) & 0xff;
      copy[2] = (txid >>> 16) & 0xff;
      copy[3] = txid >>> 24;
    }
    const transferList = this.#transferList;
    transferList.push(copy.buffer);
    let wire: Wire = copy;
    try {
      if (handles.length > 0) {
        const h = new Array<HandleDescriptor>(handles.length);
        for (let i = 0; i < handles.length; i++)
          h[i] = (handles[i] as Handle).toTransfer(transferList);
        wire = { b: copy, h };
      }
      port.postMessage(wire, transferList);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `ZxChannel.write: the message could not be posted (${String(err)}); send only zx handles and plain bytes`,
      );
    } finally {
      transferList.length = 0;
    }
    for (const handle of handles) handle.commitTransfer();
    const words = this.#words;
    Atomics.add(words, COUNT + this.#peer, 1);
    bumpAndWake(words, SEQ + this.#peer, WAITERS + this.#peer);
  }

  #isPeer(other: ZxChannel): boolean {
    return (
      other.#end === this.#peer &&
      other.#words[PAIR_ID] === this.#words[PAIR_ID] &&
      other.#words[PAIR_ID + 1] === this.#words[PAIR_ID + 1]
    );
  }

  #peerClosed(): boolean {
    return Atomics.load(this.#words, CLOSED + this.#peer) !== 0;
  }

  /** The oldest unread message that is not a pending call's reply, pulling from the port if needed. */
  #next(): ZxMessage | undefined {
    const queue = this.#queue;
    while (queue.length === 0 && this.#pullOne());
    return queue.shift();
  }

  #pullAll(): void {
    while (this.#pullOne());
  }

  #pullOne(): boolean {
    const port = this.#port;
    if (port === null || Atomics.load(this.#words, COUNT + this.#end) <= 0) return false;
    const received = receiveMessageOnPort(port);
    if (received === undefined) return false;
    this.#take(received.message as Wire);
    return true;
  }

  /** The one place a message leaves the port, by event or by pull. */
  #take(wire: Wire): void {
    Atomics.sub(this.#words, COUNT + this.#end, 1);
    const message = decode(wire);
    if (this.#calls === null || !this.#deliverReply(message)) this.#queue.push(message);
    if (this.#waiters.length > 0) this.#settleWaiters();
  }

  #deliverReply(message: ZxMessage): boolean {
    const calls = this.#calls as Map<number, PendingCall>;
    if (calls.size === 0 || message.bytes.length < 4) return false;
    const bytes = message.bytes;
    const txid =
      ((bytes[0] ?? 0) |
        ((bytes[1] ?? 0) << 8) |
        ((bytes[2] ?? 0) << 16) |
        ((bytes[3] ?? 0) << 24)) >>>
      0;
    const pending = calls.get(txid);
    if (pending === undefined) return false;
    calls.delete(txid);
    pending.reply = message;
    pending.settle?.(message, null);
    return true;
  }

  #startCall(
    bytes: Uint8Array,
    handles: readonly Handle[],
    settle: PendingCall['settle'],
    what: string,
  ): number {
    this.assertOpen(what);
    if (bytes.length < 4) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${what}: a call message needs at least 4 bytes for the transaction id, got ${bytes.length}; reserve the first 4 bytes`,
      );
    }
    this.#checkWrite(bytes, handles, what);
    const calls = (this.#calls ??= new Map());
    let txid: number;
    do {
      txid = (TXID_BIT | this.#nextTxid) >>> 0;
      this.#nextTxid = (this.#nextTxid + 1) & 0x7fff_ffff || 1;
    } while (calls.has(txid));
    calls.set(txid, { reply: null, settle });
    try {
      this.#post(bytes, handles, txid);
    } catch (err) {
      calls.delete(txid);
      throw err;
    }
    return txid;
  }

  #callPeerClosed(what: string): StatusError {
    return new StatusError(
      Status.ERR_PEER_CLOSED,
      `${what}: the peer closed before replying; the request may or may not have been handled`,
    );
  }

  #failAsyncCalls(err: StatusError): void {
    const calls = this.#calls;
    if (calls === null) return;
    for (const [txid, pending] of calls) {
      if (pending.settle !== null) {
        calls.delete(txid);
        pending.settle(null, err);
      }
    }
  }

  #block(deadline: number, what: string): void {
    // Only wakes the sleeper; the caller re-checks and pulls.
    waitWordBlocking(
      this.#waitWord,
      this.#portSignals,
      ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
      deadline,
      what,
    );
  }

  #onPortClose(): void {
    this.#portClosed = true;
    if (this.closed) return;
    // The peer's port died without an explicit close: its thread ended or the
    // message carrying it was dropped. Record it where blocking waiters look.
    Atomics.store(this.#words, CLOSED + this.#peer, 1);
    bumpAndWake(this.#words, SEQ + this.#end, WAITERS + this.#end);
    this.#failAsyncCalls(this.#callPeerClosed('ZxChannel.callAsync'));
    this.#settleWaiters();
  }

  #settleWaiters(): void {
    const observed = this.signals;
    const waiters = this.#waiters;
    for (let i = 0; i < waiters.length;) {
      const waiter = waiters[i] as AsyncWaiter;
      if ((observed & waiter.signals) !== 0) {
        waiters.splice(i, 1);
        if (waiter.timer !== undefined) clearTimeout(waiter.timer);
        this.#releaseLoop();
        waiter.resolve(observed);
      } else {
        i++;
      }
    }
  }

  #removeWaiter(waiter: AsyncWaiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) {
      this.#waiters.splice(index, 1);
      this.#releaseLoop();
    }
  }

  #holdLoop(): void {
    if (this.#waiters.length + this.#asyncCalls === 1) this.#port?.ref();
  }

  #releaseLoop(): void {
    if (this.#waiters.length + this.#asyncCalls === 0) this.#port?.unref();
  }

  #timedOut(what: string): StatusError {
    return new StatusError(
      Status.ERR_TIMED_OUT,
      `${what}: the deadline passed with nothing to read; retry with a later deadline or check that the peer answers`,
    );
  }

  static {
    registerHandleKind(KIND, (payload) => {
      const { port, state, end, queued } = payload as ChannelPayload;
      return new ZxChannel(port, state, end, queued);
    });
  }
}
