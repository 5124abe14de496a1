/**
 * The base class of every driver (Fuchsia's DriverBase). A driver package
 * exports a subclass; its host creates it with a DriverContext and calls:
 *
 *   start()        on the default dispatcher: connect to parents, serve,
 *                  add child nodes. A throw or rejection fails the start.
 *   prepareStop()  on the default dispatcher, after every driver below it
 *                  stopped: finish or fail pending work.
 *   (the host shuts down all of the driver's dispatchers here)
 *   stop()         last, with no dispatcher running: release what is left.
 *
 * The runtime sees the driver through its context's dispatchers; callbacks
 * of one driver never run re-entrantly.
 */
import { Status, StatusError } from '@fdf/zx';
import type { Dispatcher, DispatcherOptions } from '@fdf/runtime';
import { listOrNone } from '../diagnostics.js';
import type { DriverVariant } from '../manifest/driverManifest.js';
import type { IncomingNamespace } from '../namespace/incoming.js';
import type { OutgoingDirectory } from '../namespace/outgoing.js';
import type { DriverContext } from './driverContext.js';
import type { DriverCounters } from './counters.js';
import type { DriverNode } from './driverNode.js';
import type { DriverLogger } from './logger.js';
import type { DeviceInfo } from './startInfo.js';
import type { Workload, WorkloadParams, WorkloadResult } from './workload.js';

export abstract class DriverBase {
  readonly #context: DriverContext;
  readonly #workloads = new Map<string, Workload>();

  constructor(context: DriverContext) {
    this.#context = context;
  }

  /** Connects to parents, serves, adds children. */
  abstract start(): void | Promise<void>;

  /** Finishes pending work before the dispatchers shut down. Children are already stopped. */
  prepareStop(): void | Promise<void> {}

  /** Releases what is left; every dispatcher of the driver has shut down. */
  stop(): void {}

  get context(): DriverContext {
    return this.#context;
  }

  get name(): string {
    return this.#context.name;
  }

  get variant(): DriverVariant {
    return this.#context.variant;
  }

  get node(): DriverNode {
    return this.#context.node;
  }

  get incoming(): IncomingNamespace {
    return this.#context.incoming;
  }

  get outgoing(): OutgoingDirectory {
    return this.#context.outgoing;
  }

  get dispatcher(): Dispatcher {
    return this.#context.dispatcher;
  }

  get logger(): DriverLogger {
    return this.#context.logger;
  }

  get counters(): DriverCounters {
    return this.#context.counters;
  }

  get device(): DeviceInfo | undefined {
    return this.#context.device;
  }

  /** Another dispatcher of this driver; it shuts down with the others when the driver stops. */
  createDispatcher(options: DispatcherOptions): Dispatcher {
    return this.#context.createDispatcher(options);
  }

  /** Offers a workload to tools (`fdf board run`, the benchmark) under `name`. */
  protected addWorkload(name: string, workload: Workload): void {
    if (this.#workloads.has(name)) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `${this.name}: workload '${name}' is already registered; register each workload once`,
      );
    }
    this.#workloads.set(name, workload);
  }

  /** Names of the workloads this driver offers. */
  workloadNames(): string[] {
    return [...this.#workloads.keys()];
  }

  /** Runs a workload; ERR_NOT_FOUND when the driver does not offer it. */
  runWorkload(name: string, params: WorkloadParams): Promise<WorkloadResult> {
    const workload = this.#workloads.get(name);
    if (workload === undefined) {
      return Promise.reject(
        new StatusError(
          Status.ERR_NOT_FOUND,
          `${this.name} offers no workload '${name}'; it offers: ${listOrNone(this.#workloads.keys())}`,
        ),
      );
    }
    return workload(params);
  }
}

/** What a driver module exports: a DriverBase subclass. */
export type DriverClass = new (context: DriverContext) => DriverBase;
