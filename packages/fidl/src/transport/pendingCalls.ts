import type { Arena } from '@fdf/runtime';
import type { MethodInfo } from './methodInfo.js';

/** One two-way call waiting for its reply: the promise's settle functions and what the reply needs. */
export class PendingCall<P = unknown> {
  /** Set by PendingCalls.add. */
  txid = 0;
  /** Order of registration: calls fail in it. */
  seq = 0;

  constructor(
    readonly method: MethodInfo,
    /** What the transport derived from the method once (see ClientCore). */
    readonly plan: P,
    readonly resolve: (value: unknown) => void,
    readonly reject: (err: unknown) => void,
    /** Driver transport: the arena the caller gave and still holds; reply buffers in it need no copy. */
    readonly callerArena: Arena | null,
  ) {}
}

const MAX_TXID = 0x7fffffff;
const INITIAL_SLOTS = 16;

/**
 * Two-way calls waiting for their reply, by txid. Asynchronous txids are
 * 1..0x7FFFFFFF: 0 means one-way, and the runtime keeps 0x80000000 and up for
 * its synchronous calls, so both can share one channel. A txid is the next
 * one after the last given out that no pending call holds.
 *
 * An open-addressing table (linear probing on the txid's low bits) rather
 * than a Map: it grows to the deepest burst and stays, so a steady stream of
 * calls allocates and rehashes nothing.
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
    while (this.#indexOf(txid) >= 0) txid = txid >= MAX_TXID ? 1 : txid + 1;
    this.#next = txid >= MAX_TXID ? 1 : txid + 1;
    call.txid = txid;
    call.seq = this.#seq++;
    // Load factor at most 1/2: probes stay short.
    if ((this.#size + 1) * 2 > this.#slots.length) this.#grow();
    this.#insert(call);
    this.#size++;
    return txid;
  }

  take(txid: number): PendingCall<P> | undefined {
    const i = this.#indexOf(txid);
    if (i < 0) return undefined;
    const call = this.#slots[i] as PendingCall<P>;
    this.#removeAt(i);
    this.#size--;
    return call;
  }

  /** Rejects every pending call with `err(call)`, in the order they were made: none may hang. */
  failAll(err: (call: PendingCall<P>) => unknown): void {
    const calls: PendingCall<P>[] = [];
    for (const c of this.#slots) if (c !== null) calls.push(c);
    calls.sort((a, b) => a.seq - b.seq);
    this.#slots.fill(null);
    this.#size = 0;
    for (const c of calls) c.reject(err(c));
  }

  #indexOf(txid: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = txid & mask; ; i = (i + 1) & mask) {
      const c = slots[i] as PendingCall<P> | null;
      if (c === null) return -1;
      if (c.txid === txid) return i;
    }
  }

  #insert(call: PendingCall<P>): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = call.txid & mask;
    while (slots[i] !== null) i = (i + 1) & mask;
    slots[i] = call;
  }

  /** Empties slot `i` and shifts back the calls that probed past it (no tombstones). */
  #removeAt(i: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    for (;;) {
      slots[i] = null;
      let j = i;
      for (;;) {
        j = (j + 1) & mask;
        const c = slots[j] as PendingCall<P> | null;
        if (c === null) return;
        const home = c.txid & mask;
        // `c` may stay unless its home lies cyclically outside (i, j].
        const stays = i <= j ? i < home && home <= j : i < home || home <= j;
        if (!stays) {
          slots[i] = c;
          i = j;
          break;
        }
      }
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Array<PendingCall<P> | null>(old.length * 2).fill(null);
    this.#mask = this.#slots.length - 1;
    for (const c of old) if (c !== null) this.#insert(c);
  }
}
