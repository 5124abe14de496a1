/**
 * What the case groups of `pnpm bench fidl` share: the request objects (one
 * set for every transport), burst sizes, and the small checks and counters
 * the notes under the table are built from.
 */
import { sample } from '@fdf/bindings';
import type { TransportStats } from '@fdf/fidl';
import { Arena, type DispatcherStats, type InlineBlocker } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { BenchCase } from '../harness.js';

/** Calls per measured call of a Banjo case: direct calls take nanoseconds. */
export const BANJO_BATCH = 1000;
/**
 * Calls per measured call of the Driver and Channel cases: two-way calls are
 * all in flight at once and awaited together, one-way calls are followed by
 * whatever proves they were handled.
 */
export const BURST = 256;
/** The Echo and Send payload: one 512-byte sector. */
export const PAYLOAD_BYTES = 512;

/** The requests every transport sends; the bytes live in `arena` so the Driver transport need not copy them. */
export interface EchoRequests {
  arena: Arena;
  echo: sample.EchoEchoRequest;
  send: sample.EchoSendRequest;
  /** An empty Echo: sent after a burst of one-way calls, its reply proves the burst was handled (FIFO). */
  fence: sample.EchoEchoRequest;
}

export function echoRequests(): EchoRequests {
  const arena = Arena.create('bench-fidl');
  const data = arena.allocate(PAYLOAD_BYTES);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  return {
    arena,
    echo: { data, mode: sample.EchoMode.VERBATIM },
    send: { data },
    fence: { data: arena.allocate(0), mode: sample.EchoMode.VERBATIM },
  };
}

/** Bytes the two ends of one transport copied per two-way call, from their stats counters. */
export interface CopiedPerCall {
  client: number;
  server: number;
}

export function copiedPerCall(
  client: { before: TransportStats; after: TransportStats },
  server: { before: TransportStats; after: TransportStats },
  calls: number,
): CopiedPerCall {
  return {
    client: (client.after.bytesCopied - client.before.bytesCopied) / calls,
    server: (server.after.bytesCopied - server.before.bytesCopied) / calls,
  };
}

/**
 * How one dispatcher took the hand-overs of a burst of `calls`: inlined in
 * the sender's frame or queued, with the runtime's reason for each queued
 * one. `posted` hand-overs were the benchmark's own `post` of the burst and
 * are left out.
 */
export function handOvers(
  before: DispatcherStats,
  after: DispatcherStats,
  calls: number,
  posted = 0,
): string {
  const inlined = after.inlined - before.inlined;
  const reasons: string[] = [];
  let queued = 0;
  for (const reason of Object.keys(after.notInlined) as InlineBlocker[]) {
    let n = after.notInlined[reason] - before.notInlined[reason];
    if (reason === 'task') n -= posted;
    if (n === 0) continue;
    queued += n;
    reasons.push(`${reason} ${n}`);
  }
  const parts: string[] = [];
  if (inlined > 0) parts.push(`${inlined}/${calls} inlined`);
  if (queued > 0) parts.push(`${queued}/${calls} queued (${reasons.join(', ')})`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Runs a case once before it is measured and fails with a StatusError if `check` says the result is wrong. */
export async function probe(c: BenchCase, check: () => string | null): Promise<void> {
  await c.fn();
  const problem = check();
  if (problem !== null) {
    throw new StatusError(Status.ERR_INTERNAL, `benchmark ${c.name} is broken: ${problem}`);
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `err` as a StatusError: a worker's uncaught error arrives as whatever it threw. */
export function asStatusError(err: unknown, what: string): StatusError {
  if (StatusError.is(err)) return err;
  return new StatusError(
    Status.ERR_INTERNAL,
    `${what}: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** `p`, or ERR_TIMED_OUT after `ms`: a worker or binding that never ends must not hang the bench. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StatusError(Status.ERR_TIMED_OUT, `${what} did not finish within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
