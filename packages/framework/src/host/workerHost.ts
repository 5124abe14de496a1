/**
 * The manager's side of one driver host: the worker thread, its control
 * port, and how it ended. An exit the manager did not ask for is a crash:
 * every pending request to the host fails with ZX_ERR_PEER_CLOSED at once,
 * and the manager is told with the error that killed the thread.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { Status, StatusError, startWorker, ZxChannel, handleFromTransfer } from '@fdf/zx';
import type { LogRecord } from '../driver/logger.js';
import type { ChildNodeRequest, NodeInfo } from '../driver/startInfo.js';
import type { ProviderRef } from '../namespace/incoming.js';
import type {
  HostCalls,
  HostEvents,
  HostWorkerData,
  ManagerCalls,
  ManagerEvents,
} from './hostProtocol.js';
import { RpcPort } from './rpcPort.js';

export const HOST_ENTRY = new URL('./hostMain.ts', import.meta.url);

/** How the host ended. */
export interface HostExit {
  readonly code: number;
  /** The uncaught error's message, when the thread died of one. */
  readonly error: string | undefined;
  /** True when the manager asked the host to end. */
  readonly requested: boolean;
}

/** What the manager does with what a host asks or reports. */
export interface WorkerHostHandlers {
  addChild(instance: number, request: ChildNodeRequest): NodeInfo;
  removeNode(instance: number, path: string): Promise<void>;
  connect(provider: ProviderRef, offer: string, channel: ZxChannel): void;
  log(record: LogRecord): void;
  exited(host: WorkerHost, exit: HostExit): void;
}

export type HostRpc = RpcPort<HostCalls, HostEvents, ManagerCalls, ManagerEvents>;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class WorkerHost {
  readonly name: string;
  readonly threadId: number;
  readonly rpc: HostRpc;
  readonly #worker: Worker;
  readonly #exited: Promise<HostExit>;
  #requested = false;
  #exit: HostExit | undefined;

  private constructor(name: string, worker: Worker, rpc: HostRpc, exited: Promise<HostExit>) {
    this.name = name;
    this.#worker = worker;
    this.threadId = worker.threadId;
    this.rpc = rpc;
    this.#exited = exited;
  }

  /** Starts the worker and resolves once the host listens; rejects if it dies first. */
  static async start(
    name: string,
    handlers: WorkerHostHandlers,
    entry: URL = HOST_ENTRY,
  ): Promise<WorkerHost> {
    const { port1, port2 } = new MessageChannel();
    const data: HostWorkerData = { host: name, control: port2 };
    const worker = startWorker(entry, data, [port2]);
    const rpc: HostRpc = new RpcPort(port1, `driver host '${name}'`, (problem) =>
      handlers.log({
        level: 'warn',
        source: 'driver manager',
        message: problem,
        timeMs: performance.now(),
      }),
    );
    let error: string | undefined;
    // Set once the host is ready; the exit listener needs it from before that.
    const ref: { host?: WorkerHost } = {};
    worker.on('error', (err) => {
      error = describe(err);
    });
    const exited = new Promise<HostExit>((resolve) => {
      worker.once('exit', (code) => {
        const host = ref.host;
        const exit = { code, error, requested: host === undefined ? false : host.#requested };
        rpc.close(error === undefined ? `exited with code ${code}` : `crashed: ${error}`);
        if (host !== undefined) {
          host.#exit = exit;
          handlers.exited(host, exit);
        }
        resolve(exit);
      });
    });
    rpc.handle('add-child', ({ instance, request }) => handlers.addChild(instance, request));
    rpc.handle('remove-node', async ({ instance, path }) => {
      await handlers.removeNode(instance, path);
      return null;
    });
    rpc.on('connect', ({ provider, offer, channel }) => {
      handlers.connect(provider, offer, handleFromTransfer(channel, ZxChannel));
    });
    rpc.on('log', (record) => handlers.log(record));
    const ready = new Promise<void>((resolve) => rpc.on('ready', () => resolve()));
    const first = await Promise.race([ready.then(() => 'ready' as const), exited]);
    if (first !== 'ready') {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `driver host '${name}' ended before it was ready (exit code ${first.code}${first.error === undefined ? '' : `: ${first.error}`}); check the host entry ${entry.href}`,
      );
    }
    ref.host = new WorkerHost(name, worker, rpc, exited);
    return ref.host;
  }

  /** How the host ended, once it did. */
  get exit(): HostExit | undefined {
    return this.#exit;
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  /** Resolves when the thread has ended, however it ended. */
  exited(): Promise<HostExit> {
    return this.#exited;
  }

  /**
   * Stops every driver still in the host, then ends the thread. A host that
   * cannot answer (it is wedged or already dying) is terminated anyway.
   */
  async shutdown(): Promise<HostExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.#requested = true;
    try {
      await this.rpc.request('shutdown', null);
    } catch {
      // The thread is ending anyway; terminate() below makes sure of it.
    }
    await this.#worker.terminate();
    return this.#exited;
  }
}
