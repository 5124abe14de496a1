/**
 * Result unions (fidl.md 1.4): what travels for a method with `error` syntax
 * or a flexible two-way method, and how the bindings turn it into what the
 * caller sees. Shared by the Driver and Channel transports so both present a
 * reply identically.
 */
import { Status, StatusError } from '@fdf/zx';
import type { MethodInfo } from './methodInfo.js';

/** fidl.FrameworkErr UNKNOWN_METHOD: the reply to a flexible method the server does not know. */
export const FRAMEWORK_ERR_UNKNOWN_METHOD = -2;

/** The value a server's `reply(response)` sends. */
export function responseValue(m: MethodInfo, response: unknown): unknown {
  if (!m.wrapped) return m.response === null ? null : response;
  return { $tag: 'response', response: m.success === null ? {} : response };
}

/** The value a server's `replyError(error)` sends. */
export function errorValue(m: MethodInfo, error: unknown): unknown {
  if (!m.hasError) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `${m.fidlName} has no error syntax; reply with a response`,
    );
  }
  return { $tag: 'err', err: error };
}

/** The reply to an unknown flexible two-way method. */
export function unknownMethodValue(): unknown {
  return { $tag: 'frameworkErr', frameworkErr: FRAMEWORK_ERR_UNKNOWN_METHOD };
}

/**
 * What a two-way call resolves with: the success payload (undefined for
 * `-> ()`), or `{ $tag: 'response' | 'err' }` with error syntax. A transport
 * error (the server does not know the method) is thrown.
 */
export function callResult(m: MethodInfo, protocol: string, payload: unknown): unknown {
  if (!m.wrapped) return m.success === null ? undefined : payload;
  const union = payload as {
    $tag?: unknown;
    response?: unknown;
    err?: unknown;
    frameworkErr?: unknown;
  } | null;
  switch (union?.$tag) {
    case 'response': {
      const response = m.success === null ? undefined : union.response;
      return m.hasError ? { $tag: 'response', response } : response;
    }
    case 'err':
      return { $tag: 'err', err: union.err };
    case 'frameworkErr':
      throw new StatusError(
        union.frameworkErr === FRAMEWORK_ERR_UNKNOWN_METHOD
          ? Status.ERR_NOT_SUPPORTED
          : Status.ERR_INTERNAL,
        `${protocol}.${m.fidlName}: the server does not know this flexible method (framework error ${String(union.frameworkErr)}); it speaks an older version of the protocol`,
      );
    default:
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${protocol}.${m.fidlName}: the reply is not a result union (tag ${String(union?.$tag)})`,
      );
  }
}
