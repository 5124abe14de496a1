import type { MethodInfo } from './methodInfo.js';

export interface PendingCall {
  readonly method: MethodInfo;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** Driver transport: the arena the caller gave and still holds; reply buffers in it need no copy. */
  readonly callerArena: unknown;
}

/**
 * Two-way calls waiting for their reply, by txid. Asynchronous txids are
 * 1..0x7FFFFFFF: 0 means one-way, and the runtime keeps 0x80000000 and up for
 * its synchronous calls, so both can share one channel.
 */
export class PendingCalls {
  readonly #calls = new Map<number, PendingCall>();
  #next = 1;

  get size(): number {
    return this.#calls.size;
  }

  add(call: PendingCall): number {
    let txid = this.#next;
    while (this.#calls.has(txid)) txid = txid >= 0x7fffffff ? 1 : txid + 1;
    this.#next = txid >= 0x7fffffff ? 1 : txid + 1;
    this.#calls.set(txid, call);
    return txid;
  }

  take(txid: number): PendingCall | undefined {
    const call = this.#calls.get(txid);
    if (call !== undefined) this.#calls.delete(txid);
    return call;
  }

  /** Rejects every pending call with `err(call)`: none may hang. */
  failAll(err: (call: PendingCall) => unknown): void {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const c of calls) c.reject(err(c));
  }
}
