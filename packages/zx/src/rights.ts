/**
 * Handle rights with their zircon values (zircon/rights.h). Rights are uint32
 * bit sets; bit 31 does not fit a positive int32, so every API here normalizes
 * with `>>> 0` and bit 31 is written as 0x80000000 rather than `1 << 31`.
 */
export const ZX_RIGHT_NONE = 0;
export const ZX_RIGHT_DUPLICATE = 1 << 0;
export const ZX_RIGHT_TRANSFER = 1 << 1;
export const ZX_RIGHT_READ = 1 << 2;
export const ZX_RIGHT_WRITE = 1 << 3;
export const ZX_RIGHT_EXECUTE = 1 << 4;
export const ZX_RIGHT_MAP = 1 << 5;
export const ZX_RIGHT_GET_PROPERTY = 1 << 6;
export const ZX_RIGHT_SET_PROPERTY = 1 << 7;
export const ZX_RIGHT_ENUMERATE = 1 << 8;
export const ZX_RIGHT_DESTROY = 1 << 9;
export const ZX_RIGHT_SET_POLICY = 1 << 10;
export const ZX_RIGHT_GET_POLICY = 1 << 11;
export const ZX_RIGHT_SIGNAL = 1 << 12;
export const ZX_RIGHT_SIGNAL_PEER = 1 << 13;
export const ZX_RIGHT_WAIT = 1 << 14;
export const ZX_RIGHT_INSPECT = 1 << 15;
export const ZX_RIGHT_MANAGE_JOB = 1 << 16;
export const ZX_RIGHT_MANAGE_PROCESS = 1 << 17;
export const ZX_RIGHT_MANAGE_THREAD = 1 << 18;
export const ZX_RIGHT_APPLY_PROFILE = 1 << 19;
export const ZX_RIGHT_MANAGE_SOCKET = 1 << 20;
export const ZX_RIGHT_OP_CHILDREN = 1 << 21;
export const ZX_RIGHT_RESIZE = 1 << 22;
export const ZX_RIGHT_ATTACH_VMO = 1 << 23;
export const ZX_RIGHT_MANAGE_VMO = 1 << 24;
export const ZX_RIGHT_SAME_RIGHTS = 0x8000_0000;

export const ZX_RIGHTS_BASIC =
  ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT;
export const ZX_RIGHTS_IO = ZX_RIGHT_READ | ZX_RIGHT_WRITE;
export const ZX_RIGHTS_PROPERTY = ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;

export const ZX_DEFAULT_VMO_RIGHTS =
  ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | ZX_RIGHT_MAP | ZX_RIGHT_SIGNAL;
export const ZX_DEFAULT_EVENT_RIGHTS = ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL;
export const ZX_DEFAULT_EVENTPAIR_RIGHTS = ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER;
export const ZX_DEFAULT_CHANNEL_RIGHTS =
  (ZX_RIGHTS_BASIC & ~ZX_RIGHT_DUPLICATE) | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER;
export const ZX_DEFAULT_FIFO_RIGHTS =
  ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER;

const RIGHT_NAMES: readonly string[] = [
  'DUPLICATE',
  'TRANSFER',
  'READ',
  'WRITE',
  'EXECUTE',
  'MAP',
  'GET_PROPERTY',
  'SET_PROPERTY',
  'ENUMERATE',
  'DESTROY',
  'SET_POLICY',
  'GET_POLICY',
  'SIGNAL',
  'SIGNAL_PEER',
  'WAIT',
  'INSPECT',
  'MANAGE_JOB',
  'MANAGE_PROCESS',
  'MANAGE_THREAD',
  'APPLY_PROFILE',
  'MANAGE_SOCKET',
  'OP_CHILDREN',
  'RESIZE',
  'ATTACH_VMO',
  'MANAGE_VMO',
];

/** "READ|WRITE|MAP" for error messages; "NONE" for 0; unknown bits as hex. */
export function rightsName(rights: number): string {
  let rest = rights >>> 0;
  if (rest === 0) return 'NONE';
  const parts: string[] = [];
  for (let bit = 0; bit < RIGHT_NAMES.length; bit++) {
    const mask = 1 << bit;
    if ((rest & mask) !== 0) {
      parts.push(RIGHT_NAMES[bit] ?? `BIT${bit}`);
      rest = (rest & ~mask) >>> 0;
    }
  }
  if ((rest & ZX_RIGHT_SAME_RIGHTS) !== 0) {
    parts.push('SAME_RIGHTS');
    rest = (rest & ~ZX_RIGHT_SAME_RIGHTS) >>> 0;
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

/** True when every bit of `wanted` is in `held`. */
export function hasRights(held: number, wanted: number): boolean {
  return (wanted & ~held) === 0;
}
