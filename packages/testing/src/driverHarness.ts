/**
 * The driver test harness (like Fuchsia's driver test realm): starts one
 * driver in this thread, in the same DriverHost a worker runs, against fake
 * parents that serve what the test gives them. The test then looks at the
 * nodes the driver added, connects to its outgoing services as a child
 * driver would, reads its dispatcher dumps, counters and logs, and stops it
 * in the framework's order.
 *
 *   const h = await startDriverForTest({
 *     driver: 'drivers/sample/echo-filter',          // or the class itself
 *     incoming: [{ protocol: sample.Echo, server: fakeEcho }],
 *     transport: 'channel',                          // parents "in another host"
 *   });
 *   const echo = h.connect(sample.Echo, { child: 'filtered' });
 *   await h.stop();
 */
import type { BanjoProtocolDescriptor, ProtocolDescriptor } from '@fdf/fidl';
import {
  DriverHost,
  loadDriverClass,
  loadDriverManifest,
  propertiesFromRecord,
  type CounterSnapshot,
  type DeviceInfo,
  type DispatcherDump,
  type DriverBase,
  type DriverClass,
  type DriverStartInfo,
  type DriverVariant,
  type HostedDriverReport,
  type IncomingRoute,
  type LogRecord,
  type NodeInfo,
  type NodeProperty,
  type OutgoingDirectory,
  type PropertiesInput,
  type WorkloadParams,
  type WorkloadReport,
} from '@fdf/framework';
import { env } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { FakeParents, type FakeService } from './driverHarnessParents.js';
import { FakeChild, type HarnessTransport } from './driverHarnessChild.js';

export type { FakeService } from './driverHarnessParents.js';
export type { HarnessTransport } from './driverHarnessChild.js';

export interface DriverHarnessOptions {
  /** The driver: its class, or the path of its package directory or driver.yaml. */
  readonly driver: DriverClass | string;
  /** Its name (default: the manifest's, or the class name). */
  readonly name?: string;
  readonly variant?: DriverVariant;
  /** The node it binds to (default `dut` with no properties). */
  readonly node?: { readonly name?: string; readonly properties?: PropertiesInput };
  /** What the fake parents serve; a service's `parent` names its role (default `default`). */
  readonly incoming?: readonly FakeService[];
  /**
   * How the driver reaches its fake parents: `driver` as from the same host
   * (Driver transport, the default), `channel` as from another host.
   */
  readonly transport?: HarnessTransport;
  /** The board's fake device behind the node, for device drivers. */
  readonly device?: Omit<DeviceInfo, 'name'> & { readonly name?: string };
  readonly allowSyncCalls?: boolean;
}

/** A node the driver added. */
export interface HarnessChild {
  readonly name: string;
  readonly path: string;
  readonly properties: readonly NodeProperty[];
  readonly offers: readonly string[];
}

export interface ConnectToDriverOptions {
  readonly instance?: string;
  /** Check that this child node offers the service, as a child driver bound to it would. */
  readonly child?: string;
  /** `driver` (default) as a child in the same host, `channel` as one in another host. */
  readonly transport?: HarnessTransport;
}

/** What `stop()` observed, in order: the framework's stop sequence. */
export type StopStep = 'prepareStop' | 'dispatchers-shut-down' | 'stop';

export interface DriverHarness<D extends DriverBase = DriverBase> {
  readonly driver: D;
  readonly node: NodeInfo;
  /** Nodes the driver added and did not remove, in order. */
  readonly children: readonly HarnessChild[];
  /** Every record the driver logged. */
  readonly logs: readonly LogRecord[];
  /** The driver's outgoing directory. */
  readonly outgoing: OutgoingDirectory;
  /** A client of a service the driver serves, connected as a child driver would. */
  connect<C, S, E, SC>(proto: ProtocolDescriptor<C, S, E, SC>, options?: ConnectToDriverOptions): C;
  /** A Banjo client of a function table the driver serves. */
  connectBanjo<Ops, Client>(
    proto: BanjoProtocolDescriptor<Ops, Client>,
    options?: Omit<ConnectToDriverOptions, 'transport'>,
  ): Client;
  /** The runtime's dump of each of the driver's dispatchers. */
  dispatchers(): DispatcherDump[];
  counters(): CounterSnapshot;
  /** Dumps, counters, outgoing figures and incoming connections, as `fdf` tools read them. */
  report(): HostedDriverReport;
  runWorkload(name: string, params?: WorkloadParams): Promise<WorkloadReport>;
  /**
   * Stops the driver (prepareStop, its dispatchers shut down, stop), then the
   * fake parents and children. Resolves with the steps in the order they ran.
   */
  stop(): Promise<StopStep[]>;
}

