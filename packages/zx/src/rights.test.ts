import { describe, expect, test } from 'vitest';
import {
  ZX_DEFAULT_VMO_RIGHTS,
  ZX_RIGHT_APPLY_PROFILE,
  ZX_RIGHT_ATTACH_VMO,
  ZX_RIGHT_DESTROY,
  ZX_RIGHT_DUPLICATE,
  ZX_RIGHT_ENUMERATE,
  ZX_RIGHT_EXECUTE,
  ZX_RIGHT_GET_POLICY,
  ZX_RIGHT_GET_PROPERTY,
  ZX_RIGHT_INSPECT,
  ZX_RIGHT_MANAGE_JOB,
  ZX_RIGHT_MANAGE_PROCESS,
  ZX_RIGHT_MANAGE_SOCKET,
  ZX_RIGHT_MANAGE_THREAD,
  ZX_RIGHT_MANAGE_VMO,
  ZX_RIGHT_MAP,
  ZX_RIGHT_NONE,
  ZX_RIGHT_OP_CHILDREN,
  ZX_RIGHT_READ,
  ZX_RIGHT_RESIZE,
  ZX_RIGHT_SAME_RIGHTS,
  ZX_RIGHT_SET_POLICY,
  ZX_RIGHT_SET_PROPERTY,
  ZX_RIGHT_SIGNAL,
  ZX_RIGHT_SIGNAL_PEER,
  ZX_RIGHT_TRANSFER,
  ZX_RIGHT_WAIT,
  ZX_RIGHT_WRITE,
  ZX_RIGHTS_BASIC,
  hasRights,
  rightsName,
} from './rights.js';

describe('rights', () => {
  test('bits have the zircon values', () => {
    const bits = [
      ZX_RIGHT_DUPLICATE,
      ZX_RIGHT_TRANSFER,
      ZX_RIGHT_READ,
      ZX_RIGHT_WRITE,
      ZX_RIGHT_EXECUTE,
      ZX_RIGHT_MAP,
      ZX_RIGHT_GET_PROPERTY,
      ZX_RIGHT_SET_PROPERTY,
      ZX_RIGHT_ENUMERATE,
      ZX_RIGHT_DESTROY,
      ZX_RIGHT_SET_POLICY,
      ZX_RIGHT_GET_POLICY,
      ZX_RIGHT_SIGNAL,
      ZX_RIGHT_SIGNAL_PEER,
      ZX_RIGHT_WAIT,
      ZX_RIGHT_INSPECT,
      ZX_RIGHT_MANAGE_JOB,
      ZX_RIGHT_MANAGE_PROCESS,
      ZX_RIGHT_MANAGE_THREAD,
      ZX_RIGHT_APPLY_PROFILE,
      ZX_RIGHT_MANAGE_SOCKET,
      ZX_RIGHT_OP_CHILDREN,
      ZX_RIGHT_RESIZE,
      ZX_RIGHT_ATTACH_VMO,
      ZX_RIGHT_MANAGE_VMO,
    ];
    bits.forEach((bit, i) => expect(bit).toBe(2 ** i));
    expect(ZX_RIGHT_NONE).toBe(0);
    expect(ZX_RIGHT_SAME_RIGHTS).toBe(2 ** 31);
    expect(ZX_RIGHTS_BASIC).toBe(0x0000_c003);
    expect(ZX_DEFAULT_VMO_RIGHTS).toBe(0x0000_d0ef);
  });

  test('rightsName names each bit and unknown leftovers', () => {
    expect(rightsName(0)).toBe('NONE');
    expect(rightsName(ZX_RIGHT_READ | ZX_RIGHT_WRITE)).toBe('READ|WRITE');
    expect(rightsName(ZX_RIGHT_SAME_RIGHTS)).toBe('SAME_RIGHTS');
    expect(rightsName(1 << 27)).toBe('0x8000000');
  });

  test('hasRights is a subset test that works for bit 31', () => {
    expect(hasRights(ZX_DEFAULT_VMO_RIGHTS, ZX_RIGHT_READ | ZX_RIGHT_MAP)).toBe(true);
    expect(hasRights(ZX_RIGHT_READ, ZX_RIGHT_READ | ZX_RIGHT_WRITE)).toBe(false);
    expect(hasRights(ZX_RIGHT_SAME_RIGHTS, ZX_RIGHT_SAME_RIGHTS)).toBe(true);
    expect(hasRights(ZX_RIGHT_READ, ZX_RIGHT_SAME_RIGHTS)).toBe(false);
  });
});
