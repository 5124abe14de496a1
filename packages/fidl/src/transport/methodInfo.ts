import type { IrMethod, IrProtocol, IrType } from '../ir/types.js';
import { lowerCamel } from '../emit/names.js';

/**
 * One method as the bindings see it, derived from the IR once per protocol.
 * The emitter uses it to write the generated types and the transports use it
 * at run time, so the two can never disagree on a method's shape.
 */
export interface MethodInfo {
  /** The TypeScript name: `Queue` -> `queue`. */
  readonly name: string;
  readonly fidlName: string;
  readonly ordinal: bigint;
  readonly kind: 'one-way' | 'two-way' | 'event';
  readonly strict: boolean;
  readonly hasError: boolean;
  /** Request payload (event payload for events); null for `()`. */
  readonly request: IrType | null;
  /** What travels in the response body: the payload, or the result union when `wrapped`. */
  readonly response: IrType | null;
  /** The success payload as written; null for `-> ()`. */
  readonly success: IrType | null;
  /** The `error` type; null without error syntax. */
  readonly error: IrType | null;
  /** True when the response body is the `P_M_Result` union (error syntax or flexible two-way). */
  readonly wrapped: boolean;
  /** Banjo: the method completes through a callback (`@async`). */
  readonly isAsync: boolean;
}

/**
 * Names a generated client or server already uses for something else (and
 * `then`, which would make a client look like a promise). A FIDL method with
 * one of these names gets a trailing underscore: `Close` -> `close_`.
 */
const TAKEN = new Set([
  'events',
  'stats',
  'closed',
  'isClosed',
  'close',
  'then',
  'constructor',
  'handleUnknownMethod',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
]);

export function methodName(fidlName: string): string {
  const name = lowerCamel(fidlName);
  return TAKEN.has(name) ? `${name}_` : name;
}

export function methodInfo(m: IrMethod): MethodInfo {
  return {
    name: methodName(m.name),
    fidlName: m.name,
    ordinal: BigInt(m.ordinal),
    kind: m.kind,
    strict: m.strict,
    hasError: m.hasError,
    request: m.requestPayload ?? null,
    response: m.responsePayload ?? null,
    success: m.successPayload ?? null,
    error: m.errorType ?? null,
    wrapped: m.kind === 'two-way' && (m.hasError || !m.strict),
    isAsync: m.attributes.some((a) => a.name === 'async'),
  };
}

export function protocolMethods(p: IrProtocol): MethodInfo[] {
  return p.methods.map(methodInfo);
}
