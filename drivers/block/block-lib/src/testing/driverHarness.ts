/**
 * A block stack in one test: real DriverHosts (the class a worker runs) on
 * this thread, wired by a small fake of the manager's link (nodes, routes,
 * connections between hosts), with fake parents (a memory disk) registered as
 * providers. Drivers are started on nodes explicitly, so a test says exactly
 * which driver binds where; `driverManifest.test.ts` checks separately that
 * the bind rules pick the same nodes.
 *
 * Used by the gpt, fvm and zxcrypt tests.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { createDriverClient, type ProtocolDescriptor } from '@fdf/fidl';
import {
  DriverHost,
  propertiesFromRecord,
  serviceName,
  type DriverBase,
  type DriverClass,
  type DriverVariant,
  type IncomingRoute,
  type LogRecord,
  type ManagerLink,
  type NodeInfo,
  type OutgoingDirectory,
  type PropertyValue,
  type ProviderRef,
} from '@fdf/framework';
import { Channel, env, FakeClock, type Dispatcher } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { banjoParent, fidlParent, type ParentBlock } from '../index.js';

interface TestNode {
  readonly info: NodeInfo;
  /** Who serves the node's offers. */
  readonly provider: ProviderRef | null;
  /** The parent role its routes carry (`default`, or a composite's role). */
  readonly role: string;
  /** The node whose offers it carries (itself, or a composite's parent). */
  readonly offersFrom: string;
}

export interface StartOptions {
  readonly variant?: DriverVariant;
  readonly name?: string;
  readonly host?: string;
}

export class TestStack {
  readonly logs: LogRecord[] = [];
  readonly #hosts = new Map<string, DriverHost>();
  readonly #nodes = new Map<string, TestNode>();
  readonly #instances = new Map<number, { name: string; host: string; node: string }>();
  readonly #classes = new Map<number, DriverClass>();
  readonly #client = { name: 'test-client' };
  readonly #clientDispatcher: Dispatcher;
  #next = 1;

  constructor() {
    env.reset();
    // Fake time: nothing in these drivers may depend on the wall clock.
    env.setClock(new FakeClock(0));
    this.#clientDispatcher = env.createDispatcherWithOwner(this.#client, { name: 'test-client' });
  }

