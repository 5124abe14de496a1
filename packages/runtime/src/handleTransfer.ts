import type { Handle } from '@fdf/zx';

/**
 * How a handle leaves its writer when a message carries it. A handle class
 * that implements this method hands its object over: it returns a fresh
 * handle object for the receiver and invalidates the writer's one (so using
 * it afterwards is ERR_BAD_HANDLE, as with a transferred zircon handle).
 * Runtime channels and tokens implement it. Handles that do not (plain zx
 * handles today) travel by reference: the same object reaches the reader,
 * and the writer must stop using it by convention.
 *
 * A registered symbol, so @fdf/zx can implement it without importing the runtime.
 */
export const moveHandle: unique symbol = Symbol.for('@fdf/handle.move');

interface Movable {
  [moveHandle](): Handle;
}

export function transferHandle(h: Handle): Handle {
  const m = h as Partial<Movable>;
  return typeof m[moveHandle] === 'function' ? (m as Movable)[moveHandle]() : h;
}
