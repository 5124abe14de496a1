import { Status, StatusError } from '@fdf/zx';
import { expect } from 'vitest';
import { Arena } from '../arena.js';
import { Dispatcher } from '../dispatcher.js';
import { env } from '../env.js';
import type { DispatcherOptions } from '../types.js';

export interface FakeDriver {
  readonly name: string;
}

export function driver(name: string): FakeDriver {
  return { name };
}

export function dispatcher(
  owner: object,
  name: string,
  opts: Omit<DispatcherOptions, 'name'> = {},
): Dispatcher {
  return env.createDispatcherWithOwner(owner, { name, ...opts });
}

/** Runs `fn` with `owner` on the call stack, as a driver entry point would. */
export function inDriver<T>(owner: object, fn: () => T): T {
  env.registerDriverEntry(owner);
  try {
    return fn();
  } finally {
    env.registerDriverExit();
  }
}

/** Runs `fn` as a task of `d` (queued, then drained), returning what it returned. */
export function onDispatcher<T>(d: Dispatcher, fn: () => T): T {
  let result: { value: T } | null = null;
  d.post(() => {
    result = { value: fn() };
  });
  env.runUntilIdle();
  if (result === null) throw new StatusError(Status.ERR_INTERNAL, 'task did not run');
  return (result as { value: T }).value;
}

export function expectStatus(fn: () => unknown, status: Status, message?: RegExp): StatusError {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StatusError);
  const err = caught as StatusError;
  expect(Status[err.status]).toBe(Status[status]);
  if (message) expect(err.message).toMatch(message);
  return err;
}

export function bytes(arena: Arena, values: number[]): Uint8Array {
  const b = arena.allocate(values.length);
  b.set(values);
  return b;
}

export function notInlined(d: Dispatcher): Partial<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d.stats().notInlined)) if (v > 0) out[k] = v;
  return out;
}
