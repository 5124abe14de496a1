/**
 * Outgoing and incoming payloads of the Driver transport: validation (the
 * codec's cheap checks, identical to what encoding would enforce) and the
 * arena rule for byte buffers. Nothing here copies a payload object; only
 * byte buffers outside the arena are copied, once, and counted.
 */
import type { Arena } from '@fdf/runtime';
import type { IrType } from '../../ir/types.js';
import type { AnyProtocol } from '../protocol.js';
import type { TransportStats } from '../types.js';
import { relocatorFor } from './bufferRelocator.js';

/**
 * Validates `value` as `type` and returns it with every byte buffer in
 * `arena`: the same object when all of them already were (the zero-copy
 * case), else a copy of the path to each moved buffer.
 */
export function toArena(
  proto: AnyProtocol,
  type: IrType | null,
  value: unknown,
  arena: Arena,
  stats: TransportStats,
): unknown {
  if (type === null) return null;
  proto.codec.validate(type, value);
  const relocate = relocatorFor(proto.codec.ir, type);
  if (relocate === null) return value;
  return relocate(value, (buf) => {
    if (arena.contains(buf)) return buf;
    const copy = arena.allocate(buf.length);
    copy.set(buf);
    stats.bytesCopied += buf.length;
    stats.copies++;
    return copy;
  });
}

/**
 * Returns `value` with no byte buffer left in arena memory the caller does
 * not hold: buffers in `keep` (the caller's own arena) stay, the others are
 * copied to the heap and counted, so the message's arena can be released.
 */
export function outOfArena(
  proto: AnyProtocol,
  type: IrType | null,
  value: unknown,
  messageArena: Arena | null,
  keep: Arena | null,
  stats: TransportStats,
): unknown {
  if (type === null || messageArena === null) return value;
  const relocate = relocatorFor(proto.codec.ir, type);
  if (relocate === null) return value;
  return relocate(value, (buf) => {
    if (!messageArena.contains(buf) || (keep !== null && keep.contains(buf))) return buf;
    stats.bytesCopied += buf.length;
    stats.copies++;
    return buf.slice();
  });
}
