import { Status, StatusError } from '@fdf/zx';
import { resetRequestPool } from './callbackRequest.js';
import {
  currentDriver,
  pushFrame,
  popFrame,
  resetCallStack,
  topIsDriverEntry,
} from './callStack.js';
import type { Clock } from './clock.js';
import { Dispatcher, inliningEnabled, setInlining } from './dispatcher.js';
import { resetDriverRegistry, shutdownDispatchersAsync } from './driverRegistry.js';
import {
  type BlockingSource,
  currentClock,
  now,
  registerBlockingSource,
  resetRunLoop,
  runUntilIdle,
  setClock,
} from './runLoop.js';
import { resetTaskIds } from './task.js';
import type { DispatcherOptions } from './types.js';

/**
 * The environment side of the runtime (fdf_env_*): what a driver host, the
 * test harness and tools use, as opposed to what drivers use.
 */
export const env = {
  /**
   * Forgets every dispatcher, driver, queued request and timer (tests call it
   * between cases). Forgotten dispatchers read as destroyed. Inlining is
   * turned back on. The clock stays.
   */
  reset(): void {
    setInlining(true);
    for (const d of resetDriverRegistry()) d.forget();
    resetRunLoop();
    resetCallStack();
    resetRequestPool();
    resetTaskIds();
  },

  /** Puts `driver` on the call stack, for code that enters a driver outside a runtime callback. */
  registerDriverEntry(driver: object): void {
    if (typeof driver !== 'object' || driver === null) {
      throw new StatusError(Status.ERR_INVALID_ARGS, 'registerDriverEntry needs a driver object');
    }
    pushFrame(driver, null);
  },

  registerDriverExit(): void {
    if (!topIsDriverEntry()) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        'registerDriverExit without a matching registerDriverEntry on top of the call stack',
      );
    }
    popFrame();
  },

  /** The driver on top of the call stack, or null outside the runtime. */
  currentDriver(): object | null {
    return currentDriver();
  },

  createDispatcherWithOwner(driver: object, opts: DispatcherOptions): Dispatcher {
    return Dispatcher.createWithOwner(driver, opts);
  },

  /**
   * Shuts down every dispatcher of `driver`; `observer` runs (later, from the
   * run loop) after the last one completed and its observer returned.
   */
  shutdownDispatchersAsync(driver: object, observer: () => void): void {
    shutdownDispatchersAsync(driver, observer);
  },

  /** True when tasks (not waits) are queued on `d`, ready or waiting for their CANCELED call. */
  hasQueuedTasks(d: Dispatcher): boolean {
    return d.hasQueuedTasks();
  },

  /**
   * false: every hand-over that would run in the sender's frame is queued on
   * the run loop instead (counted as unknownThread in the dump). For
   * benchmarks of queued hand-overs; true (the default) restores the rules.
   */
  setInlining(enabled: boolean): void {
    if (typeof enabled !== 'boolean') {
      throw new StatusError(Status.ERR_INVALID_ARGS, 'env.setInlining takes true or false');
    }
    setInlining(enabled);
  },

  /** False while env.setInlining(false) is in force. */
  inliningEnabled(): boolean {
    return inliningEnabled();
  },

  /** Runs every ready queue now, including work queued meanwhile; returns when all are idle. */
  runUntilIdle(): void {
    runUntilIdle();
  },

  /** The runtime clock in ms: performance.now() unless a test installed another clock. */
  now(): number {
    return now();
  },

  /** Installs a clock (a FakeClock in tests); null restores the real one. */
  setClock(clock: Clock | null): void {
    setClock(clock);
  },

  clock(): Clock {
    return currentClock();
  },

  /**
   * Lets a cross-host transport take part in blocking sync calls: when a call
   * waits and nothing in this host can run, the source may wait for incoming
   * work. Returns a function that unregisters it.
   */
  registerBlockingSource(source: BlockingSource): () => void {
    return registerBlockingSource(source);
  },
};
