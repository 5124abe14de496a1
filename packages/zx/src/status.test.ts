import { expect, test } from 'vitest';
import { Status, StatusError, check, statusName } from './status.js';

test('statusName prints the zircon name, or the number when unknown', () => {
  expect(statusName(Status.OK)).toBe('ZX_OK');
  expect(statusName(Status.ERR_PEER_CLOSED)).toBe('ZX_ERR_PEER_CLOSED');
  expect(statusName(-999 as Status)).toBe('ZX_STATUS(-999)');
  expect(Status.ERR_SHOULD_WAIT).toBe(-22);
  expect(Status.ERR_IO_NOT_PRESENT).toBe(-44);
});

test('StatusError carries the status and says it first', () => {
  const err = new StatusError(Status.ERR_TIMED_OUT, 'late');
  expect(err.status).toBe(Status.ERR_TIMED_OUT);
  expect(err.message).toBe('ZX_ERR_TIMED_OUT: late');
  expect(StatusError.is(err)).toBe(true);
  expect(StatusError.is(err, Status.ERR_TIMED_OUT)).toBe(true);
  expect(StatusError.is(err, Status.ERR_CANCELED)).toBe(false);
  expect(StatusError.is(new RangeError('x'))).toBe(false);
});

test('check throws only when the condition is false', () => {
  expect(() => check(true, Status.ERR_INTERNAL, 'fine')).not.toThrow();
  expect(() => check(0, Status.ERR_INVALID_ARGS, 'zero')).toThrow('ZX_ERR_INVALID_ARGS: zero');
});