const INSTANCE = 1;

interface Resolved {
  readonly driverClass: DriverClass;
  readonly name: string;
  readonly module: string;
  readonly allowSyncCalls: boolean;
  readonly variants: readonly DriverVariant[] | undefined;
}

async function resolveDriver(options: DriverHarnessOptions): Promise<Resolved> {
  if (typeof options.driver !== 'string') {
    return {
      driverClass: options.driver,
      name: options.name ?? options.driver.name,
      module: '(class given to the harness)',
      allowSyncCalls: options.allowSyncCalls ?? false,
      variants: undefined,
    };
  }
  const manifest = loadDriverManifest(options.driver);
  return {
    driverClass: await loadDriverClass(manifest.name, manifest.module, manifest.export),
    name: options.name ?? manifest.name,
    module: manifest.module,
    allowSyncCalls: options.allowSyncCalls ?? manifest.dispatcher.allowSyncCalls,
    variants: manifest.variants,
  };
}

/** Starts the driver; rejects with the driver's start error if start() fails. */
export async function startDriverForTest<D extends DriverBase = DriverBase>(
  options: DriverHarnessOptions,
): Promise<DriverHarness<D>> {
  const resolved = await resolveDriver(options);
  const variant = options.variant ?? 'driver';
  if (resolved.variants !== undefined && !resolved.variants.includes(variant)) {
    throw new StatusError(
      Status.ERR_NOT_SUPPORTED,
      `driver ${resolved.name} has no '${variant}' variant; its manifest lists: ${resolved.variants.join(', ')}`,
    );
  }
  const transport = options.transport ?? 'driver';
  const hostName = 'harness';
  const nodeName = options.node?.name ?? 'dut';
  const nodePath = `root/harness/${nodeName}`;
  const logs: LogRecord[] = [];
  const children: HarnessChild[] = [];
  const parents = new FakeParents(
    options.incoming ?? [],
    transport === 'driver' ? hostName : 'fake-parents',
  );

  const host = new DriverHost(
    hostName,
    {
      addChild: (_instance, request) => {
        if (children.some((c) => c.name === request.name)) {
          return Promise.reject(
            new StatusError(
              Status.ERR_ALREADY_EXISTS,
              `node '${nodePath}/${request.name}' already exists; give the new child another name`,
            ),
          );
        }
        const child: HarnessChild = { ...request, path: `${nodePath}/${request.name}` };
        children.push(child);
        return Promise.resolve({
          name: child.name,
          path: child.path,
          properties: child.properties,
          offers: child.offers,
          parents: [{ role: 'default', path: nodePath }],
          composite: false,
        });
      },
      removeNode: (_instance, path) => {
        const i = children.findIndex((c) => c.path === path);
        if (i >= 0) children.splice(i, 1);
        return Promise.resolve();
      },
      connect: (provider, offer, server) => parents.serveChannel(provider, offer, server),
      log: (record) => logs.push(record),
    },
    { loadClass: () => Promise.resolve(resolved.driverClass) },
  );
  const unregister = parents.registerWith(host);

  const properties: readonly NodeProperty[] = Array.isArray(options.node?.properties)
    ? (options.node.properties as readonly NodeProperty[])
    : propertiesFromRecord(
        (options.node?.properties ?? {}) as Record<string, string | number | boolean>,
      );
  const routes: IncomingRoute[] = parents.routes(nodePath);
  const roles = parents.roles();
  const node: NodeInfo = {
    name: nodeName,
    path: nodePath,
    properties,
    offers: routes.map((r) => r.offer),
    parents: roles.map((role) => ({ role, path: `root/harness/${role}` })),
    composite: roles.length > 1 || roles.some((r) => r !== 'default'),
  };
  const device = options.device;
  const info: DriverStartInfo = {
    instance: INSTANCE,
    name: resolved.name,
    url: `fdf-ts:///${resolved.name}`,
    module: resolved.module,
    export: resolved.driverClass.name,
    variant,
    host: hostName,
    allowSyncCalls: resolved.allowSyncCalls,
    node,
    incoming: routes,
    ...(device === undefined
      ? {}
      : { device: { name: device.name ?? nodeName, type: device.type, config: device.config } }),
  };
  try {
    await host.startDriver(info);
  } catch (err) {
    unregister();
    parents.shutdown();
    env.runUntilIdle();
    throw err;
  }
  const hosted = host.hosted(INSTANCE);
  const driver = hosted?.driver;
  if (hosted === undefined || driver === undefined) {
    throw new StatusError(
      Status.ERR_INTERNAL,
      'the harness lost the driver it started; report this as a bug',
    );
  }
  const fakeChild = new FakeChild(hosted.outgoing);
  const checkChild = (offer: string, child: string | undefined): void => {
    if (child === undefined) return;
    const node = children.find((c) => c.name === child);
    if (node === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `the driver added no child '${child}'; it added: ${children.map((c) => c.name).join(', ') || 'none'}`,
      );
    }
    if (!node.offers.includes(offer)) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `child '${child}' does not offer '${offer}'; it offers: ${node.offers.join(', ') || 'nothing'}`,
      );
    }
  };

  return {
    driver: driver as D,
    node,
    children,
    logs,
    outgoing: hosted.outgoing,
    connect(proto, connectOptions = {}) {
      checkChild(offerOf(proto.name, connectOptions.instance), connectOptions.child);
      return fakeChild.connect(
        proto,
        connectOptions.instance,
        connectOptions.transport ?? 'driver',
      );
    },
    connectBanjo(proto, connectOptions = {}) {
      checkChild(offerOf(proto.name, connectOptions.instance), connectOptions.child);
      return fakeChild.connectBanjo(proto, connectOptions.instance);
    },
    dispatchers: () => hosted.dump(),
    counters: () => hosted.counters.snapshot(),
    report: () => {
      const r = host.reports().find((x) => x.instance === INSTANCE);
      if (r === undefined) {
        throw new StatusError(
          Status.ERR_BAD_STATE,
          'the driver is stopped; read its report before stop()',
        );
      }
      return r;
    },
    runWorkload: (name, params = {}) => host.runWorkload(INSTANCE, name, params),
    async stop() {
      const steps = observeStop(driver, () => hosted.dump());
      await host.stopDriver(INSTANCE);
      fakeChild.shutdown();
      unregister();
      parents.shutdown();
      env.runUntilIdle();
      return steps.done();
    },
  };
}

function offerOf(protocolName: string, instance: string | undefined): string {
  return `${protocolName.replace('/', '.')}/${instance ?? 'default'}`;
}

/**
 * Wraps the driver's prepareStop and stop to record the order of the stop
 * sequence, and whether the dispatchers were down when stop() ran.
 */
function observeStop(driver: DriverBase, dump: () => DispatcherDump[]): { done(): StopStep[] } {
  const steps: StopStep[] = [];
  const prepareStop = driver.prepareStop.bind(driver);
  const stop = driver.stop.bind(driver);
  driver.prepareStop = () => {
    steps.push('prepareStop');
    return prepareStop();
  };
  driver.stop = () => {
    if (dump().every((d) => d.state === 'shutdown')) steps.push('dispatchers-shut-down');
    steps.push('stop');
    stop();
  };
  return { done: () => steps };
}
