/**
 * Keeps this thread's event loop alive while an async wait is pending.
 * Atomics.waitAsync does not hold the loop open, so a worker whose only work
 * is `await fifo.readable()` would otherwise exit under the waiter. A ref'd
 * MessagePort holds the loop without a timer and costs nothing while idle.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';

let holders = 0;
let anchor: MessagePort | null = null;

export function holdEventLoop(): void {
  if (holders++ === 0) {
    anchor ??= new MessageChannel().port1;
    anchor.ref();
  }
}

export function releaseEventLoop(): void {
  if (holders > 0 && --holders === 0) anchor?.unref();
}
