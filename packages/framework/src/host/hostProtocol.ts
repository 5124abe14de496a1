/**
 * The host control protocol: what the driver manager (main thread) and a
 * driver host (worker thread) say to each other over the control port, a
 * MessagePort handed to the worker in its workerData. Carried by RpcPort.
 *
 * Manager -> host, answered:
 *   start-driver  DriverStartInfo           -> { workloads }   start() ran and resolved
 *   stop-driver   { instance }              -> null            prepareStop, dispatchers down, stop
 *   reports       null                      -> per-driver dumps, counters, connections
 *   stats         null                      -> heap and thread of the host
 *   run-workload  { instance, name, params} -> WorkloadReport
 *   inject-crash  { instance }              -> null            the host dies right after
 *   shutdown      null                      -> null            every driver stopped; the worker may end
 * Manager -> host, one-way:
 *   serve         { provider, offer, channel }  a connection from a driver of another host
 *
 * Host -> manager, answered:
 *   add-child     { instance, request }     -> NodeInfo
 *   remove-node   { instance, path }        -> null
 * Host -> manager, one-way:
 *   ready         { threadId }              the host is listening
 *   connect       { provider, offer, channel }  to be forwarded to the provider's host
 *   log           LogRecord
 *
 * `channel` is a ZxChannel end as a handle descriptor; the MessagePort it
 * holds travels in the transfer list. The manager revives it and transfers it
 * again to the provider's host, so a channel never needs both hosts alive at
 * once: if the provider's host is gone the manager closes it and the client
 * sees ZX_ERR_PEER_CLOSED.
 */
import type { MessagePort } from 'node:worker_threads';
import type { HandleDescriptor } from '@fdf/zx';
import type { LogRecord } from '../driver/logger.js';
import type { ChildNodeRequest, DriverStartInfo, NodeInfo } from '../driver/startInfo.js';
import type { WorkloadParams, WorkloadReport } from '../driver/workload.js';
import type { ProviderRef } from '../namespace/incoming.js';
import type { HostedDriverReport, HostStats } from './driverHost.js';

export interface HostCalls {
  'start-driver': { req: DriverStartInfo; res: { workloads: string[] } };
  'stop-driver': { req: { instance: number }; res: null };
  reports: { req: null; res: HostedDriverReport[] };
  stats: { req: null; res: HostStats };
  'run-workload': {
    req: { instance: number; name: string; params: WorkloadParams };
    res: WorkloadReport;
  };
  'inject-crash': { req: { instance: number }; res: null };
  shutdown: { req: null; res: null };
  [kind: string]: { req: unknown; res: unknown };
}

export interface HostEvents {
  serve: { provider: number; offer: string; channel: HandleDescriptor };
  [kind: string]: unknown;
}

export interface ManagerCalls {
  'add-child': { req: { instance: number; request: ChildNodeRequest }; res: NodeInfo };
  'remove-node': { req: { instance: number; path: string }; res: null };
  [kind: string]: { req: unknown; res: unknown };
}

export interface ManagerEvents {
  ready: { threadId: number };
  connect: { provider: ProviderRef; offer: string; channel: HandleDescriptor };
  log: LogRecord;
  [kind: string]: unknown;
}

/** The workerData of a host worker. */
export interface HostWorkerData {
  readonly host: string;
  readonly control: MessagePort;
}
