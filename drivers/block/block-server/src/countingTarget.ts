/**
 * A BlockClient seen through a counter: every read and write the workload
 * issues is counted when it goes out and when it settles, with its status.
 * With the client's own figures (sent, completed, unexpected responses) and
 * the server's session stats, that is how a workload shows each accepted op
 * completed exactly once, and with which status.
 */
import { Status, StatusError, statusName } from '@fdf/zx';
import type { BlockClient } from './client.js';
import type { WorkloadTarget } from './workload.js';

export interface CallCounts {
  issued: number;
  settled: number;
  ok: number;
  failed: number;
  /** Settled calls by status name (ZX_OK included). */
  byStatus: Record<string, number>;
}

export function newCallCounts(): CallCounts {
  return { issued: 0, settled: 0, ok: 0, failed: 0, byStatus: {} };
}

export function statusOf(err: unknown): Status {
  return err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
}

/** Counts the settling of `call` into `counts`; the returned promise settles as `call` does. */
export function counted<T>(counts: CallCounts, call: Promise<T>): Promise<T> {
  counts.issued++;
  const settle = (status: Status): void => {
    counts.settled++;
    if (status === Status.OK) counts.ok++;
    else counts.failed++;
    const name = statusName(status);
    counts.byStatus[name] = (counts.byStatus[name] ?? 0) + 1;
  };
  return call.then(
    (value) => {
      settle(Status.OK);
      return value;
    },
    (err: unknown) => {
      settle(statusOf(err));
      throw err;
    },
  );
}

export function countingTarget(client: BlockClient, counts: CallCounts): WorkloadTarget {
  return {
    info: () => client.info(),
    get maxInFlight() {
      return client.maxInFlight;
    },
    attachVmo: (vmo) => client.attachVmo(vmo),
    detachVmo: (vmoid) => client.detachVmo(vmoid),
    read: (vmoid, devOffset, length, vmoOffset, flags) =>
      counted(counts, client.read(vmoid, devOffset, length, vmoOffset, flags)),
    write: (vmoid, devOffset, length, vmoOffset, flags) =>
      counted(counts, client.write(vmoid, devOffset, length, vmoOffset, flags)),
  };
}
