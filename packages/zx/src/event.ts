/**
 * Event: a signal word in shared memory. Any thread holding a handle can set
 * or clear signals; waiters in any thread wake on the change (Atomics.wait to
 * block, Atomics.waitAsync to await), because the word itself is what they
 * sleep on.
 */
import type { TransferListItem } from 'node:worker_threads';
import { INFINITE } from './clock.js';
import { Handle, ObjType } from './handle.js';
import { registerHandleKind, type HandleDescriptor } from './handleTransfer.js';
import { waitWordAsync, waitWordBlocking, type WaitWord } from './objectWait.js';
import {
  ZX_DEFAULT_EVENT_RIGHTS,
  ZX_RIGHT_DUPLICATE,
  ZX_RIGHT_SAME_RIGHTS,
  ZX_RIGHT_SIGNAL,
  ZX_RIGHT_TRANSFER,
  ZX_RIGHT_WAIT,
  hasRights,
  rightsName,
} from './rights.js';
import { ZX_EVENT_SIGNAL_MASK } from './signals.js';
import { Status, StatusError } from './status.js';

const KIND = 'zx.event';
const SIGNALS = 0;
const WAITERS = 1;

interface EventPayload {
  readonly state: SharedArrayBuffer;
  readonly rights: number;
}

/**
 * Sets and clears `set`/`clear` in `words[index]` atomically and wakes
 * sleepers when the value changed. Shared by Event and EventPair.
 */
export function updateSignalWord(
  words: Int32Array,
  index: number,
  waitersIndex: number,
  clear: number,
  set: number,
): void {
  for (;;) {
    const old = Atomics.load(words, index);
    const next = (old & ~clear) | set;
    if (next === old) return;
    if (Atomics.compareExchange(words, index, old, next) === old) break;
  }
  if (Atomics.load(words, waitersIndex) !== 0) Atomics.notify(words, index);
}

export function checkSignalMask(mask: number, clear: number, set: number, what: string): void {
  const outside = ((clear | set) & ~mask) >>> 0;
  if (outside !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what}: signals 0x${outside.toString(16)} cannot be changed by users; use ZX_USER_SIGNAL_0..7 or the object's SIGNALED bit`,
    );
  }
}

export class Event extends Handle {
  readonly objType = ObjType.EVENT;
  readonly #words: Int32Array;
  readonly #rights: number;
  readonly #waitWord: WaitWord;
  readonly #poll = (): number => Atomics.load(this.#words, SIGNALS);
  readonly #isClosed = (): boolean => this.closed;

  private constructor(state: SharedArrayBuffer, rights: number) {
    super();
    this.#words = new Int32Array(state);
    this.#rights = rights >>> 0;
    this.#waitWord = { words: this.#words, seqIndex: SIGNALS, waitersIndex: WAITERS };
  }

  /** zx_event_create: no signal set, default event rights. */
  static create(): Event {
    return new Event(
      new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT),
      ZX_DEFAULT_EVENT_RIGHTS,
    );
  }

  get rights(): number {
    return this.#rights;
  }

  /** The signals set now (uint32). */
  get signals(): number {
    this.assertOpen('Event.signals');
    return Atomics.load(this.#words, SIGNALS) >>> 0;
  }

  /** zx_object_signal: clears `clear`, then sets `set` (only ZX_EVENT_SIGNAL_MASK bits). */
  signal(clear: number, set: number): void {
    this.#require(ZX_RIGHT_SIGNAL, 'Event.signal');
    checkSignalMask(ZX_EVENT_SIGNAL_MASK, clear, set, 'Event.signal');
    updateSignalWord(this.#words, SIGNALS, WAITERS, clear, set);
  }

  /**
   * Resolves with the observed signals once any of `signals` is set; rejects
   * ERR_TIMED_OUT at `deadline` (ms on performance.now()) and ERR_CANCELED if
   * this handle is closed meanwhile.
   */
  wait(signals: number, deadline: number = INFINITE): Promise<number> {
    this.#require(ZX_RIGHT_WAIT, 'Event.wait');
    return waitWordAsync(
      this.#waitWord,
      this.#poll,
      signals,
      deadline,
      this.#isClosed,
      'Event.wait',
    );
  }

  /** wait(), blocking this thread with Atomics.wait (workers; the main thread may block too). */
  waitBlocking(signals: number, deadline: number = INFINITE): number {
    this.#require(ZX_RIGHT_WAIT, 'Event.waitBlocking');
    return waitWordBlocking(this.#waitWord, this.#poll, signals, deadline, 'Event.waitBlocking');
  }

  /** zx_handle_duplicate: another handle to the same event with `rights` (a subset, or SAME_RIGHTS). */
  duplicate(rights: number = ZX_RIGHT_SAME_RIGHTS): Event {
    this.#require(ZX_RIGHT_DUPLICATE, 'Event.duplicate');
    const wanted = rights >>> 0;
    if (wanted !== ZX_RIGHT_SAME_RIGHTS && !hasRights(this.#rights, wanted)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `Event.duplicate: rights ${rightsName(wanted)} are not a subset of the handle's ${rightsName(this.#rights)}; a new handle can only drop rights`,
      );
    }
    return new Event(
      this.#words.buffer as SharedArrayBuffer,
      wanted === ZX_RIGHT_SAME_RIGHTS ? this.#rights : wanted,
    );
  }

  override checkTransferable(): void {
    this.#require(ZX_RIGHT_TRANSFER, 'Event transfer');
  }

  override toTransfer(_transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    const payload: EventPayload = {
      state: this.#words.buffer as SharedArrayBuffer,
      rights: this.#rights,
    };
    return { kind: KIND, payload };
  }

  protected onClose(): void {
    this.#wakeLocalWaiters();
  }

  protected override onTransferred(): void {
    this.#wakeLocalWaiters();
  }

  #wakeLocalWaiters(): void {
    // Pending async waits of this handle re-check, see it closed and fail with ERR_CANCELED.
    Atomics.notify(this.#words, SIGNALS);
  }

  #require(rights: number, what: string): void {
    this.assertOpen(what);
    if (!hasRights(this.#rights, rights)) {
      throw new StatusError(
        Status.ERR_ACCESS_DENIED,
        `${what}: the event handle (koid ${this.koid}) has rights ${rightsName(this.#rights)} but needs ${rightsName(rights)}; use a handle that carries them`,
      );
    }
  }

  static {
    registerHandleKind(KIND, (payload) => {
      const { state, rights } = payload as EventPayload;
      return new Event(state, rights);
    });
  }
}