  host(name: string): DriverHost {
    let host = this.#hosts.get(name);
    if (host === undefined) {
      host = new DriverHost(name, this.#link(), {
        loadClass: (info) => {
          const found = this.#classes.get(info.instance);
          return found === undefined
            ? Promise.reject(new StatusError(Status.ERR_NOT_FOUND, `no class for ${info.name}`))
            : Promise.resolve(found);
        },
      });
      this.#hosts.set(name, host);
    }
    return host;
  }

  /** A node served by a fake parent (not a driver): its outgoing directory is registered in `host`. */
  addProvider(
    path: string,
    outgoing: OutgoingDirectory,
    properties: Readonly<Record<string, PropertyValue>> = {},
    host = 'block',
  ): void {
    const instance = this.#next++;
    this.host(host).registerProvider(instance, outgoing);
    this.#instances.set(instance, { name: 'fake-parent', host, node: path });
    this.#addNode(path, properties, outgoing.offers(), {
      instance,
      driver: 'fake-parent',
      host,
    });
  }

  /**
   * A composite node of one parent, as a board's `composites` entry makes:
   * it carries `properties` (the board's) and the parent's offers under `role`.
   */
  addComposite(
    name: string,
    parentPath: string,
    role: string,
    properties: Readonly<Record<string, PropertyValue>>,
  ): string {
    const parent = this.node(parentPath);
    const path = `${parentPath}/${name}`;
    this.#nodes.set(path, {
      info: {
        name,
        path,
        properties: propertiesFromRecord(properties),
        offers: [],
        parents: [{ role, path: parentPath }],
        composite: true,
      },
      provider: parent.provider,
      role,
      offersFrom: parentPath,
    });
    return path;
  }

  /** Starts `driverClass` on the node at `path`; rejects as the host does when start() fails. */
  async start<D extends DriverBase>(
    path: string,
    driverClass: new (...args: ConstructorParameters<DriverClass>) => D,
    options: StartOptions = {},
  ): Promise<D> {
    const node = this.node(path);
    const offers = this.node(node.offersFrom).info.offers;
    const incoming: IncomingRoute[] = offers.map((offer) => ({
      offer,
      parent: node.role,
      node: node.offersFrom,
      provider: node.provider,
    }));
    const instance = this.#next++;
    const name = options.name ?? driverClass.name;
    const hostName = options.host ?? 'block';
    const host = this.host(hostName);
    this.#instances.set(instance, { name, host: hostName, node: path });
    this.#classes.set(instance, driverClass);
    await host.startDriver({
      instance,
      name,
      url: `fdf-ts://test/${name}`,
      module: '',
      export: '',
      variant: options.variant ?? 'driver',
      host: hostName,
      allowSyncCalls: false,
      node: node.info,
      incoming,
    });
    const driver = host.hosted(instance)?.driver;
    if (driver === undefined) {
      throw new StatusError(Status.ERR_INTERNAL, `driver ${name} started but is not hosted`);
    }
    return driver as D;
  }

  node(path: string): TestNode {
    const node = this.#nodes.get(path);
    if (node === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no node ${path}; nodes: ${[...this.#nodes.keys()].join(', ')}`,
      );
    }
    return node;
  }

  /** The children of `path`, in the order they were added. */
  children(path: string): NodeInfo[] {
    return [...this.#nodes.values()]
      .filter((n) => n.info.parents[0]?.path === path && !n.info.composite)
      .map((n) => n.info);
  }

  /** A client of the block device a node offers, as a driver bound to it would get. */
  connectBlock(path: string, variant: DriverVariant = 'driver'): ParentBlock {
    if (variant === 'banjo') return banjoParent(this.connectBanjo(blockBanjo.Block, path));
    return fidlParent(this.connect(block.Block, path), 'driver');
  }

  /** A Driver-transport client of `proto` at the node (from outside any driver). */
  connect<C, S, E, SC>(proto: ProtocolDescriptor<C, S, E, SC>, path: string): C {
    const [outgoing, offer] = this.#offer(proto.name, path);
    const [client, server] = Channel.create();
    outgoing.serveDriver(offer, server);
    return createDriverClient(proto, client, { dispatcher: this.#clientDispatcher });
  }

  connectBanjo<Ops, Client>(
    proto: { name: string; client(p: { ops: Ops; ctx: unknown }): Client },
    path: string,
  ): Client {
    const [outgoing, offer] = this.#offer(proto.name, path);
    return proto.client(outgoing.banjo(offer) as { ops: Ops; ctx: unknown });
  }

  /** Lets queued work and promise continuations run until nothing is left (a few event-loop turns). */
  async settle(turns = 20): Promise<void> {
    for (let i = 0; i < turns; i++) {
      env.runUntilIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async stop(): Promise<void> {
    for (const host of [...this.#hosts.values()].reverse()) await host.stopAll();
    env.reset();
  }

  #offer(protocolName: string, path: string): [OutgoingDirectory, string] {
    const node = this.node(path);
    const prefix = `${serviceName(protocolName)}/`;
    const offer = this.node(node.offersFrom).info.offers.find((o) => o.startsWith(prefix));
    const provider = node.provider;
    const outgoing =
      provider === null ? undefined : this.host(provider.host).hosted(provider.instance)?.outgoing;
    if (offer === undefined || outgoing === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `node ${path} offers no ${prefix}<instance> from a running driver`,
      );
    }
    return [outgoing, offer];
  }

  #addNode(
    path: string,
    properties: Readonly<Record<string, PropertyValue>> | readonly NodeInfo['properties'][number][],
    offers: readonly string[],
    provider: ProviderRef,
  ): NodeInfo {
    if (this.#nodes.has(path)) {
      throw new StatusError(Status.ERR_ALREADY_EXISTS, `node ${path} already exists`);
    }
    const slash = path.lastIndexOf('/');
    const info: NodeInfo = {
      name: path.slice(slash + 1),
      path,
      properties: Array.isArray(properties)
        ? (properties as NodeInfo['properties'])
        : propertiesFromRecord(properties as Record<string, PropertyValue>),
      offers: [...offers],
      parents: slash < 0 ? [] : [{ role: 'default', path: path.slice(0, slash) }],
      composite: false,
    };
    this.#nodes.set(path, { info, provider, role: 'default', offersFrom: path });
    return info;
  }

  #link(): ManagerLink {
    return {
      addChild: (instance, request) => {
        const owner = this.#instances.get(instance);
        if (owner === undefined) {
          return Promise.reject(
            new StatusError(Status.ERR_NOT_FOUND, `no instance ${instance} adds children`),
          );
        }
        try {
          const info = this.#addNode(
            `${owner.node}/${request.name}`,
            request.properties,
            request.offers,
            { instance, driver: owner.name, host: owner.host },
          );
          return Promise.resolve(info);
        } catch (err) {
          return Promise.reject(
            err instanceof Error ? err : new StatusError(Status.ERR_INTERNAL, String(err)),
          );
        }
      },
      removeNode: (_instance, path) => {
        for (const key of [...this.#nodes.keys()]) {
          if (key === path || key.startsWith(`${path}/`)) this.#nodes.delete(key);
        }
        return Promise.resolve();
      },
      connect: (provider, offer, server) =>
        this.host(provider.host).serve(provider.instance, offer, server),
      log: (record) => this.logs.push(record),
    };
  }
}
