import { describe, expect, it } from 'vitest';
import { RingQueue } from './ringQueue.js';

function drain<T>(q: RingQueue<T>): T[] {
  const out: T[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
  return out;
}

describe('RingQueue', () => {
  it('is FIFO across wrap-around and growth', () => {
    const q = new RingQueue<number>(2);
    q.push(1);
    q.push(2);
    expect(q.shift()).toBe(1);
    q.push(3);
    q.push(4); // grows while wrapped
    q.push(5);
    expect(q.size).toBe(4);
    expect(drain(q)).toEqual([2, 3, 4, 5]);
    expect(q.isEmpty).toBe(true);
    expect(q.shift()).toBeUndefined();
  });

  it('remove keeps the order of the rest; at indexes from the front', () => {
    const q = new RingQueue<string>(4);
    for (const s of ['a', 'b', 'c', 'd']) q.push(s);
    q.shift();
    q.push('e'); // wrapped
    expect(q.remove('c')).toBe(true);
    expect(q.remove('zz')).toBe(false);
    expect(q.at(0)).toBe('b');
    expect(q.at(2)).toBe('e');
    expect(q.at(99)).toBeUndefined();
    expect(q.peek()).toBe('b');
    expect(drain(q)).toEqual(['b', 'd', 'e']);
  });

  it('clear empties it', () => {
    const q = new RingQueue<number>();
    q.push(1);
    q.clear();
    expect(q.size).toBe(0);
    q.push(2);
    expect(drain(q)).toEqual([2]);
  });
});
