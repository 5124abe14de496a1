/**
 * Errors of the wire-format codec.
 *
 * Every encode, decode or validate failure is a `FidlError`: a `StatusError`
 * whose `code` is the GIDL error code name of the conformance suite
 * (tools/fidl/gidl/lib/ir/error.go), so that tests and tools can compare codes
 * instead of parsing messages. The status is ZX_ERR_INVALID_ARGS for both
 * directions, as in the C++ wire bindings (`fidl::Status::DecodeError(
 * ZX_ERR_INVALID_ARGS, ...)` and `EncodeError(ZX_ERR_INVALID_ARGS, ...)`);
 * the phase tells them apart. Header problems that make a message unreadable
 * use ZX_ERR_PROTOCOL_NOT_SUPPORTED, as `fidl_validate_txn_header` does.
 */
import { Status, StatusError } from '@fdf/zx';
import { MAX_DEPTH } from './layout.js';

/** The error codes of the GIDL conformance suite, plus FLEXIBLE_UNION_UNKNOWN_FIELD (encode only). */
export const GIDL_ERROR_CODES = [
  'COUNT_EXCEEDS_LIMIT',
  'ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH',
  'ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH',
  'EXCEEDED_MAX_OUT_OF_LINE_DEPTH',
  'INCORRECT_HANDLE_TYPE',
  'INVALID_BOOLEAN',
  'INVALID_EMPTY_STRUCT',
  'INVALID_INLINE_BIT_IN_ENVELOPE',
  'INVALID_INLINE_MARKER_IN_ENVELOPE',
  'INVALID_NUM_BYTES_IN_ENVELOPE',
  'INVALID_NUM_HANDLES_IN_ENVELOPE',
  'INVALID_PADDING_BYTE',
  'INVALID_PRESENCE_INDICATOR',
  'INVALID_HANDLE_PRESENCE_INDICATOR',
  'MISSING_REQUIRED_HANDLE_RIGHTS',
  'NON_EMPTY_STRING_WITH_NULL_BODY',
  'NON_EMPTY_VECTOR_WITH_NULL_BODY',
  'NON_NULLABLE_TYPE_WITH_NULL_VALUE',
  'NON_RESOURCE_UNKNOWN_HANDLES',
  'STRICT_BITS_UNKNOWN_BIT',
  'STRICT_ENUM_UNKNOWN_VALUE',
  'STRICT_UNION_UNKNOWN_FIELD',
  'STRING_COUNT_EXCEEDS_32_BIT_LIMIT',
  'STRING_NOT_UTF8',
  'STRING_TOO_LONG',
  'TABLE_COUNT_EXCEEDS_32_BIT_LIMIT',
  'TOO_FEW_BYTES',
  'TOO_FEW_BYTES_IN_PRIMARY_OBJECT',
  'TOO_FEW_HANDLES',
  'TOO_MANY_BYTES_IN_MESSAGE',
  'TOO_MANY_HANDLES_IN_MESSAGE',
  'UNEXPECTED_ORDINAL',
  'UNION_FIELD_NOT_SET',
  'VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT',
  'FLEXIBLE_UNION_UNKNOWN_FIELD',
] as const;

export type GidlErrorCode = (typeof GIDL_ERROR_CODES)[number];

/**
 * Codes outside the GIDL list, for failures GIDL cannot express:
 * - INVALID_VALUE: the JS value does not have the shape of its FIDL type
 *   (a string where a number belongs, an integer out of range, an array of
 *   the wrong length, an unknown union tag name, a closed or reused handle).
 * - INVALID_MAGIC_NUMBER, UNSUPPORTED_WIRE_FORMAT: a transactional header this
 *   codec cannot read (magic number not 0x01; at-rest flags without the V2 bit).
 */
export type FidlErrorCode =
  GidlErrorCode | 'INVALID_VALUE' | 'INVALID_MAGIC_NUMBER' | 'UNSUPPORTED_WIRE_FORMAT';

export type FidlPhase = 'encode' | 'decode' | 'validate';

