/**
 * The `echo` workload: `count` echoes of `size` bytes, alternately verbatim
 * and reversed, each reply checked against what was sent, with `depth`
 * requests in flight (1: one at a time, a latency figure; more: throughput).
 * Payloads are allocated in the request's arena, so over the Driver transport
 * nothing is copied on the way down the stack and back.
 *
 * The checksum folds each reply's digest in request order, so it does not
 * depend on the order replies arrived in, nor on `depth`.
 */
import { sample } from '@fdf/bindings';
import {
  integerParam,
  type DriverCounters,
  type WorkloadParams,
  type WorkloadResult,
} from '@fdf/framework';
import { Arena } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { FNV_OFFSET, fnv1a, hex32 } from './checksum.js';
import type { EchoPort } from './ports.js';

/** The payload of echo `i`: a byte pattern that differs per request. */
export function fillPayload(into: Uint8Array, i: number): void {
  for (let k = 0; k < into.length; k++) into[k] = (i * 17 + k * 3 + 1) & 0xff;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return k;
  return -1;
}

async function echoOne(port: EchoPort, i: number, size: number): Promise<number> {
  const arena = Arena.create('echo-workload');
  try {
    const data = arena.allocate(size);
    fillPayload(data, i);
    const expected = data.slice();
    const mode = i % 2 === 0 ? sample.EchoMode.VERBATIM : sample.EchoMode.REVERSED;
    if (mode === sample.EchoMode.REVERSED) expected.reverse();
    const reply = await port.echo(data, mode, arena);
    const at = firstDifference(reply, expected);
    if (at >= 0) {
      throw new StatusError(
        Status.ERR_IO,
        `echo ${i} (${size} B, ${mode === sample.EchoMode.VERBATIM ? 'verbatim' : 'reversed'}): the reply differs from what was sent at byte ${at}`,
      );
    }
    return fnv1a(FNV_OFFSET, reply);
  } finally {
    arena.release();
  }
}

export async function echoWorkload(
  port: EchoPort,
  params: WorkloadParams,
  counters: DriverCounters,
): Promise<WorkloadResult> {
  const count = integerParam('echo', params, 'count', 256, { min: 1, max: 10_000_000 });
  const size = integerParam('echo', params, 'size', 64, { min: 1, max: sample.MAX_ECHO });
  const depth = integerParam('echo', params, 'depth', 1, { min: 1, max: 1024 });
  const digests = new Uint32Array(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) digests[i] = await echoOne(port, i, size);
  };
  await Promise.all(Array.from({ length: Math.min(depth, count) }, lane));
  counters.add('echo.completed', count);
  return {
    ops: count,
    summary: `${count} echoes of ${size} B verified`,
    checksum: hex32(fnv1a(FNV_OFFSET, new Uint8Array(digests.buffer))),
  };
}
