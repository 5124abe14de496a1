/**
 * How both server bindings call a handler: the arguments in the generated
 * order (request when the method has one, completer, arena), and what a
 * failure means. A handler that throws, or whose promise rejects, closes the
 * channel with the error's status; it never unwinds into the runtime or the
 * event loop.
 */
import type { Arena } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { MethodInfo } from './methodInfo.js';
import type { UnknownMethod } from './types.js';

export type Handlers = Record<string, ((...args: unknown[]) => unknown) | undefined> & {
  handleUnknownMethod?: (m: UnknownMethod) => void;
};

export interface HandlerHooks {
  /** Close the binding with this epitaph. */
  fail(status: Status): void;
  /** The handler returned (or its promise settled). */
  done(): void;
}

function statusOf(err: unknown): Status {
  return StatusError.is(err) && err.status !== Status.OK ? err.status : Status.ERR_INTERNAL;
}

export function runHandler(
  impl: Handlers,
  m: MethodInfo,
  request: unknown,
  completer: unknown,
  arena: Arena,
  hooks: HandlerHooks,
): void {
  const handler = impl[m.name];
  if (typeof handler !== 'function') {
    // The server object lacks a method of its own protocol: a server bug the client must hear about.
    hooks.fail(Status.ERR_NOT_SUPPORTED);
    hooks.done();
    return;
  }
  let result: unknown;
  try {
    result =
      m.request === null
        ? handler.call(impl, completer, arena)
        : handler.call(impl, request, completer, arena);
  } catch (err) {
    hooks.fail(statusOf(err));
    hooks.done();
    return;
  }
  if (result instanceof Promise) {
    result.then(hooks.done, (err: unknown) => {
      hooks.fail(statusOf(err));
      hooks.done();
    });
  } else {
    hooks.done();
  }
}
