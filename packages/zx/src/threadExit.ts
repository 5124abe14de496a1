/**
 * Ends of two-ended objects (channel, fifo, event pair) that are open in this
 * thread. When the thread exits normally or on an uncaught exception, each end
 * marks itself closed in shared memory and wakes its peer, so a peer blocked
 * in Atomics.wait learns PEER_CLOSED without needing its own event loop.
 *
 * Worker.terminate() runs no exit hook: then only the MessagePort 'close'
 * event reports the loss, and only to an event loop that turns (async waits,
 * or a blocking wait with a deadline that gives control back).
 */
export interface ThreadExitAware {
  /** Signals the peer in shared memory only; ports and JS state are gone with the thread. */
  onThreadExit(): void;
}

const open = new Set<ThreadExitAware>();
let hooked = false;

export function trackUntilThreadExit(end: ThreadExitAware): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const item of open) item.onThreadExit();
      open.clear();
    });
  }
  open.add(end);
}

export function untrackThreadExit(end: ThreadExitAware): void {
  open.delete(end);
}
