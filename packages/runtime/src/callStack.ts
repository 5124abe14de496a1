import type { Dispatcher } from './dispatcher.js';

/**
 * The host thread's stack of (driver, dispatcher) frames: the JS analog of
 * the real runtime's thread_context. The runtime pushes the owner around
 * every callback it makes; `registerDriverEntry` pushes a frame with no
 * dispatcher. Inlining decisions read it (unknown thread, reentrancy).
 *
 * Two parallel arrays that only grow: pushing a frame allocates nothing.
 */
const drivers: (object | undefined)[] = [];
const dispatchers: (Dispatcher | null)[] = [];
let depth = 0;

export function pushFrame(driver: object, dispatcher: Dispatcher | null): void {
  drivers[depth] = driver;
  dispatchers[depth] = dispatcher;
  depth++;
}

export function popFrame(): void {
  // After an env.reset() inside a callback the frames are already gone.
  if (depth === 0) return;
  depth--;
  // Drop the references so a popped frame does not keep a driver alive.
  drivers[depth] = undefined;
  dispatchers[depth] = null;
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
  for (let i = depth - 1; i >= 0; i--) if (drivers[i] === driver) return true;
  return false;
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
