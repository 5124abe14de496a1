/**
 * Zircon status codes with their real values (zircon/errors.h), and the one
 * error type every failure in this project throws.
 */
export enum Status {
  OK = 0,
  ERR_INTERNAL = -1,
  ERR_NOT_SUPPORTED = -2,
  ERR_NO_RESOURCES = -3,
  ERR_NO_MEMORY = -4,
  ERR_INTERNAL_INTR_RETRY = -6,
  ERR_INVALID_ARGS = -10,
  ERR_BAD_HANDLE = -11,
  ERR_WRONG_TYPE = -12,
  ERR_BAD_SYSCALL = -13,
  ERR_OUT_OF_RANGE = -14,
  ERR_BUFFER_TOO_SMALL = -15,
  ERR_BAD_STATE = -20,
  ERR_TIMED_OUT = -21,
  ERR_SHOULD_WAIT = -22,
  ERR_CANCELED = -23,
  ERR_PEER_CLOSED = -24,
  ERR_NOT_FOUND = -25,
  ERR_ALREADY_EXISTS = -26,
  ERR_ALREADY_BOUND = -27,
  ERR_UNAVAILABLE = -28,
  ERR_ACCESS_DENIED = -30,
  ERR_IO = -40,
  ERR_IO_REFUSED = -41,
  ERR_IO_DATA_INTEGRITY = -42,
  ERR_IO_DATA_LOSS = -43,
  ERR_IO_NOT_PRESENT = -44,
  ERR_IO_OVERRUN = -45,
  ERR_IO_MISSED_DEADLINE = -46,
  ERR_IO_INVALID = -47,
  ERR_BAD_PATH = -50,
  ERR_NOT_DIR = -51,
  ERR_NOT_FILE = -52,
  ERR_FILE_BIG = -53,
  ERR_NO_SPACE = -54,
  ERR_NOT_EMPTY = -55,
  ERR_STOP = -60,
  ERR_NEXT = -61,
  ERR_ASYNC = -62,
  ERR_PROTOCOL_NOT_SUPPORTED = -70,
  ERR_ADDRESS_UNREACHABLE = -71,
  ERR_ADDRESS_IN_USE = -72,
  ERR_NOT_CONNECTED = -73,
  ERR_CONNECTION_REFUSED = -74,
  ERR_CONNECTION_RESET = -75,
  ERR_CONNECTION_ABORTED = -76,
}

/** "ZX_OK", "ZX_ERR_PEER_CLOSED"; unknown values print as "ZX_STATUS(<n>)". */
export function statusName(status: Status): string {
  const name = Status[status] as string | undefined;
  return name === undefined ? `ZX_STATUS(${status})` : `ZX_${name}`;
}

/** The single error type of the project: a status and a message that says what to do. */
export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status, message: string) {
    super(`${statusName(status)}: ${message}`);
    this.name = 'StatusError';
    this.status = status;
  }

  /** True when `err` is a StatusError carrying `status`. */
  static is(err: unknown, status?: Status): err is StatusError {
    return err instanceof StatusError && (status === undefined || err.status === status);
  }
}

/** Throws a StatusError when `condition` is false. */
export function check(condition: unknown, status: Status, message: string): asserts condition {
  if (!condition) throw new StatusError(status, message);
}
