/**
 * How both server bindings call a handler: the arguments in the generated
 * order (request when the method has one, completer, arena), and what a
 * failure means. A handler that throws, or whose promise rejects, closes the
 * channel with the error's status; it never unwinds into the runtime or the
 * event loop.
 *
 * Nothing is allocated per call unless the handler returns a promise: the
 * binding itself is the host that hears how the handler ended.
 */
import type { Arena } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { MethodInfo } from './methodInfo.js';
import type { UnknownMethod } from './types.js';

export type Handlers = Record<string, ((...args: unknown[]) => unknown) | undefined> & {
  handleUnknownMethod?: (m: UnknownMethod) => void;
};

/** The binding a handler runs for; `R` is its two-way completer. */
export interface HandlerHost<R> {
  /** Close the binding with this epitaph. */
  closeWithEpitaph(status: Status): void;
  /** The handler returned (or its promise settled); `reply` is null for a one-way request. */
  handlerDone(reply: R | null, arena: Arena): void;
}

function statusOf(err: unknown): Status {
  return StatusError.is(err) && err.status !== Status.OK ? err.status : Status.ERR_INTERNAL;
}

/**
 * Calls the handler of `m` with `request`, `completer` and `arena`. `reply`
 * is the two-way completer (the same object as `completer`), or null.
 */
export function runHandler<R>(
  host: HandlerHost<R>,
  impl: Handlers,
  m: MethodInfo,
  request: unknown,
  reply: R | null,
  completer: unknown,
  arena: Arena,
): void {
  const handler = impl[m.name];
  if (typeof handler !== 'function') {
    // The server object lacks a method of its own protocol: a server bug the client must hear about.
    host.closeWithEpitaph(Status.ERR_NOT_SUPPORTED);
    host.handlerDone(reply, arena);
    return;
  }
  let result: unknown;
  try {
    result =
      m.request === null
        ? handler.call(impl, completer, arena)
        : handler.call(impl, request, completer, arena);
  } catch (err) {
    host.closeWithEpitaph(statusOf(err));
    host.handlerDone(reply, arena);
    return;
  }
  if (result instanceof Promise) {
    result.then(
      () => host.handlerDone(reply, arena),
      (err: unknown) => {
        host.closeWithEpitaph(statusOf(err));
        host.handlerDone(reply, arena);
      },
    );
  } else {
    host.handlerDone(reply, arena);
  }
}
