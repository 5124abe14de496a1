/**
 * A driver's outgoing directory: the services it serves to the drivers bound
 * to the nodes it adds. A service is registered once, with one implementation
 * of the generated server interface; each connection binds that
 * implementation to the channel the connection brought:
 *
 * - a runtime Channel (the child runs in this host): Driver transport;
 * - a ZxChannel (the child runs in another host): Channel transport;
 * - a Banjo registration is a function table handed out as is (same host only).
 *
 * The implementation never knows which one it got: the handlers have the same
 * signature on both transports.
 */
import {
  bindChannelServer,
  bindDriverServer,
  type AnyProtocol,
  type BanjoProtocol,
  type BanjoProtocolDescriptor,
  type ProtocolDescriptor,
  type ServerBinding,
} from '@fdf/fidl';
import type { Channel, Dispatcher } from '@fdf/runtime';
import { Status, StatusError, type ZxChannel } from '@fdf/zx';
import { listOrNone } from '../diagnostics.js';
import { DEFAULT_INSTANCE, serviceOffer } from './serviceOffer.js';

export type ServiceTransport = 'driver' | 'channel' | 'banjo';

export interface ServiceOptions {
  /** The service instance (default `default`): one driver may serve a protocol several times. */
  readonly instance?: string;
}

/** Per-offer figures for inspection and the benchmark. */
export interface OutgoingServiceStats {
  readonly offer: string;
  readonly protocol: string;
  readonly kind: 'fidl' | 'banjo';
  /** Connections bound so far, by transport. */
  readonly connections: Readonly<Record<ServiceTransport, number>>;
  /** Messages and copied bytes over every binding, closed ones included. */
  readonly messages: number;
  readonly bytesCopied: number;
}

type Entry =
  | {
      readonly kind: 'fidl';
      readonly proto: AnyProtocol;
      readonly impl: unknown;
      readonly bindings: ServerBinding<unknown>[];
      readonly connections: Record<ServiceTransport, number>;
      closedMessages: number;
      closedBytes: number;
    }
  | {
      readonly kind: 'banjo';
      readonly name: string;
      readonly banjo: BanjoProtocol<unknown>;
      readonly connections: Record<ServiceTransport, number>;
    };

function noConnections(): Record<ServiceTransport, number> {
  return { driver: 0, channel: 0, banjo: 0 };
}

export class OutgoingDirectory {
  readonly #owner: string;
  readonly #dispatcher: Dispatcher;
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  /** `owner` names the driver in errors; servers run on `dispatcher` (the driver's default one). */
  constructor(owner: string, dispatcher: Dispatcher) {
    this.#owner = owner;
    this.#dispatcher = dispatcher;
  }

