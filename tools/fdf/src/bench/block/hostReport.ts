/**
 * The small protocol between the bench (main thread) and its driver hosts
 * (worker threads): a host says `ready` once it serves, and answers a
 * `report` request with its dispatchers' hand-over counts. The main thread
 * ends the host afterwards.
 */
import { parentPort } from 'node:worker_threads';
import type { DriverCounters } from '@fdf/framework';
import type { Dispatcher } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { DispatcherReport, HostReport } from './types.js';

export type HostMessage = { kind: 'ready' } | { kind: 'report'; report: HostReport };

export const REPORT_REQUEST = 'report';

export function dispatcherReport(d: Dispatcher): DispatcherReport {
  const { processed, inlined, notInlined } = d.stats();
  return { name: d.name, processed, inlined, notInlined: { ...notInlined } };
}

export function hostReport(dispatchers: Dispatcher[], counters: DriverCounters[]): HostReport {
  return {
    dispatchers: dispatchers.map(dispatcherReport),
    shadowWaits: counters.reduce((n, c) => n + c.get('zxcrypt.shadow_waits'), 0),
  };
}

/** Tells the bench this host serves, and answers its report requests from now on. */
export function serveReports(collect: () => HostReport): void {
  const port = parentPort;
  if (port === null) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      'bench host: not running in a worker thread; start it with startWorker',
    );
  }
  port.on('message', (message: unknown) => {
    if (message === REPORT_REQUEST) {
      port.postMessage({ kind: 'report', report: collect() } satisfies HostMessage);
    }
  });
  port.postMessage({ kind: 'ready' } satisfies HostMessage);
}
