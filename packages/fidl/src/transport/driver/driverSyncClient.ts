/**
 * The synchronous Driver-transport client: each call blocks in the runtime's
 * `Channel.call` until its reply. Allowed from a dispatcher created with
 * `allowSyncCalls` (the runtime rejects others with ERR_BAD_STATE) or from
 * outside any driver callback; while blocked, the runtime runs the other
 * dispatchers, so a server in the same host can answer.
 */
import { Arena, env, type Channel } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { callResult } from '../results.js';
import { newStats, type TransportStats } from '../types.js';
import { DriverFrame, frameBytes, frameOf } from './frame.js';
import { DriverProtocol, type DriverMethod } from './plan.js';

export interface DriverSyncClientOptions {
  /** Per-call timeout in ms on env.now(); default: wait as long as a reply can still come. */
  timeoutMs?: number;
}

export function createDriverSyncClient<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: Channel,
  opts: DriverSyncClientOptions = {},
): SC {
  const p: AnyProtocol = proto;
  const stats: TransportStats = newStats();
  const api: Record<string, unknown> = { stats, close: () => channel.closed || channel.close() };

  const plan = DriverProtocol.of(p);

  const call = (dm: DriverMethod, request: unknown, arena: Arena | undefined): unknown => {
    const m = dm.info;
    const a = arena ?? Arena.create(dm.tag);
    try {
      const payload = dm.request === null ? null : dm.request.toArena(request, a, stats);
      const frame = new DriverFrame(0, dm.ordinal, dm.flexible, payload, Status.OK, dm);
      if (m.kind === 'one-way') {
        channel.write(a, frame);
        stats.messages++;
        return undefined;
      }
      const deadline = opts.timeoutMs === undefined ? Infinity : env.now() + opts.timeoutMs;
      const reply = channel.call(a, frameBytes(a, frame), [], deadline);
      stats.messages += 2;
      try {
        const r = frameOf(reply.data);
        if (r.ordinal !== m.ordinal) {
          throw new StatusError(
            Status.ERR_INVALID_ARGS,
            `${proto.name}.${m.fidlName}: the reply carries ordinal 0x${r.ordinal.toString(16)}; the server is broken`,
          );
        }
        const value =
          dm.response === null
            ? r.payload
            : dm.response.outOfArena(r.payload, reply.arena, arena ?? null, stats);
        return callResult(m, proto.name, value);
      } finally {
        reply.arena?.release();
      }
    } finally {
      if (arena === undefined) a.release();
    }
  };

  for (const m of p.methods) {
    if (m.kind === 'event') continue;
    const dm = plan.method(m);
    api[m.name] =
      m.request === null
        ? (arena?: Arena) => call(dm, null, arena)
        : (request: unknown, arena?: Arena) => call(dm, request, arena);
  }
  return api as SC;
}
