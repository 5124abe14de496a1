/**
 * One driver instance inside a host: its runtime identity, dispatchers,
 * namespace and lifecycle. The order of a stop is the framework's contract:
 * prepareStop() on the default dispatcher, then every dispatcher of the
 * driver shuts down (pending waits and tasks get ZX_ERR_CANCELED), then
 * stop(), then its connections close so peers see ZX_ERR_PEER_CLOSED.
 */
import { env, type Dispatcher, type DispatcherOptions, type DispatcherStats } from '@fdf/runtime';
import { Status, StatusError, statusName } from '@fdf/zx';
import type { DriverBase, DriverClass } from '../driver/driverBase.js';
import type { DriverContext } from '../driver/driverContext.js';
import { DriverCounters } from '../driver/counters.js';
import { DriverNode, type NodeLink } from '../driver/driverNode.js';
import { DriverLogger, type LogSink } from '../driver/logger.js';
import type { DriverStartInfo } from '../driver/startInfo.js';
import { IncomingNamespace, type ServiceRouter } from '../namespace/incoming.js';
import { OutgoingDirectory } from '../namespace/outgoing.js';

export type HostedDriverState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** What the runtime knows of a driver: dumps print `name`. */
export interface DriverIdentity {
  readonly name: string;
  readonly instance: number;
}

export interface DispatcherDump {
  readonly name: string;
  readonly state: string;
  readonly lines: readonly string[];
  readonly stats: DispatcherStats;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The message without the `ZX_ERR_...: ` prefix, for an error that is wrapped in another. */
function bare(err: unknown): string {
  const message = describe(err);
  if (!(err instanceof StatusError)) return message;
  const prefix = `${statusName(err.status)}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** Runs `fn` as a task of `dispatcher` and settles with its (awaited) result. */
export function runOnDispatcher<T>(dispatcher: Dispatcher, fn: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    dispatcher.post(() => {
      try {
        Promise.resolve(fn()).then(resolve, reject);
      } catch (err) {
        reject(err instanceof Error ? err : new StatusError(Status.ERR_INTERNAL, String(err)));
      }
    });
  });
}

export class HostedDriver {
  readonly info: DriverStartInfo;
  readonly identity: DriverIdentity;
  readonly counters = new DriverCounters();
  readonly logger: DriverLogger;
  readonly dispatcher: Dispatcher;
  readonly outgoing: OutgoingDirectory;
  readonly incoming: IncomingNamespace;
  readonly node: DriverNode;
  readonly #dispatchers: Dispatcher[] = [];
  #driver: DriverBase | undefined;
  #state: HostedDriverState = 'created';

  constructor(info: DriverStartInfo, router: ServiceRouter, link: NodeLink, sink: LogSink) {
    this.info = info;
    this.identity = { name: info.name, instance: info.instance };
    const label = `${info.name}@${info.node.path}`;
    this.logger = new DriverLogger(label, sink);
    this.dispatcher = this.createDispatcher({
      name: `default@${info.node.path}`,
      allowSyncCalls: info.allowSyncCalls,
    });
    this.outgoing = new OutgoingDirectory(label, this.dispatcher);
    this.incoming = new IncomingNamespace(label, info.incoming, router, this.dispatcher);
    this.node = new DriverNode(label, info.node, link, this.outgoing);
  }

  get state(): HostedDriverState {
    return this.#state;
  }

  get driver(): DriverBase | undefined {
    return this.#driver;
  }

  createDispatcher(options: DispatcherOptions): Dispatcher {
    const d = env.createDispatcherWithOwner(this.identity, options);
    this.#dispatchers.push(d);
    return d;
  }

  context(): DriverContext {
    return {
      name: this.info.name,
      url: this.info.url,
      variant: this.info.variant,
      host: this.info.host,
      node: this.node,
      incoming: this.incoming,
      outgoing: this.outgoing,
      dispatcher: this.dispatcher,
      logger: this.logger,
      counters: this.counters,
      device: this.info.device,
      createDispatcher: (options) => this.createDispatcher(options),
    };
  }

  /**
   * Creates the driver (with the driver on the runtime's call stack, so
   * dispatchers its constructor creates are its own) and runs start() on the
   * default dispatcher. On failure the driver is torn down before the error
   * is rethrown, so a failed start leaves nothing running.
   */
  async start(driverClass: DriverClass): Promise<void> {
    this.#state = 'starting';
    try {
      env.registerDriverEntry(this.identity);
      try {
        this.#driver = new driverClass(this.context());
      } finally {
        env.registerDriverExit();
      }
      const driver = this.#driver;
      await runOnDispatcher(this.dispatcher, () => driver.start());
      this.#state = 'running';
    } catch (err) {
      await this.#teardown();
      throw new StatusError(
        StatusError.is(err) ? err.status : Status.ERR_INTERNAL,
        `driver ${this.info.name} failed to start on ${this.info.node.path}: ${bare(err)}`,
      );
    }
  }

  /** prepareStop, dispatcher shutdown, stop, connections closed. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    this.#state = 'stopping';
    const driver = this.#driver;
    if (driver !== undefined) {
      try {
        await runOnDispatcher(this.dispatcher, () => driver.prepareStop());
      } catch (err) {
        // A failing prepareStop must not keep the driver (and its parents) from stopping.
        this.logger.error(`prepareStop failed: ${describe(err)}; stopping anyway`);
      }
    }
    await this.#teardown();
  }

  async #teardown(): Promise<void> {
    await new Promise<void>((resolve) => env.shutdownDispatchersAsync(this.identity, resolve));
    const driver = this.#driver;
    if (driver !== undefined) {
      env.registerDriverEntry(this.identity);
      try {
        driver.stop();
      } catch (err) {
        this.logger.error(`stop failed: ${describe(err)}`);
      } finally {
        env.registerDriverExit();
      }
    }
    this.incoming.close();
    this.outgoing.close();
    for (const d of this.#dispatchers) if (d.state === 'shutdown') d.destroy();
    this.#state = 'stopped';
  }

  /** The runtime's dump of each of the driver's dispatchers. */
  dump(): DispatcherDump[] {
    return this.#dispatchers
      .filter((d) => d.state !== 'destroyed')
      .map((d) => ({ name: d.name, state: d.state, lines: d.dump(), stats: d.stats() }));
  }

  /**
   * Throws from a task of the default dispatcher: the error escapes the run
   * loop as an uncaught exception, exactly like a bug in a driver callback,
   * and takes the host down. For crash tests and `fdf board run --crash`.
   */
  injectCrash(): void {
    this.dispatcher.post(() => {
      throw new StatusError(
        Status.ERR_INTERNAL,
        `crash injected into driver ${this.info.name} on ${this.info.node.path} (a fault test, not a bug)`,
      );
    });
  }
}
