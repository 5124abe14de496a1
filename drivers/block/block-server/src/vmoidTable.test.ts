import { Status, StatusError, Vmo } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { VmoidTable } from './vmoidTable.js';

describe('VmoidTable', () => {
  it('hands out 1, 2, 3..., never 0, and does not reuse a detached id at once', () => {
    const table = new VmoidTable();
    const vmo = Vmo.create(0);
    expect([table.attach(vmo), table.attach(vmo), table.attach(vmo)]).toEqual([1, 2, 3]);
    expect(table.detach(2)).toBe(true);
    expect(table.detach(2)).toBe(false);
    expect(table.get(2)).toBeUndefined();
    expect(table.get(0)).toBeUndefined();
    expect(table.attach(vmo)).toBe(4);
  });

  it('wraps to the lowest free id after 65535, and is full at 65535 VMOs', () => {
    const table = new VmoidTable();
    const vmo = Vmo.create(0);
    for (let i = 1; i <= 0xffff; i++) table.attach(vmo);
    expect(table.size).toBe(0xffff);
    let thrown: unknown;
    try {
      table.attach(vmo);
    } catch (err) {
      thrown = err;
    }
    expect(StatusError.is(thrown, Status.ERR_NO_RESOURCES)).toBe(true);
    table.detach(700);
    table.detach(5);
    expect(table.attach(vmo)).toBe(5);
    expect(table.attach(vmo)).toBe(700);
  });

  it('closes the handles it holds when cleared', () => {
    const table = new VmoidTable();
    const vmo = Vmo.create(4096);
    table.attach(vmo);
    table.clear();
    expect(vmo.closed).toBe(true);
    expect(table.size).toBe(0);
  });
});
