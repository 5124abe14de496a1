import { Status, StatusError } from '@fdf/zx';
import { popFrame, pushFrame } from './callStack.js';
import type { Dispatcher } from './dispatcher.js';
import { type LoopClient, markReady } from './runLoop.js';

/**
 * Per-driver bookkeeping: which dispatchers a driver owns, and the
 * driver-wide shutdown of `env.shutdownDispatchersAsync` (the real
 * runtime's DispatcherCoordinator / DriverState).
 */
interface DriverState {
  readonly driver: object;
  /** Dispatchers not yet destroyed, in creation order. */
  readonly dispatchers: Dispatcher[];
  /** The driver observer of a shutdownDispatchersAsync that has not run yet. */
  observer: (() => void) | null;
  /** Dispatcher onShutdown observers running now; the driver observer waits for them. */
  observersRunning: number;
}

const drivers = new Map<object, DriverState>();
let driverIds = new WeakMap<object, number>();
let nextDriverId = 1;

/** How dumps and errors name a driver: its `name` property, else `driver#<n>`. */
export function driverLabel(driver: object | null): string {
  if (driver === null) return 'none';
  const name = (driver as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') return name;
  let id = driverIds.get(driver);
  if (id === undefined) {
    id = nextDriverId++;
    driverIds.set(driver, id);
  }
  return `driver#${id}`;
}

/** `dispatcher 'name' (driver label)`, the form every message uses. */
export function describeDispatcher(d: Dispatcher): string {
  return `dispatcher '${d.name}' (driver ${driverLabel(d.owner)})`;
}

export function addDispatcher(d: Dispatcher): void {
  let state = drivers.get(d.owner);
  if (state === undefined) {
    state = { driver: d.owner, dispatchers: [], observer: null, observersRunning: 0 };
    drivers.set(d.owner, state);
  } else if (state.observer !== null) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `cannot create dispatcher '${d.name}': driver ${driverLabel(d.owner)} is being shut down by env.shutdownDispatchersAsync; create it after the driver observer ran`,
    );
  }
  state.dispatchers.push(d);
}

export function removeDispatcher(d: Dispatcher): void {
  const state = drivers.get(d.owner);
  if (state === undefined) return;
  const i = state.dispatchers.indexOf(d);
  if (i >= 0) state.dispatchers.splice(i, 1);
  if (state.dispatchers.length === 0 && state.observer === null) drivers.delete(d.owner);
}

export function allDispatchers(): Dispatcher[] {
  const out: Dispatcher[] = [];
  for (const state of drivers.values()) out.push(...state.dispatchers);
  return out;
}

/**
 * Shuts down every dispatcher of `driver`; `observer` runs once all of them
 * completed and every dispatcher observer returned. Nothing completes inside
 * this call: completion comes from the run loop.
 */
export function shutdownDispatchersAsync(driver: object, observer: () => void): void {
  if (typeof driver !== 'object' || driver === null || typeof observer !== 'function') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'env.shutdownDispatchersAsync(driver, observer) needs the driver object and an observer function',
    );
  }
  const state = drivers.get(driver);
  if (state === undefined) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `driver ${driverLabel(driver)} owns no dispatchers (none was created, or all were destroyed); there is nothing to shut down`,
    );
  }
  if (state.observer !== null) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `driver ${driverLabel(driver)} is already shutting down; wait for its observer before calling env.shutdownDispatchersAsync again`,
    );
  }
  state.observer = observer;
  const live = state.dispatchers.filter(
    (d) => d.state === 'running' || d.state === 'shutting-down',
  );
  if (live.length === 0) {
    // Nothing will report a completed shutdown, so the loop runs the observer.
    markReady(new DriverObserverRun(state));
    return;
  }
  for (const d of live) d.shutdownAsync();
}

/**
 * Called by a dispatcher whose shutdown just completed, with its frame on the
 * stack: runs its onShutdown, then the driver observer when it was the last.
 */
export function notifyDispatcherShutdown(d: Dispatcher, onShutdown: (() => void) | null): void {
  const state = drivers.get(d.owner);
  if (state === undefined) {
    onShutdown?.();
    return;
  }
  state.observersRunning++;
  try {
    onShutdown?.();
  } finally {
    state.observersRunning--;
  }
  if (state.observer === null || state.observersRunning > 0) return;
  if (state.dispatchers.some((x) => x.state === 'running' || x.state === 'shutting-down')) return;
  runDriverObserver(state);
}

function runDriverObserver(state: DriverState): void {
  const observer = state.observer;
  if (observer === null) return;
  // The real runtime makes the observer look like it runs on the driver's first dispatcher.
  pushFrame(state.driver, state.dispatchers[0] ?? null);
  try {
    observer();
  } finally {
    popFrame();
    state.observer = null;
    if (state.dispatchers.length === 0) drivers.delete(state.driver);
  }
}

class DriverObserverRun implements LoopClient {
  inReadyList = false;
  readonly #state: DriverState;

  constructor(state: DriverState) {
    this.#state = state;
  }

  runOne(): void {
    runDriverObserver(this.#state);
  }
}

/** env.reset(): forget every driver; numbering of unnamed drivers restarts. */
export function resetDriverRegistry(): Dispatcher[] {
  const forgotten = allDispatchers();
  drivers.clear();
  driverIds = new WeakMap();
  nextDriverId = 1;
  return forgotten;
}
