import type { Dispatcher } from './dispatcher.js';

/**
 * The host thread's stack of (driver, dispatcher) frames: the JS analog of
 * the real runtime's thread_context. The runtime pushes the owner around
 * every callback it makes; `registerDriverEntry` pushes a frame with no
 * dispatcher. Inlining decisions read it (unknown thread, reentrancy).
 *
 * Parallel arrays that only grow: pushing a frame allocates nothing. Each
 * driver has a count of its frames on the stack, so the reentrancy check of
 * every hand-over is O(1) however deep the stack of inlined drivers grows.
 */
const drivers: (object | undefined)[] = [];
const dispatchers: (Dispatcher | null)[] = [];
const counts: (DriverFrames | undefined)[] = [];
let depth = 0;

/** How many frames of one driver are on the stack. */
export class DriverFrames {
  count = 0;
}

const framesByDriver = new WeakMap<object, DriverFrames>();

/** The frame count of `driver`; a dispatcher keeps its owner's, so its frames skip the lookup. */
export function driverFrames(driver: object): DriverFrames {
  let frames = framesByDriver.get(driver);
  if (frames === undefined) {
    frames = new DriverFrames();
    framesByDriver.set(driver, frames);
  }
  return frames;
}

export function pushFrame(
  driver: object,
  dispatcher: Dispatcher | null,
  frames: DriverFrames = driverFrames(driver),
): void {
  drivers[depth] = driver;
  dispatchers[depth] = dispatcher;
  counts[depth] = frames;
  frames.count++;
  depth++;
}

export function popFrame(): void {
  // After an env.reset() inside a callback the frames are already gone.
  if (depth === 0) return;
  depth--;
  (counts[depth] as DriverFrames).count--;
  // Drop the references so a popped frame does not keep a driver alive.
  drivers[depth] = undefined;
  dispatchers[depth] = null;
  counts[depth] = undefined;
}

export function stackDepth(): number {
  return depth;
}

export function currentDriver(): object | null {
  return depth === 0 ? null : (drivers[depth - 1] ?? null);
}

export function currentDispatcher(): Dispatcher | null {
  return depth === 0 ? null : (dispatchers[depth - 1] ?? null);
}

/** True when a frame of the top was pushed by `registerDriverEntry`. */
export function topIsDriverEntry(): boolean {
  return depth > 0 && dispatchers[depth - 1] === null;
}

export function isDriverOnStack(driver: object): boolean {
  const frames = framesByDriver.get(driver);
  return frames !== undefined && frames.count > 0;
}

export function isDispatcherOnStack(dispatcher: Dispatcher): boolean {
  for (let i = depth - 1; i >= 0; i--) if (dispatchers[i] === dispatcher) return true;
  return false;
}

/** The dispatchers on the stack, bottom first, each once. For deadlock reports. */
export function dispatchersOnStack(): Dispatcher[] {
  const out: Dispatcher[] = [];
  for (let i = 0; i < depth; i++) {
    const d = dispatchers[i];
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** Forgets every frame: env.reset() between tests. */
export function resetCallStack(): void {
  while (depth > 0) popFrame();
}
