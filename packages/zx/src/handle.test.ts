import { expect, test } from 'vitest';
import { expectStatus } from '../test/expectStatus.js';
import { Handle, ObjType } from './handle.js';
import { Status } from './status.js';

class Counted extends Handle {
  readonly objType = ObjType.EVENT;
  closes = 0;
  protected onClose(): void {
    this.closes++;
  }
}

test('close runs onClose once; a second close is ERR_BAD_HANDLE', () => {
  const handle = new Counted();
  handle.close();
  expect(handle.closed).toBe(true);
  expect(handle.closes).toBe(1);
  const err = expectStatus(() => handle.close(), Status.ERR_BAD_HANDLE);
  expect(err.message).toContain(`koid ${handle.koid}`);
});

test('koids are unique', () => {
  expect(new Counted().koid).not.toBe(new Counted().koid);
});

test('using disposes an open handle and ignores a closed one', () => {
  const open = new Counted();
  const closed = new Counted();
  closed.close();
  {
    using a = open;
    using b = closed;
    void a;
    void b;
  }
  expect(open.closes).toBe(1);
  expect(closed.closes).toBe(1);
});

test('a plain handle cannot move to another thread, and stays open', () => {
  const handle = new Counted();
  expectStatus(() => handle.checkTransferable(), Status.ERR_NOT_SUPPORTED);
  expectStatus(() => handle.toTransfer([]), Status.ERR_NOT_SUPPORTED);
  expect(handle.closed).toBe(false);
});

test('commitTransfer invalidates without running onClose', () => {
  const handle = new Counted();
  handle.commitTransfer();
  expect(handle.closed).toBe(true);
  expect(handle.closes).toBe(0);
  expectStatus(() => handle.assertOpen('test'), Status.ERR_BAD_HANDLE);
});
