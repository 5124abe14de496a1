/**
 * A FIFO over a power-of-two ring of slots. Array.shift is O(n) and
 * reallocates; the run queues are hot, so they reuse one backing array and
 * only grow it.
 */
export class RingQueue<T> {
  #slots: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  constructor(initialCapacity = 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#slots = new Array<T | undefined>(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  get isEmpty(): boolean {
    return this.#size === 0;
  }

  push(item: T): void {
    const size = this.#size;
    if (size > this.#mask) this.#grow();
    this.#slots[(this.#head + size) & this.#mask] = item;
    this.#size = size + 1;
  }

  shift(): T | undefined {
    const size = this.#size;
    if (size === 0) return undefined;
    const slots = this.#slots;
    const head = this.#head;
    const item = slots[head];
    // Clear the slot so the queue does not keep dead work alive for the GC.
    slots[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#size = size - 1;
    return item;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#slots[this.#head];
  }

  /** The i-th item from the front (0 is the next one out). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#slots[(this.#head + index) & this.#mask];
  }

  /**
   * Removes one item wherever it sits, keeping the order of the rest. O(n),
   * which is fine: only cancellation takes this path.
   */
  remove(item: T): boolean {
    for (let i = 0; i < this.#size; i++) {
      if (this.#slots[(this.#head + i) & this.#mask] !== item) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#slots[(this.#head + j) & this.#mask] = this.#slots[(this.#head + j + 1) & this.#mask];
      }
      this.#slots[(this.#head + this.#size - 1) & this.#mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#slots[(this.#head + i) & this.#mask] = undefined;
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.#slots;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#slots = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}
