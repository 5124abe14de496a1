import type { Arena } from '@fdf/runtime';
import type { MethodInfo } from './methodInfo.js';
import { ReplyPromise } from './replyPromise.js';

/** One two-way call waiting for its reply: the promise's settle functions and what the reply needs. */
export class PendingCall<P = unknown> {
  /** Set by PendingCalls.add. */
  txid = 0;
  /** Order of registration: calls fail in it. */
  seq = 0;
  /** The next call in the same slot of PendingCalls (txids that share their low bits). */
  nextInSlot: PendingCall<P> | null = null;

  constructor(
    readonly method: MethodInfo,
    /** What the transport derived from the method once (see ClientCore). */
    readonly plan: P,
    readonly resolve: (value: unknown) => void,
    readonly reject: (err: unknown) => void,
    /** Driver transport: the arena the caller gave and still holds; reply buffers in it need no copy. */
    readonly callerArena: Arena | null,
    /**
     * The promise the caller got, when its `then` callbacks run on the
     * client's dispatcher (`resolve` and `reject` are its own settle
     * functions); null for a plain promise.
     */
    readonly reply: ReplyPromise<unknown> | null = null,
  ) {}

  /** The reply came, on the client's dispatcher: the caller's `then` callbacks run now. */
  fulfil(value: unknown): void {
    this.resolve(value);
    if (this.reply !== null) ReplyPromise.settled(this.reply, true, value, true);
  }

  /**
   * The call failed. `now`: the failure was seen on the client's dispatcher
   * (a bad reply, the channel closing), so the caller's `then` callbacks run
   * now; else (the caller closed the client) in a microtask.
   */
  fail(err: unknown, now: boolean): void {
    this.reject(err);
    if (this.reply !== null) ReplyPromise.settled(this.reply, false, err, now);
  }
}

const MAX_TXID = 0x7fffffff;
const INITIAL_SLOTS = 16;

/**
 * Two-way calls waiting for their reply, by txid. Asynchronous txids are
 * 1..0x7FFFFFFF: 0 means one-way, and the runtime keeps 0x80000000 and up for
 * its synchronous calls, so both can share one channel. A txid is the next
 * one after the last given out that no pending call holds.
 *
 * A hash table on the txid's low bits, chained through the calls themselves,
 * rather than a Map: txids are handed out in sequence, so slots rarely
 * collide, and the table grows to the deepest burst and stays, so a steady
 * stream of calls allocates and rehashes nothing.
 */
export class PendingCalls<P = unknown> {
  #slots: (PendingCall<P> | null)[] = new Array<PendingCall<P> | null>(INITIAL_SLOTS).fill(null);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;
  #next = 1;
  #seq = 0;

  get size(): number {
    return this.#size;
  }

  add(call: PendingCall<P>): number {
    let txid = this.#next;
    while (this.#find(txid) !== null) txid = txid >= MAX_TXID ? 1 : txid + 1;
    this.#next = txid >= MAX_TXID ? 1 : txid + 1;
    call.txid = txid;
    call.seq = this.#seq++;
    if (this.#size >= this.#slots.length) this.#grow();
    this.#link(call);
    this.#size++;
    return txid;
  }

  take(txid: number): PendingCall<P> | undefined {
    const slots = this.#slots;
    const i = txid & this.#mask;
    let prev: PendingCall<P> | null = null;
    for (let c = slots[i] as PendingCall<P> | null; c !== null; c = c.nextInSlot) {
      if (c.txid === txid) {
        if (prev === null) slots[i] = c.nextInSlot;
        else prev.nextInSlot = c.nextInSlot;
        c.nextInSlot = null;
        this.#size--;
        return c;
      }
      prev = c;
    }
    return undefined;
  }

  /**
   * Rejects every pending call with `err(call)`, in the order they were made:
   * none may hang. `now` as in PendingCall.fail.
   */
  failAll(err: (call: PendingCall<P>) => unknown, now = true): void {
    const calls: PendingCall<P>[] = [];
    for (const head of this.#slots) {
      for (let c = head; c !== null; c = c.nextInSlot) calls.push(c);
    }
    calls.sort((a, b) => a.seq - b.seq);
    for (const c of calls) c.nextInSlot = null;
    this.#slots.fill(null);
    this.#size = 0;
    for (const c of calls) c.fail(err(c), now);
  }

  #find(txid: number): PendingCall<P> | null {
    let c = this.#slots[txid & this.#mask] as PendingCall<P> | null;
    while (c !== null && c.txid !== txid) c = c.nextInSlot;
    return c;
  }

  #link(call: PendingCall<P>): void {
    const i = call.txid & this.#mask;
    call.nextInSlot = this.#slots[i] as PendingCall<P> | null;
    this.#slots[i] = call;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Array<PendingCall<P> | null>(old.length * 2).fill(null);
    this.#mask = this.#slots.length - 1;
    for (const head of old) {
      let c = head;
      while (c !== null) {
        const next = c.nextInSlot;
        this.#link(c);
        c = next;
      }
    }
  }
}
