import { describe, expect, it } from 'vitest';
import {
  currentDispatcher,
  currentDriver,
  dispatchersOnStack,
  isDriverOnStack,
  popFrame,
  pushFrame,
  stackDepth,
  topIsDriverEntry,
} from './callStack.js';
import { dispatcher, driver } from './__tests__/fixtures.js';

describe('call stack', () => {
  it('tracks (driver, dispatcher) frames; the top is the current one', () => {
    const a = driver('a');
    const b = driver('b');
    const da = dispatcher(a, 'da');
    expect(currentDriver()).toBeNull();
    pushFrame(a, da);
    pushFrame(b, null);
    expect(stackDepth()).toBe(2);
    expect(currentDriver()).toBe(b);
    expect(currentDispatcher()).toBeNull();
    expect(topIsDriverEntry()).toBe(true);
    expect(isDriverOnStack(a)).toBe(true);
    expect(dispatchersOnStack()).toEqual([da]);
    popFrame();
    expect(currentDispatcher()).toBe(da);
    expect(topIsDriverEntry()).toBe(false);
    popFrame();
    expect(isDriverOnStack(a)).toBe(false);
    expect(stackDepth()).toBe(0);
  });

  it('popping an empty stack does nothing (frames already forgotten by env.reset)', () => {
    popFrame();
    expect(stackDepth()).toBe(0);
  });
});
