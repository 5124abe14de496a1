import { describe, expect, it } from 'vitest';
import type { Board, BoardDriver } from '../manifest/boardManifest.js';
import type { IncomingRoute } from '../namespace/incoming.js';
import { driverUrl, placementProblem } from './placement.js';

const board = { file: 'boards/b.yaml' } as Board;

function driver(over: Partial<BoardDriver>): BoardDriver {
  return {
    name: 'child',
    manifestPath: '/repo/drivers/sample/child/driver.yaml',
    manifest: undefined,
    variant: 'driver',
    colocate: false,
    host: 'a',
    ...over,
  };
}

const parentInB = { instance: 1, driver: 'parent', host: 'b' };
const route: IncomingRoute = {
  offer: 'fdf.x.P/default',
  parent: 'default',
  node: 'root/p',
  provider: parentInB,
};

describe('placement rules', () => {
  it('lets a driver variant talk to a parent in another host (Channel transport)', () => {
    expect(placementProblem(driver({}), board, [route], parentInB)).toBeUndefined();
  });

  it('refuses a Banjo driver whose parent is in another host, naming both and the fix', () => {
    expect(placementProblem(driver({ variant: 'banjo' }), board, [route], parentInB)).toBe(
      "driver 'child' runs its banjo variant in host 'a', but 'fdf.x.P/default' comes from driver 'parent' in host 'b'; Banjo calls are direct function calls within one host: put both drivers in one host in boards/b.yaml, or set `variant: driver` for child",
    );
  });

  it('refuses a colocated driver placed away from its parent', () => {
    expect(placementProblem(driver({ colocate: true }), board, [], parentInB)).toBe(
      "driver 'child' must run in its parent driver's host (colocate: true), but boards/b.yaml places it in host 'a' and its parent 'parent' in host 'b'; move child to host 'b', or set `colocate: false` for it in the board's drivers",
    );
    expect(
      placementProblem(driver({ colocate: true, host: 'b' }), board, [], parentInB),
    ).toBeUndefined();
    // A device node has no parent driver: nothing to be colocated with.
    expect(placementProblem(driver({ colocate: true }), board, [], null)).toBeUndefined();
  });

  it('names drivers by their package path', () => {
    expect(driverUrl(driver({}))).toBe('fdf-ts://drivers/sample/child');
    expect(driverUrl(driver({ manifestPath: '/elsewhere/x.yaml' }))).toBe('fdf-ts:///child');
  });
});
