import { Status, StatusError } from '@fdf/zx';
import { currentDispatcher, dispatchersOnStack } from './callStack.js';
import { describeDispatcher } from './driverRegistry.js';
import {
  currentClock,
  earliestDeadline,
  hasBlockingSources,
  now,
  promoteDue,
  runOneStep,
  sleepUntil,
  waitForExternalWork,
} from './runLoop.js';
import type { Message } from './types.js';

/** A pending `Channel.call`: the reply (matched by txid) or the reason it ended. */
export class CallWaiter {
  readonly txid: number;
  /** null while pending. */
  status: Status | null = null;
  reply: Message | null = null;

  constructor(txid: number) {
    this.txid = txid;
  }
}

/**
 * Blocks a sync call inside this host until `waiter` resolves. Nothing can
 * arrive while JS is blocked unless the runtime runs it, so it runs the other
 * dispatchers' queued work (the caller's dispatcher stays busy: messages to
 * it queue). When nothing in the host can run:
 * - a delayed task of a dispatcher that can run, with the real clock: sleep
 *   until it is due (or the deadline) and go on;
 * - a cross-host BlockingSource: let it wait for incoming work;
 * - otherwise nothing can ever produce the reply: ERR_TIMED_OUT when the
 *   deadline has passed, else ERR_BAD_STATE naming the blocked dispatchers.
 *   With a fake clock that includes pending delayed tasks: nobody can advance
 *   the clock while the thread is blocked.
 */
export function waitForReply(waiter: CallWaiter, deadline: number, what: string): void {
  for (;;) {
    if (waiter.status !== null) return;
    if (now() >= deadline) {
      waiter.status = Status.ERR_TIMED_OUT;
      return;
    }
    promoteDue();
    if (runOneStep()) continue;
    const nextDelayed = earliestDeadline((r) => r.dispatcher !== null && !r.dispatcher.isBlocked());
    const wakeAt = Math.min(nextDelayed, deadline);
    if (hasBlockingSources() && waitForExternalWork(wakeAt - now())) continue;
    if (nextDelayed !== Infinity && !currentClock().manual) {
      sleepUntil(wakeAt);
      continue;
    }
    if (now() >= deadline) {
      waiter.status = Status.ERR_TIMED_OUT;
      return;
    }
    throw deadlockError(what, nextDelayed !== Infinity);
  }
}

function deadlockError(what: string, fakeTimers: boolean): StatusError {
  const blocked = dispatchersOnStack();
  const names = blocked.length > 0 ? blocked.map(describeDispatcher).join(', ') : 'none';
  const caller = currentDispatcher();
  const timers = fakeTimers
    ? ' Delayed tasks are pending, but the fake clock cannot advance while the thread is blocked.'
    : '';
  return new StatusError(
    Status.ERR_BAD_STATE,
    `deadlock: ${what} from ${caller ? describeDispatcher(caller) : 'outside the runtime'} can never get its reply: nothing else in this host can run, and the blocked dispatchers on the call stack are ${names}.${timers} The real runtime would hang here. Let the reply come from a dispatcher that is not blocked, or make one of these calls asynchronous (write + waitAsync).`,
  );
}
