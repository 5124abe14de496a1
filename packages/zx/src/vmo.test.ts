import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { expectStatus } from '../test/expectStatus.js';
import { handleFromTransfer, transferHandle } from './handleTransfer.js';
import {
  ZX_DEFAULT_VMO_RIGHTS,
  ZX_RIGHT_DUPLICATE,
  ZX_RIGHT_MAP,
  ZX_RIGHT_READ,
  ZX_RIGHT_SAME_RIGHTS,
  ZX_RIGHT_TRANSFER,
  ZX_RIGHT_WRITE,
} from './rights.js';
import { Status } from './status.js';
import { Vmo, ZX_PAGE_SIZE } from './vmo.js';

describe('Vmo.create', () => {
  test('rounds the size up to whole pages', () => {
    expect(Vmo.create(0).size).toBe(0);
    expect(Vmo.create(1).size).toBe(ZX_PAGE_SIZE);
    expect(Vmo.create(4096).size).toBe(4096);
    expect(Vmo.create(4097).size).toBe(8192);
    expect(Vmo.create(10).rights).toBe(ZX_DEFAULT_VMO_RIGHTS);
  });

  test('rejects sizes that are not byte counts', () => {
    expectStatus(() => Vmo.create(-1), Status.ERR_INVALID_ARGS);
    expectStatus(() => Vmo.create(1.5), Status.ERR_INVALID_ARGS);
    expectStatus(() => Vmo.create(Number.NaN), Status.ERR_INVALID_ARGS);
  });

  test('memory starts zeroed', () => {
    expect(Vmo.create(16).read(0, 16)).toEqual(new Uint8Array(16));
  });
});

describe('Vmo read and write', () => {
  test('write then read copies bytes in and out', () => {
    const vmo = Vmo.create(100);
    vmo.write(new Uint8Array([1, 2, 3]), 10);
    const copy = vmo.read(9, 5);
    expect([...copy]).toEqual([0, 1, 2, 3, 0]);
    copy[1] = 99;
    expect(vmo.read(10, 1)[0]).toBe(1);
  });

  test('read into a caller buffer', () => {
    const vmo = Vmo.create(100);
    vmo.write(new Uint8Array([7, 8]), 4094);
    const into = new Uint8Array(3);
    expect(vmo.read(into, 4093)).toBe(into);
    expect([...into]).toEqual([0, 7, 8]);
  });

  test('ranges past the end are ERR_OUT_OF_RANGE', () => {
    const vmo = Vmo.create(4096);
    vmo.write(new Uint8Array(4096), 0);
    expectStatus(() => vmo.read(4096, 1), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => vmo.read(new Uint8Array(2), 4095), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => vmo.write(new Uint8Array(1), 4096), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => vmo.write(new Uint8Array(1), -1), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => vmo.view(4000, 97), Status.ERR_OUT_OF_RANGE);
    expectStatus(() => vmo.read(0.5, 1), Status.ERR_INVALID_ARGS);
  });

  test('a handle without WRITE cannot write, without READ cannot read', () => {
    const vmo = Vmo.create(64);
    const readOnly = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_MAP);
    const err = expectStatus(() => readOnly.write(new Uint8Array(1), 0), Status.ERR_ACCESS_DENIED);
    expect(err.message).toContain('WRITE');
    expect(readOnly.read(0, 1)).toEqual(new Uint8Array(1));
    const writeOnly = vmo.duplicate(ZX_RIGHT_WRITE);
    expectStatus(() => writeOnly.read(0, 1), Status.ERR_ACCESS_DENIED);
    writeOnly.write(new Uint8Array([5]), 0);
    expect(readOnly.read(0, 1)[0]).toBe(5);
  });

  test('a closed handle is ERR_BAD_HANDLE for every operation', () => {
    const vmo = Vmo.create(64);
    vmo.close();
    expect(vmo.closed).toBe(true);
    expectStatus(() => vmo.size, Status.ERR_BAD_HANDLE);
    expectStatus(() => vmo.read(0, 1), Status.ERR_BAD_HANDLE);
    expectStatus(() => vmo.write(new Uint8Array(1), 0), Status.ERR_BAD_HANDLE);
    expectStatus(() => vmo.view(), Status.ERR_BAD_HANDLE);
    expectStatus(() => vmo.duplicate(), Status.ERR_BAD_HANDLE);
    expectStatus(() => vmo.close(), Status.ERR_BAD_HANDLE);
  });
});

