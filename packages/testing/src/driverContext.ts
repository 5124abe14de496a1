import { type Dispatcher, type DispatcherOptions, env } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';

/** What the runtime knows of a test driver: an object with a name for dumps and errors. */
export interface FakeDriver {
  readonly name: string;
}

export interface FakeDriverContext {
  readonly driver: FakeDriver;
  /** Its default dispatcher (synchronized unless told otherwise). */
  readonly dispatcher: Dispatcher;
  /** Runs `fn` with the driver on the call stack (see withDriver). */
  run<T>(fn: () => T): T;
  /** Another dispatcher owned by the same driver. */
  createDispatcher(opts: DispatcherOptions): Dispatcher;
  /**
   * Shuts down every dispatcher of the driver and drains the run loop.
   * Throws ERR_BAD_STATE when the driver observer could not run (a callback
   * of the driver is still on the stack).
   */
  shutdown(): void;
}

export type DefaultDispatcherOptions = Omit<DispatcherOptions, 'name'>;

/**
 * A fake driver `{ name }` with a default dispatcher named after it,
 * created with env.createDispatcherWithOwner.
 */
export function createFakeDriverContext(
  name: string,
  opts: DefaultDispatcherOptions = {},
): FakeDriverContext {
  const driver: FakeDriver = { name };
  const dispatcher = env.createDispatcherWithOwner(driver, { ...opts, name });
  return {
    driver,
    dispatcher,
    run: (fn) => withDriver(driver, fn),
    createDispatcher: (dispatcherOpts) => env.createDispatcherWithOwner(driver, dispatcherOpts),
    shutdown: () => {
      let done = false;
      env.shutdownDispatchersAsync(driver, () => {
        done = true;
      });
      env.runUntilIdle();
      if (!done) {
        throw new StatusError(
          Status.ERR_BAD_STATE,
          `driver ${name} did not finish shutting down: one of its callbacks is still running; call shutdown from outside the driver`,
        );
      }
    },
  };
}

/**
 * Runs `fn` with `driver` on the runtime call stack, as a driver entry
 * point does (env.registerDriverEntry / registerDriverExit): dispatchers
 * created inside are owned by it, and writes from inside count as coming
 * from it. Synchronous only: the frame is gone when `fn` returns, so the
 * continuation of an async `fn` runs outside the driver.
 */
export function withDriver<T>(driver: object, fn: () => T): T {
  env.registerDriverEntry(driver);
  try {
    return fn();
  } finally {
    env.registerDriverExit();
  }
}