  /**
   * Serves `proto` with `impl` (the generated server interface). Returns the
   * offer name to list in the child node's offers.
   */
  addService<C, S, E, SC>(
    proto: ProtocolDescriptor<C, S, E, SC>,
    impl: S,
    options: ServiceOptions = {},
  ): string {
    const offer = serviceOffer(proto.name, options.instance ?? DEFAULT_INSTANCE);
    this.#checkNew(offer);
    this.#entries.set(offer, {
      kind: 'fidl',
      proto,
      impl,
      bindings: [],
      connections: noConnections(),
      closedMessages: 0,
      closedBytes: 0,
    });
    return offer;
  }

  /**
   * Serves a Banjo protocol: children in this host get `{ ops, ctx }` and
   * call it directly. Returns the offer name.
   */
  addBanjo<Ops, Client>(
    proto: BanjoProtocolDescriptor<Ops, Client>,
    ops: Ops,
    ctx: unknown,
    options: ServiceOptions = {},
  ): string {
    const offer = serviceOffer(proto.name, options.instance ?? DEFAULT_INSTANCE);
    this.#checkNew(offer);
    this.#entries.set(offer, {
      kind: 'banjo',
      name: proto.name,
      banjo: proto.bind(ops, ctx) as BanjoProtocol<unknown>,
      connections: noConnections(),
    });
    return offer;
  }

  /** Stops serving `offer`; bound connections stay until their channels close. */
  removeService(offer: string): void {
    if (!this.#entries.delete(offer)) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `${this.#owner} does not serve '${offer}'; it serves: ${listOrNone(this.offers())}`,
      );
    }
  }

  has(offer: string): boolean {
    return this.#entries.has(offer);
  }

  offers(): string[] {
    return [...this.#entries.keys()];
  }

  /** Binds a Driver-transport connection (a runtime Channel from a driver of this host). */
  serveDriver(offer: string, channel: Channel): void {
    const entry = this.#fidlEntry(offer, 'driver');
    const binding = bindDriverServer(entry.proto, channel, entry.impl, {
      dispatcher: this.#dispatcher,
    }) as ServerBinding<unknown>;
    this.#track(entry, binding, 'driver');
  }

  /** Binds a Channel-transport connection (a ZxChannel from a driver of another host). */
  serveChannel(offer: string, channel: ZxChannel): void {
    const entry = this.#fidlEntry(offer, 'channel');
    const binding = bindChannelServer(entry.proto, channel, entry.impl, {
      dispatcher: this.#dispatcher,
    }) as ServerBinding<unknown>;
    this.#track(entry, binding, 'channel');
  }

  /** The function table of a Banjo offer, for a driver of this host. */
  banjo(offer: string): BanjoProtocol<unknown> {
    this.#checkOpen();
    const entry = this.#entries.get(offer);
    if (entry?.kind !== 'banjo') throw this.#missing(offer, 'banjo');
    entry.connections.banjo++;
    return entry.banjo;
  }

  stats(): OutgoingServiceStats[] {
    return [...this.#entries].map(([offer, e]) => {
      if (e.kind === 'banjo') {
        return {
          offer,
          protocol: e.name,
          kind: 'banjo',
          connections: { ...e.connections },
          messages: 0,
          bytesCopied: 0,
        };
      }
      let messages = e.closedMessages;
      let bytesCopied = e.closedBytes;
      for (const b of e.bindings) {
        messages += b.stats.messages;
        bytesCopied += b.stats.bytesCopied;
      }
      return {
        offer,
        protocol: e.proto.name,
        kind: 'fidl',
        connections: { ...e.connections },
        messages,
        bytesCopied,
      };
    });
  }

  /**
   * Closes every bound connection (clients see ZX_ERR_PEER_CLOSED) and refuses
   * new ones. The host calls it once the driver's dispatchers are shut down.
   */
  close(): void {
    this.#closed = true;
    for (const e of this.#entries.values()) {
      if (e.kind !== 'fidl') continue;
      // An orderly close (ZX_OK epitaph): pending calls of the clients fail with ZX_ERR_PEER_CLOSED.
      for (const b of e.bindings) if (b.isBound) b.close();
      e.bindings.length = 0;
    }
  }

  #track(
    entry: Extract<Entry, { kind: 'fidl' }>,
    binding: ServerBinding<unknown>,
    transport: ServiceTransport,
  ): void {
    entry.connections[transport]++;
    entry.bindings.push(binding);
    // Drop the binding once it is gone so a long-lived driver does not keep every
    // connection it ever had; keep its figures.
    void binding.unbound.then(() => {
      const i = entry.bindings.indexOf(binding);
      if (i < 0) return;
      entry.bindings.splice(i, 1);
      entry.closedMessages += binding.stats.messages;
      entry.closedBytes += binding.stats.bytesCopied;
    });
  }

  #fidlEntry(offer: string, transport: ServiceTransport): Extract<Entry, { kind: 'fidl' }> {
    this.#checkOpen();
    const entry = this.#entries.get(offer);
    if (entry?.kind !== 'fidl') throw this.#missing(offer, transport);
    return entry;
  }

  #missing(offer: string, transport: ServiceTransport): StatusError {
    const entry = this.#entries.get(offer);
    if (entry !== undefined) {
      const has = entry.kind === 'banjo' ? 'a Banjo function table' : 'a FIDL protocol';
      const wants = transport === 'banjo' ? 'a Banjo function table' : 'a FIDL protocol';
      return new StatusError(
        Status.ERR_WRONG_TYPE,
        `${this.#owner} serves '${offer}' as ${has}, and the connection asks for ${wants}; connect with ${entry.kind === 'banjo' ? 'incoming.connectBanjo' : 'incoming.connect'}`,
      );
    }
    return new StatusError(
      Status.ERR_NOT_FOUND,
      `${this.#owner} does not serve '${offer}'; it serves: ${listOrNone(this.offers())}. Add it with outgoing.addService before adding the node that offers it`,
    );
  }

  #checkNew(offer: string): void {
    this.#checkOpen();
    if (this.#entries.has(offer)) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `${this.#owner} already serves '${offer}'; serve another instance with { instance: 'name' }`,
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `the outgoing directory of ${this.#owner} is closed: the driver is stopping`,
      );
    }
  }
}
