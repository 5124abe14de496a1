/**
 * The driver host: the drivers of one host (one worker thread, or the test
 * harness's own thread), their start and stop, and the routing of service
 * connections between them. It talks to the manager through a ManagerLink,
 * so the same code runs behind the worker's control port and in-process.
 *
 * Routing: a child connecting to a parent in this host gets a runtime
 * Channel (Driver transport) bound to the parent's outgoing directory here;
 * a parent elsewhere gets the server end of a ZxChannel pair, sent through
 * the manager (Channel transport).
 */
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { Status, StatusError, type ZxChannel } from '@fdf/zx';
import type { DriverClass } from '../driver/driverBase.js';
import { loadDriverClass } from '../driver/driverModule.js';
import type { NodeLink } from '../driver/driverNode.js';
import type { CounterSnapshot } from '../driver/counters.js';
import type { LogRecord } from '../driver/logger.js';
import type { ChildNodeRequest, DriverStartInfo, NodeInfo } from '../driver/startInfo.js';
import type { WorkloadParams, WorkloadReport } from '../driver/workload.js';
import type { IncomingConnection, ProviderRef, ServiceRouter } from '../namespace/incoming.js';
import type { OutgoingDirectory, OutgoingServiceStats } from '../namespace/outgoing.js';
import { HostedDriver, runOnDispatcher, type DispatcherDump } from './hostedDriver.js';

/** What a host asks of its manager. */
export interface ManagerLink {
  addChild(instance: number, request: ChildNodeRequest): Promise<NodeInfo>;
  removeNode(instance: number, path: string): Promise<void>;
  /** Sends `server` to the host of `provider`; one-way (requests wait in the channel). */
  connect(provider: ProviderRef, offer: string, server: ZxChannel): void;
  log(record: LogRecord): void;
}

export interface DriverHostOptions {
  /** How to get a driver's class; default: import the manifest's module (the harness passes classes). */
  readonly loadClass?: (info: DriverStartInfo) => Promise<DriverClass>;
}

/** One driver of a host, as inspection tools see it. */
export interface HostedDriverReport {
  readonly instance: number;
  readonly driver: string;
  readonly node: string;
  readonly state: string;
  readonly dispatchers: readonly DispatcherDump[];
  readonly counters: CounterSnapshot;
  readonly outgoing: readonly OutgoingServiceStats[];
  readonly incoming: readonly IncomingConnection[];
}

export interface HostStats {
  readonly host: string;
  readonly threadId: number;
  /** V8 heap of this host's isolate, bytes. */
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly drivers: number;
}

export class DriverHost {
  readonly name: string;
  readonly #link: ManagerLink;
  readonly #options: DriverHostOptions;
  readonly #drivers = new Map<number, HostedDriver>();
  /** Outgoing directories reachable in this host: drivers, and the harness's fake parents. */
  readonly #providers = new Map<number, OutgoingDirectory>();
  readonly #router: ServiceRouter;

