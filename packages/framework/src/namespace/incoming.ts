/**
 * A driver's incoming namespace: the services its parents offer. The manager
 * hands the host one route per offer (which parent offers it and which driver
 * serves it); `connect` turns a route into a client:
 *
 * - provider in this host: a runtime Channel pair, Driver transport, the
 *   server bound on the provider's dispatcher right away;
 * - provider in another host: a ZxChannel pair, Channel transport, the server
 *   end sent to the provider's host through the manager. The client may call
 *   at once: requests wait in the channel until the server is bound.
 *
 * Either way the client has the generated client type of the protocol, so a
 * driver's code does not change when the board moves it to another host.
 */
import {
  createChannelClient,
  createDriverClient,
  type BanjoProtocolDescriptor,
  type ClientBase,
  type ProtocolDescriptor,
} from '@fdf/fidl';
import { Channel, type Dispatcher } from '@fdf/runtime';
import { Status, StatusError, ZxChannel } from '@fdf/zx';
import { listOrNone } from '../diagnostics.js';
import type { OutgoingDirectory, ServiceTransport } from './outgoing.js';
import { DEFAULT_INSTANCE, serviceOffer } from './serviceOffer.js';

/** The driver instance that serves an offer. */
export interface ProviderRef {
  readonly instance: number;
  readonly driver: string;
  readonly host: string;
}

/** One service instance a parent offers to this driver. */
export interface IncomingRoute {
  /** `fdf.sample.Echo/default`. */
  readonly offer: string;
  /** The parent's role: `default` for a plain node, the spec's parent name for a composite. */
  readonly parent: string;
  /** Path of the node that carries the offer. */
  readonly node: string;
  /** Who serves it; null when the board's fake device offers it and no driver serves it. */
  readonly provider: ProviderRef | null;
}

/** How the host reaches providers; the host implements it, the harness fakes it. */
export interface ServiceRouter {
  /** The provider's outgoing directory when it runs in this host. */
  localOutgoing(provider: ProviderRef): OutgoingDirectory | undefined;
  /** Hands `server` to the provider's host (through the manager). */
  connectRemote(provider: ProviderRef, offer: string, server: ZxChannel): void;
}

export interface ConnectOptions {
  /** The service instance (default `default`). */
  readonly instance?: string;
  /** The parent role to take it from, when several parents offer it (composites). */
  readonly parent?: string;
}

/** A connection made, for inspection (`fdf driver list --verbose`). */
export interface IncomingConnection {
  readonly offer: string;
  readonly parent: string;
  readonly transport: ServiceTransport;
  readonly provider: ProviderRef;
}

export class IncomingNamespace {
  readonly #owner: string;
  readonly #routes: readonly IncomingRoute[];
  readonly #router: ServiceRouter;
  readonly #dispatcher: Dispatcher;
  readonly #clients: ClientBase<unknown>[] = [];
  readonly #connections: IncomingConnection[] = [];
  #closed = false;

  constructor(
    owner: string,
    routes: readonly IncomingRoute[],
    router: ServiceRouter,
    dispatcher: Dispatcher,
  ) {
    this.#owner = owner;
    this.#routes = routes;
    this.#router = router;
    this.#dispatcher = dispatcher;
  }

  /** What the parents offer. */
  get routes(): readonly IncomingRoute[] {
    return this.#routes;
  }

  /** Connections made so far and their transports. */
  get connections(): readonly IncomingConnection[] {
    return this.#connections;
  }

  /** True when some parent offers `proto` (as instance `instance`). */
  has(protocolName: string, options: ConnectOptions = {}): boolean {
    const offer = serviceOffer(protocolName, options.instance ?? DEFAULT_INSTANCE);
    return this.#routes.some(
      (r) => r.offer === offer && (options.parent === undefined || r.parent === options.parent),
    );
  }

  /**
   * A client of `proto` from the parent that offers it. Replies and events run
   * on the driver's default dispatcher. The client is closed when the driver stops.
   */
  connect<C, S, E, SC>(proto: ProtocolDescriptor<C, S, E, SC>, options: ConnectOptions = {}): C {
    const route = this.#route(proto.name, options);
    const provider = this.#provider(route);
    const local = this.#router.localOutgoing(provider);
    let client: C;
    let transport: ServiceTransport;
    if (local !== undefined) {
      const [clientEnd, serverEnd] = Channel.create();
      try {
        local.serveDriver(route.offer, serverEnd);
      } catch (err) {
        clientEnd.close();
        serverEnd.close();
        throw err;
      }
      client = createDriverClient(proto, clientEnd, { dispatcher: this.#dispatcher });
      transport = 'driver';
    } else {
      const [clientEnd, serverEnd] = ZxChannel.create();
      this.#router.connectRemote(provider, route.offer, serverEnd);
      client = createChannelClient(proto, clientEnd, { dispatcher: this.#dispatcher });
      transport = 'channel';
    }
    this.#clients.push(client as ClientBase<unknown>);
    this.#connections.push({ offer: route.offer, parent: route.parent, transport, provider });
    return client;
  }

  /**
   * A Banjo client: direct calls into the parent's function table. Banjo has
   * no channel, so the parent must run in this host.
   */
  connectBanjo<Ops, Client>(
    proto: BanjoProtocolDescriptor<Ops, Client>,
    options: ConnectOptions = {},
  ): Client {
    const route = this.#route(proto.name, options);
    const provider = this.#provider(route);
    const local = this.#router.localOutgoing(provider);
    if (local === undefined) {
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `${this.#owner}: '${route.offer}' is a Banjo protocol served by ${provider.driver} in host '${provider.host}', another host; Banjo calls are direct function calls, so place both drivers in one host in the board, or use their driver variant`,
      );
    }
    const client = proto.client(local.banjo(route.offer) as Parameters<typeof proto.client>[0]);
    this.#connections.push({
      offer: route.offer,
      parent: route.parent,
      transport: 'banjo',
      provider,
    });
    return client;
  }

  /** Closes every client (the host calls it when the driver stops). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#clients) if (!c.isClosed) c.close();
    this.#clients.length = 0;
  }

  #route(protocolName: string, options: ConnectOptions): IncomingRoute {
    if (this.#closed) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${this.#owner}: the incoming namespace is closed: the driver is stopping`,
      );
    }
    const offer = serviceOffer(protocolName, options.instance ?? DEFAULT_INSTANCE);
    const matching = this.#routes.filter((r) => r.offer === offer);
    const chosen =
      options.parent === undefined ? matching : matching.filter((r) => r.parent === options.parent);
    const route = chosen[0];
    if (route === undefined) {
      const offered = listOrNone(this.#routes.map((r) => `${r.offer} (parent '${r.parent}')`));
      const where =
        options.parent === undefined
          ? 'no parent offers'
          : `parent '${options.parent}' does not offer`;
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `${this.#owner}: ${where} '${offer}'; offered: ${offered}. The parent driver lists its offers when it adds the node`,
      );
    }
    if (chosen.length > 1) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${this.#owner}: '${offer}' is offered by several parents (${chosen.map((r) => `'${r.parent}'`).join(', ')}); pass { parent } to pick one`,
      );
    }
    return route;
  }

  #provider(route: IncomingRoute): ProviderRef {
    if (route.provider === null) {
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `${this.#owner}: '${route.offer}' is offered by node ${route.node}, which the board created; no driver serves it`,
      );
    }
    return route.provider;
  }
}
