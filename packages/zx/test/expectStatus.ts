import { expect } from 'vitest';
import { Status, StatusError, statusName } from '../src/index.js';

/** Runs `fn` and asserts it throws a StatusError with exactly `status`; returns the error. */
export function expectStatus(fn: () => unknown, status: Status): StatusError {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${statusName(status)}`).toBeInstanceOf(StatusError);
  expect(statusName((thrown as StatusError).status)).toBe(statusName(status));
  return thrown as StatusError;
}

/** Awaits `promise` and asserts it rejects with a StatusError carrying exactly `status`. */
export async function expectStatusAsync(
  promise: Promise<unknown>,
  status: Status,
): Promise<StatusError> {
  let thrown: unknown = undefined;
  try {
    await promise;
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${statusName(status)}`).toBeInstanceOf(StatusError);
  expect(statusName((thrown as StatusError).status)).toBe(statusName(status));
  return thrown as StatusError;
}
