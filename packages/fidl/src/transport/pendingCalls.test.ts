import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MethodInfo } from './methodInfo.js';
import { PendingCall, PendingCalls } from './pendingCalls.js';

const METHOD = { name: 'm' } as unknown as MethodInfo;

function call(rejected: number[], id: number): PendingCall<null> {
  return new PendingCall<null>(
    METHOD,
    null,
    () => undefined,
    () => void rejected.push(id),
    null,
  );
}

/** The txid rule the table must keep: the next txid after the last one given that no pending call holds. */
class Reference {
  readonly calls = new Map<number, number>();
  next = 1;

  add(id: number): number {
    let txid = this.next;
    while (this.calls.has(txid)) txid = txid >= 0x7fffffff ? 1 : txid + 1;
    this.next = txid >= 0x7fffffff ? 1 : txid + 1;
    this.calls.set(txid, id);
    return txid;
  }
}

describe('PendingCalls', () => {
  it('gives the same txids, finds the same calls and fails them in order, like a Map', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 1, max: 40 }) }),
            fc.record({ op: fc.constant('take' as const), pick: fc.nat() }),
            fc.record({ op: fc.constant('takeUnknown' as const), txid: fc.integer({ min: 1 }) }),
            fc.record({ op: fc.constant('failAll' as const) }),
          ),
          { maxLength: 80 },
        ),
        (ops) => {
          const table = new PendingCalls<null>();
          const ref = new Reference();
          const rejected: number[] = [];
          const calls = new Map<number, PendingCall<null>>();
          let id = 0;
          for (const o of ops) {
            if (o.op === 'add') {
              for (let k = 0; k < o.n; k++) {
                const c = call(rejected, id);
                calls.set(id, c);
                expect(table.add(c)).toBe(ref.add(id));
                id++;
              }
            } else if (o.op === 'take') {
              const txids = [...ref.calls.keys()];
              if (txids.length === 0) continue;
              const txid = txids[o.pick % txids.length] as number;
              const expected = calls.get(ref.calls.get(txid) as number);
              ref.calls.delete(txid);
              expect(table.take(txid)).toBe(expected);
              expect(table.take(txid)).toBeUndefined();
            } else if (o.op === 'takeUnknown') {
              if (ref.calls.has(o.txid)) continue;
              expect(table.take(o.txid)).toBeUndefined();
            } else {
              rejected.length = 0;
              const order = [...ref.calls.values()];
              ref.calls.clear();
              table.failAll(() => new Error('closed'));
              expect(rejected).toEqual(order);
            }
            expect(table.size).toBe(ref.calls.size);
          }
          for (const [txid, cid] of ref.calls) expect(table.take(txid)).toBe(calls.get(cid));
          expect(table.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps calls findable when later txids share their slot', () => {
    const table = new PendingCalls<null>();
    const rejected: number[] = [];
    const parked = call(rejected, -1);
    const other = call(rejected, -2);
    let parkedTxid = table.add(parked);
    const otherTxid = table.add(other);
    let shared = 0;
    // Thousands of short calls pass over the parked calls' slots many times (the table keeps
    // 16 slots while at most 3 calls are pending).
    for (let i = 0; i < 5000; i++) {
      const c = call(rejected, i);
      const txid = table.add(c);
      expect([parkedTxid, otherTxid]).not.toContain(txid);
      if ((txid & 15) === (parkedTxid & 15)) {
        // `c` went in front of the parked call in their slot: take the one behind first.
        shared++;
        expect(table.take(parkedTxid)).toBe(parked);
        expect(table.take(parkedTxid)).toBeUndefined();
        expect(table.take(txid)).toBe(c);
        parkedTxid = table.add(parked);
      } else {
        expect(table.take(txid)).toBe(c);
      }
    }
    expect(shared).toBeGreaterThan(100);
    expect(table.size).toBe(2);
    expect(table.take(otherTxid)).toBe(other);
    expect(table.take(parkedTxid)).toBe(parked);
    expect(table.size).toBe(0);
  });
});
