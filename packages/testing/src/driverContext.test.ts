import { Channel, Dispatcher, env } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeDriverContext, withDriver } from './driverContext.js';
import { resetEnv, runUntilIdle } from './environment.js';

beforeEach(() => resetEnv());

describe('createFakeDriverContext', () => {
  it('registers a fake driver { name } with a default dispatcher named after it', () => {
    const ctx = createFakeDriverContext('blk');
    expect(ctx.driver).toEqual({ name: 'blk' });
    expect(ctx.dispatcher.name).toBe('blk');
    expect(ctx.dispatcher.synchronized).toBe(true);
    expect(ctx.dispatcher.dump()).toContain('Dispatcher to dump: blk (driver blk)');
  });

  it('passes dispatcher options through', () => {
    const ctx = createFakeDriverContext('sync', { allowSyncCalls: true });
    expect(ctx.dispatcher.allowSyncCalls).toBe(true);
  });

  it('callbacks on its dispatcher run with the driver on the stack', () => {
    const ctx = createFakeDriverContext('a');
    let owner: object | null = null;
    ctx.dispatcher.post(() => {
      owner = env.currentDriver();
    });
    runUntilIdle();
    expect(owner).toBe(ctx.driver);
  });

  it('createDispatcher adds a dispatcher owned by the same driver: messages between them are reentrant', () => {
    const ctx = createFakeDriverContext('a');
    const second = ctx.createDispatcher({ name: 'a-2' });
    const [to, from] = Channel.create();
    from.waitAsync(second, () => from.read());
    ctx.dispatcher.post(() => to.write(null));
    runUntilIdle();
    expect(second.stats().notInlined.reentrant).toBe(1);
  });

  it('shutdown shuts every dispatcher down and runs the driver observer', () => {
    const ctx = createFakeDriverContext('a');
    const second = ctx.createDispatcher({ name: 'a-2' });
    ctx.shutdown();
    expect(ctx.dispatcher.state).toBe('shutdown');
    expect(second.state).toBe('shutdown');
  });

  it('shutdown from inside one of its callbacks cannot complete: ERR_BAD_STATE', () => {
    const ctx = createFakeDriverContext('a');
    let status: Status | null = null;
    ctx.dispatcher.post(() => {
      try {
        ctx.shutdown();
      } catch (err) {
        status = StatusError.is(err) ? err.status : null;
      }
    });
    runUntilIdle();
    expect(status).toBe(Status.ERR_BAD_STATE);
  });
});

describe('withDriver', () => {
  it('runs fn with the driver on the call stack and pops it after, even on throw', () => {
    const driver = { name: 'entry' };
    const inside = withDriver(driver, () => env.currentDriver());
    expect(inside).toBe(driver);
    expect(env.currentDriver()).toBeNull();
    expect(() =>
      withDriver(driver, () => {
        throw new RangeError('boom');
      }),
    ).toThrow('boom');
    expect(env.currentDriver()).toBeNull();
  });

  it('Dispatcher.create inside it is owned by the driver', () => {
    const driver = { name: 'owner' };
    const d = withDriver(driver, () => Dispatcher.create({ name: 'made-inside' }));
    expect(d.dump()).toContain('Dispatcher to dump: made-inside (driver owner)');
  });

  it('the driver counts as on the stack: writes to its own dispatchers are reentrant', () => {
    const ctx = createFakeDriverContext('a');
    const [to, from] = Channel.create();
    from.waitAsync(ctx.dispatcher, () => from.read());
    ctx.run(() => to.write(null));
    expect(ctx.dispatcher.stats().notInlined.reentrant).toBe(1);
  });
});
