/**
 * The synchronous Channel-transport client: `zx_channel_call` semantics, the
 * thread blocks (Atomics.wait) until the reply. For a driver host talking to
 * a server in another host (worker); blocking on a server in the same thread
 * can only time out.
 */
import { deadlineAfter, INFINITE, type ZxChannel } from '@fdf/zx';
import type { Arena } from '@fdf/runtime';
import { decodeHeader, EPITAPH_ORDINAL } from '../../wire/index.js';
import type { MethodInfo } from '../methodInfo.js';
import type { ProtocolDescriptor } from '../protocol.js';
import { callResult } from '../results.js';
import { newStats, type TransportStats } from '../types.js';
import { Status, StatusError } from '@fdf/zx';

export interface ChannelSyncClientOptions {
  /** Per-call timeout in ms; default: wait until the reply or the peer closing. */
  timeoutMs?: number;
}

export function createChannelSyncClient<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: ZxChannel,
  opts: ChannelSyncClientOptions = {},
): SC {
  const stats: TransportStats = newStats();
  const codec = proto.codec;
  const api: Record<string, unknown> = { stats, close: () => channel.closed || channel.close() };

  const call = (m: MethodInfo, request: unknown): unknown => {
    const { bytes, handles } = codec.encodeMessage(
      { txid: 0, ordinal: m.ordinal, flexible: !m.strict },
      m.request,
      m.request === null ? undefined : request,
    );
    stats.bytesCopied += bytes.length;
    stats.copies++;
    if (m.kind === 'one-way') {
      channel.write(bytes, handles);
      stats.messages++;
      return undefined;
    }
    const deadline = opts.timeoutMs === undefined ? INFINITE : deadlineAfter(opts.timeoutMs);
    const reply = channel.call(bytes, handles, deadline);
    stats.messages += 2;
    stats.bytesCopied += reply.bytes.length;
    stats.copies++;
    if (decodeHeader(reply.bytes).ordinal === EPITAPH_ORDINAL) {
      const status =
        codec.decodeMessage(reply.bytes, reply.handles, null).epitaph ?? Status.ERR_PEER_CLOSED;
      throw new StatusError(
        status,
        `${proto.name}.${m.fidlName}: the server closed the channel with an epitaph`,
      );
    }
    const decoded = codec.decodeMessage(reply.bytes, reply.handles, m.response);
    if (decoded.header.ordinal !== m.ordinal) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${proto.name}.${m.fidlName}: the reply carries ordinal 0x${decoded.header.ordinal.toString(16)}; the server is broken`,
      );
    }
    return callResult(m, proto.name, decoded.body);
  };

  for (const m of proto.methods) {
    if (m.kind === 'event') continue;
    // The arena argument keeps the shape of the Driver-transport sync client; bytes need none.
    api[m.name] =
      m.request === null
        ? (_arena?: Arena) => call(m, null)
        : (request: unknown, _arena?: Arena) => call(m, request);
  }
  return api as SC;
}