  constructor(name: string, link: ManagerLink, options: DriverHostOptions = {}) {
    this.name = name;
    this.#link = link;
    this.#options = options;
    this.#router = {
      localOutgoing: (provider) =>
        provider.host === this.name ? this.#providers.get(provider.instance) : undefined,
      connectRemote: (provider, offer, server) => this.#link.connect(provider, offer, server),
    };
  }

  /** Makes an outgoing directory reachable as `instance` (fake parents of the harness). */
  registerProvider(instance: number, outgoing: OutgoingDirectory): () => void {
    this.#providers.set(instance, outgoing);
    return () => {
      if (this.#providers.get(instance) === outgoing) this.#providers.delete(instance);
    };
  }

  get size(): number {
    return this.#drivers.size;
  }

  /** The hosted driver `instance`, or undefined. */
  hosted(instance: number): HostedDriver | undefined {
    return this.#drivers.get(instance);
  }

  /** Starts a driver; resolves with the workloads it offers. Rejects (and cleans up) if start fails. */
  async startDriver(info: DriverStartInfo): Promise<{ workloads: string[] }> {
    if (this.#drivers.has(info.instance)) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `host ${this.name} already runs driver instance ${info.instance}; the manager must give each start a new instance`,
      );
    }
    const driverClass = await (this.#options.loadClass ?? defaultLoad)(info);
    const link: NodeLink = {
      addChild: (request) => this.#link.addChild(info.instance, request),
      removeNode: (path) => this.#link.removeNode(info.instance, path),
    };
    const hosted = new HostedDriver(info, this.#router, link, (r) => this.#link.log(r));
    this.#drivers.set(info.instance, hosted);
    const unregister = this.registerProvider(info.instance, hosted.outgoing);
    try {
      await hosted.start(driverClass);
    } catch (err) {
      unregister();
      this.#drivers.delete(info.instance);
      throw err;
    }
    return { workloads: hosted.driver?.workloadNames() ?? [] };
  }

  async stopDriver(instance: number): Promise<void> {
    const hosted = this.#require(instance);
    this.#providers.delete(instance);
    try {
      await hosted.stop();
    } finally {
      this.#drivers.delete(instance);
    }
  }

  /** Stops every driver, newest first (children were started after their parents). */
  async stopAll(): Promise<void> {
    for (const instance of [...this.#drivers.keys()].reverse()) await this.stopDriver(instance);
  }

  /**
   * Binds a connection from a driver of another host. A missing provider or
   * offer closes the channel (the client sees ZX_ERR_PEER_CLOSED) and is
   * logged here: bad input from outside never throws into the host.
   */
  serve(provider: number, offer: string, server: ZxChannel): void {
    const outgoing = this.#providers.get(provider);
    try {
      if (outgoing === undefined) {
        throw new StatusError(
          Status.ERR_NOT_FOUND,
          `no driver instance ${provider} in host ${this.name} (it stopped?)`,
        );
      }
      outgoing.serveChannel(offer, server);
    } catch (err) {
      server.close();
      this.#link.log({
        level: 'warn',
        source: `host ${this.name}`,
        message: `refused a connection to '${offer}': ${err instanceof Error ? err.message : String(err)}`,
        timeMs: performance.now(),
      });
    }
  }

  reports(): HostedDriverReport[] {
    return [...this.#drivers.values()].map((h) => ({
      instance: h.info.instance,
      driver: h.info.name,
      node: h.info.node.path,
      state: h.state,
      dispatchers: h.dump(),
      counters: h.counters.snapshot(),
      outgoing: h.outgoing.stats(),
      incoming: h.incoming.connections,
    }));
  }

  /** Heap figures of this host's isolate, after a full GC when the host may run one (--expose-gc). */
  stats(): HostStats {
    (globalThis as { gc?: () => void }).gc?.();
    const heap = getHeapStatistics();
    return {
      host: this.name,
      threadId,
      heapUsed: heap.used_heap_size,
      heapTotal: heap.total_heap_size,
      drivers: this.#drivers.size,
    };
  }

  /** Runs a workload of driver `instance` on its default dispatcher. */
  async runWorkload(
    instance: number,
    name: string,
    params: WorkloadParams,
  ): Promise<WorkloadReport> {
    const hosted = this.#require(instance);
    const driver = hosted.driver;
    if (driver === undefined || hosted.state !== 'running') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `driver ${hosted.info.name} on ${hosted.info.node.path} is ${hosted.state}; run workloads on running drivers`,
      );
    }
    const started = performance.now();
    const result = await runOnDispatcher(hosted.dispatcher, () => driver.runWorkload(name, params));
    return {
      workload: name,
      driver: hosted.info.name,
      node: hosted.info.node.path,
      host: this.name,
      elapsedMs: performance.now() - started,
      ops: result.ops,
      summary: result.summary,
      ...(result.checksum === undefined ? {} : { checksum: result.checksum }),
    };
  }

  injectCrash(instance: number): void {
    this.#require(instance).injectCrash();
  }

  #require(instance: number): HostedDriver {
    const hosted = this.#drivers.get(instance);
    if (hosted === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `host ${this.name} runs no driver instance ${instance}; list the drivers with \`fdf driver list\``,
      );
    }
    return hosted;
  }
}

function defaultLoad(info: DriverStartInfo): Promise<DriverClass> {
  return loadDriverClass(info.name, info.module, info.export);
}
