/**
 * zx_object_wait_one over shared memory. Every waitable object here keeps a
 * sequence word in a SharedArrayBuffer that its writers bump (and notify)
 * whenever its signals may have changed; a waiter reads the word, checks the
 * signals, and sleeps only while the word still holds what it read, so a
 * change between the check and the sleep is never missed. The same word works
 * for Atomics.wait (blocking, any thread) and Atomics.waitAsync (this thread's
 * event loop).
 */
import { remainingMs } from './clock.js';
import { holdEventLoop, releaseEventLoop } from './keepAlive.js';
import { Status, StatusError } from './status.js';

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };

// ES2024 API; typed here so that packages compiling this source with an ES2023 lib still build.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeout?: number): WaitAsyncResult;
  }
).waitAsync.bind(Atomics);

/** Where an object's sequence word (and optional waiter count) lives. */
export interface WaitWord {
  readonly words: Int32Array;
  readonly seqIndex: number;
  /** A word counting sleepers, so writers can skip Atomics.notify when nobody sleeps. */
  readonly waitersIndex: number;
}

/** Bumps the sequence word and wakes sleepers; what writers call after changing state. */
export function bumpAndWake(words: Int32Array, seqIndex: number, waitersIndex: number): void {
  Atomics.add(words, seqIndex, 1);
  if (Atomics.load(words, waitersIndex) !== 0) Atomics.notify(words, seqIndex);
}

function timedOut(what: string, signals: number): StatusError {
  return new StatusError(
    Status.ERR_TIMED_OUT,
    `${what}: deadline passed before any of signals 0x${(signals >>> 0).toString(16)} was set; retry with a later deadline or check that the peer is making progress`,
  );
}

/**
 * Blocks this thread until `poll() & signals` is non-zero and returns the
 * observed signals; ERR_TIMED_OUT at `deadline` (ms on performance.now()).
 */
export function waitWordBlocking(
  at: WaitWord,
  poll: () => number,
  signals: number,
  deadline: number,
  what: string,
): number {
  const { words, seqIndex, waitersIndex } = at;
  for (;;) {
    const seq = Atomics.load(words, seqIndex);
    const observed = poll();
    if ((observed & signals) !== 0) return observed >>> 0;
    const left = remainingMs(deadline);
    if (left === 0) throw timedOut(what, signals);
    Atomics.add(words, waitersIndex, 1);
    try {
      Atomics.wait(words, seqIndex, seq, left);
    } finally {
      Atomics.sub(words, waitersIndex, 1);
    }
  }
}

/**
 * The async form: resolves with the observed signals; rejects ERR_TIMED_OUT
 * at the deadline and ERR_CANCELED when `isClosed()` turns true (the handle
 * was closed or moved away while waiting; the closer notifies the word).
 */
export async function waitWordAsync(
  at: WaitWord,
  poll: () => number,
  signals: number,
  deadline: number,
  isClosed: () => boolean,
  what: string,
): Promise<number> {
  const { words, seqIndex, waitersIndex } = at;
  holdEventLoop();
  try {
    for (;;) {
      if (isClosed()) {
        throw new StatusError(
          Status.ERR_CANCELED,
          `${what}: the handle was closed or transferred while a wait was pending; wait on the handle that now owns the object`,
        );
      }
      const seq = Atomics.load(words, seqIndex);
      const observed = poll();
      if ((observed & signals) !== 0) return observed >>> 0;
      const left = remainingMs(deadline);
      if (left === 0) throw timedOut(what, signals);
      Atomics.add(words, waitersIndex, 1);
      try {
        const result = waitAsync(words, seqIndex, seq, left);
        if (result.async) await result.value;
      } finally {
        Atomics.sub(words, waitersIndex, 1);
      }
    }
  } finally {
    releaseEventLoop();
  }
}
