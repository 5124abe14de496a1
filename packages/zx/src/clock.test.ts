import { expect, test } from 'vitest';
import {
  INFINITE,
  deadlineAfter,
  monotonicMs,
  nsToMs,
  remainingMs,
  zxClockGetMonotonic,
} from './clock.js';

test('the monotonic clock never goes back', () => {
  const a = zxClockGetMonotonic();
  const b = zxClockGetMonotonic();
  expect(typeof a).toBe('bigint');
  expect(b >= a).toBe(true);
  const x = monotonicMs();
  expect(monotonicMs()).toBeGreaterThanOrEqual(x);
});

test('deadlines', () => {
  expect(deadlineAfter(INFINITE)).toBe(INFINITE);
  expect(remainingMs(INFINITE)).toBe(INFINITE);
  const before = monotonicMs();
  const deadline = deadlineAfter(1000);
  expect(deadline).toBeGreaterThanOrEqual(before + 1000);
  expect(remainingMs(deadline)).toBeLessThanOrEqual(1000);
  expect(remainingMs(before - 1)).toBe(0);
  expect(nsToMs(1_500_000n)).toBe(1.5);
});