/** What to do about an error, by code; the message ends with it. */
const HINTS: Partial<Record<FidlErrorCode, string>> = {
  STRING_TOO_LONG: 'shorten the string or raise the bound in the .fidl file',
  COUNT_EXCEEDS_LIMIT: 'send fewer elements or raise the bound in the .fidl file',
  STRING_NOT_UTF8:
    'strings must be well-formed Unicode (no lone surrogates); use vector<uint8> for raw bytes',
  NON_NULLABLE_TYPE_WITH_NULL_VALUE:
    'set the member, or declare the type optional in the .fidl file',
  UNION_FIELD_NOT_SET: "set `$tag` to a variant name and the variant's key to its value",
  FLEXIBLE_UNION_UNKNOWN_FIELD:
    'an unknown variant received from a peer cannot be re-sent; pick a known variant',
  STRICT_ENUM_UNKNOWN_VALUE: 'use one of the members, or make the enum flexible',
  STRICT_BITS_UNKNOWN_BIT: 'clear the bits that are not members, or make the bits flexible',
  EXCEEDED_MAX_OUT_OF_LINE_DEPTH: 'out-of-line objects nest at most 32 deep; flatten the value',
  INCORRECT_HANDLE_TYPE: 'pass a handle of the object type the .fidl file declares',
  MISSING_REQUIRED_HANDLE_RIGHTS: 'pass a handle with at least the rights the .fidl file declares',
  INVALID_VALUE: 'see the value conventions in packages/fidl/docs/wire.md',
  INVALID_MAGIC_NUMBER: 'the peer speaks another FIDL protocol version',
  UNSUPPORTED_WIRE_FORMAT: 'only wire format V2 is supported; the peer must set at-rest flag 0x02',
};

const DECODE_HINT =
  'the bytes are not a valid encoding of the type; the sender or the type is wrong';

/**
 * A wire-format failure. `path` locates the failing part of the value, e.g.
 * `Struct.field[3].member`; it is filled in while the error unwinds, so the
 * message is rebuilt when a path segment is added.
 */
export class FidlError extends StatusError {
  readonly code: FidlErrorCode;
  readonly phase: FidlPhase;
  readonly detail: string;
  /** Path segments innermost first (`.member`, `[3]`); see `path`. */
  readonly segments: string[] = [];
  root = '';

  constructor(code: FidlErrorCode, phase: FidlPhase, detail: string, status?: Status) {
    super(status ?? defaultStatus(code), '');
    this.name = 'FidlError';
    this.code = code;
    this.phase = phase;
    this.detail = detail;
    this.refreshMessage();
  }

  /** `Root.field[3].member`, or the root name alone. */
  get path(): string {
    let p = this.root;
    for (let i = this.segments.length - 1; i >= 0; i--) p += this.segments[i];
    return p;
  }

  /** Adds the enclosing segment (called by each composite while unwinding). */
  within(segment: string): this {
    this.segments.push(segment);
    return this;
  }

  /** Sets the root name and rebuilds the message; called once at the API boundary. */
  at(root: string): this {
    this.root = root;
    this.refreshMessage();
    return this;
  }

  private refreshMessage(): void {
    const hint = HINTS[this.code] ?? (this.phase === 'decode' ? DECODE_HINT : undefined);
    const where = this.path === '' ? '' : `${this.path}: `;
    this.message = `${statusPrefix(this.status)}${this.phase} ${where}${this.code}: ${this.detail}${hint === undefined ? '' : ` (${hint})`}`;
  }

  /** True when `err` is a FidlError, with `code` when given. */
  static hasCode(err: unknown, code?: FidlErrorCode): err is FidlError {
    return err instanceof FidlError && (code === undefined || err.code === code);
  }
}

function defaultStatus(code: FidlErrorCode): Status {
  return code === 'INVALID_MAGIC_NUMBER' || code === 'UNSUPPORTED_WIRE_FORMAT'
    ? Status.ERR_PROTOCOL_NOT_SUPPORTED
    : Status.ERR_INVALID_ARGS;
}

function statusPrefix(status: Status): string {
  return `ZX_${Status[status] ?? `STATUS(${status})`}: `;
}

/** Adds a path segment to a FidlError passing through; other errors pass unchanged. */
export function withSegment(err: unknown, segment: string): unknown {
  if (err instanceof FidlError) err.within(segment);
  return err;
}

/** An out-of-line object deeper than MAX_DEPTH (fidl.md 2.8). */
export function depthError(phase: FidlPhase, depth: number): FidlError {
  return new FidlError(
    'EXCEEDED_MAX_OUT_OF_LINE_DEPTH',
    phase,
    `an out-of-line object would be at depth ${depth}, the limit is ${MAX_DEPTH}`,
  );
}