describe('Vmo.view', () => {
  test('is the shared memory itself, not a copy', () => {
    const vmo = Vmo.create(8192);
    const view = vmo.view(4096, 16);
    view[0] = 42;
    expect(vmo.read(4096, 1)[0]).toBe(42);
    vmo.write(new Uint8Array([43]), 4097);
    expect(view[1]).toBe(43);
    expect(vmo.view().length).toBe(8192);
    expect(vmo.view(100).length).toBe(8092);
  });

  test('needs MAP, and WRITE for a writable view', () => {
    const vmo = Vmo.create(64);
    const noMap = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    expectStatus(() => noMap.view(0, 1, false), Status.ERR_ACCESS_DENIED);
    const readOnly = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_MAP);
    expectStatus(() => readOnly.view(0, 1), Status.ERR_ACCESS_DENIED);
    expectStatus(() => readOnly.view(0, 1, true), Status.ERR_ACCESS_DENIED);
  });

  test('a read-only view still sees writes made through other handles', () => {
    const vmo = Vmo.create(64);
    const view = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_MAP).view(0, 4, false);
    vmo.write(new Uint8Array([9, 8, 7, 6]), 0);
    expect([...view]).toEqual([9, 8, 7, 6]);
  });
});

describe('Vmo.duplicate and replace', () => {
  test('duplicate shares memory and can only drop rights', () => {
    const vmo = Vmo.create(64);
    const same = vmo.duplicate(ZX_RIGHT_SAME_RIGHTS);
    expect(same.rights).toBe(vmo.rights);
    same.write(new Uint8Array([1]), 0);
    expect(vmo.read(0, 1)[0]).toBe(1);
    const fewer = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
    expect(fewer.rights).toBe(ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
    expectStatus(() => fewer.duplicate(ZX_RIGHT_READ | ZX_RIGHT_WRITE), Status.ERR_INVALID_ARGS);
  });

  test('duplicate needs DUPLICATE', () => {
    const vmo = Vmo.create(64).duplicate(ZX_RIGHT_READ);
    expectStatus(() => vmo.duplicate(ZX_RIGHT_READ), Status.ERR_ACCESS_DENIED);
  });

  test('replace consumes the handle', () => {
    const vmo = Vmo.create(64);
    const replaced = vmo.replace(ZX_RIGHT_READ);
    expect(vmo.closed).toBe(true);
    expect(replaced.rights).toBe(ZX_RIGHT_READ);
    expectStatus(() => replaced.replace(ZX_RIGHT_WRITE), Status.ERR_INVALID_ARGS);
    expect(replaced.closed).toBe(false);
  });
});

describe('Vmo transfer', () => {
  test('travels as the same shared memory with its rights', () => {
    const vmo = Vmo.create(64);
    const sender = vmo.duplicate(ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_TRANSFER);
    const { descriptor, transferList } = transferHandle(sender);
    expect(sender.closed).toBe(true);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(descriptor, transferList);
    const received = handleFromTransfer(receiveMessageOnPort(port2)?.message, Vmo);
    port1.close();
    expect(received.rights).toBe(ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_TRANSFER);
    received.write(new Uint8Array([77]), 3);
    expect(vmo.read(3, 1)[0]).toBe(77);
  });

  test('needs TRANSFER', () => {
    const vmo = Vmo.create(64).duplicate(ZX_RIGHT_READ);
    expectStatus(() => transferHandle(vmo), Status.ERR_ACCESS_DENIED);
    expect(vmo.closed).toBe(false);
  });
});
