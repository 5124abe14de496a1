import { describe, expect, it } from 'vitest';
import type { DriverManifest } from '../manifest/driverManifest.js';
import { RestartPolicy } from './restartPolicy.js';

function manifest(over: Partial<DriverManifest>): DriverManifest {
  return {
    file: 'drivers/x/driver.yaml',
    name: 'x',
    bind: { kind: 'program', file: 'x.bind', usings: [], body: [] },
    bindOrigin: 'inline',
    module: 'x.ts',
    export: 'X',
    colocate: false,
    fallback: false,
    dispatcher: { allowSyncCalls: false },
    onCrash: 'restart',
    restartLimits: { maxRestarts: 2, windowMs: 1000 },
    variants: ['driver'],
    ...over,
  };
}

describe('RestartPolicy', () => {
  it('restarts up to maxRestarts within the window, then quarantines with the reason', () => {
    const policy = new RestartPolicy();
    const m = manifest({});
    expect(policy.onCrash(m, 'root/a', 0, 'boom')).toEqual({
      restart: true,
      attempt: 1,
      maxRestarts: 2,
    });
    expect(policy.onCrash(m, 'root/a', 10, 'boom')).toEqual({
      restart: true,
      attempt: 2,
      maxRestarts: 2,
    });
    expect(policy.onCrash(m, 'root/a', 20, 'boom')).toEqual({
      restart: false,
      reason:
        'driver x crashed 3 times within 1000 ms (last: boom), more than restartLimits.maxRestarts = 2; fix the crash, then restart the board',
    });
  });

  it('forgets crashes older than the window, and counts each node apart', () => {
    const policy = new RestartPolicy();
    const m = manifest({});
    policy.onCrash(m, 'root/a', 0, 'boom');
    policy.onCrash(m, 'root/a', 10, 'boom');
    expect(policy.onCrash(m, 'root/b', 20, 'boom')).toMatchObject({ restart: true, attempt: 1 });
    expect(policy.onCrash(m, 'root/a', 1500, 'boom')).toMatchObject({ restart: true, attempt: 1 });
  });

  it('never restarts a driver whose manifest says onCrash: none', () => {
    const { restartLimits: _, ...rest } = manifest({ onCrash: 'none' });
    expect(new RestartPolicy().onCrash(rest, 'root/a', 0, 'boom')).toEqual({
      restart: false,
      reason:
        'driver x crashed (boom) and its manifest says onCrash: none; set `onCrash: restart` in drivers/x/driver.yaml to restart it',
    });
  });
});
