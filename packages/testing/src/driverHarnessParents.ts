/**
 * The fake parents of a driver under test: one per parent role, each with a
 * dispatcher and an outgoing directory serving what the test gave it. They
 * are reached like real parents: registered in the host (Driver transport)
 * or, for `transport: 'channel'`, as if in another host (the host sends the
 * server end out and the harness binds it here with the Channel transport).
 */
import type { BanjoProtocolDescriptor, ProtocolDescriptor } from '@fdf/fidl';
import {
  OutgoingDirectory,
  type DriverHost,
  type IncomingRoute,
  type ProviderRef,
} from '@fdf/framework';
import { env, type Dispatcher } from '@fdf/runtime';
import type { ZxChannel } from '@fdf/zx';

/** A service a fake parent serves: a FIDL server or a Banjo table (build it with fakeService / fakeBanjo). */
export type FakeService =
  | {
      readonly kind: 'fidl';
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      readonly protocol: ProtocolDescriptor<any, any, any, any>;
      readonly server: unknown;
      readonly instance?: string;
      readonly parent?: string;
    }
  | {
      readonly kind: 'banjo';
      readonly protocol: BanjoProtocolDescriptor<unknown, unknown>;
      readonly ops: unknown;
      readonly ctx: unknown;
      readonly instance?: string;
      readonly parent?: string;
    };

export interface FakeServiceOptions {
  readonly instance?: string;
  /** The parent role that offers it (default `default`); several roles make a composite node. */
  readonly parent?: string;
}

/** A FIDL service of a fake parent: `server` implements the generated server interface. */
export function fakeService<C, S, E, SC>(
  protocol: ProtocolDescriptor<C, S, E, SC>,
  server: S,
  options: FakeServiceOptions = {},
): FakeService {
  return { kind: 'fidl', protocol, server, ...options };
}

/** A Banjo function table of a fake parent. */
export function fakeBanjo<Ops, Client>(
  protocol: BanjoProtocolDescriptor<Ops, Client>,
  ops: Ops,
  ctx: unknown,
  options: FakeServiceOptions = {},
): FakeService {
  return {
    kind: 'banjo',
    protocol: protocol as BanjoProtocolDescriptor<unknown, unknown>,
    ops,
    ctx,
    ...options,
  };
}

interface Parent {
  readonly role: string;
  readonly identity: { readonly name: string };
  readonly dispatcher: Dispatcher;
  readonly outgoing: OutgoingDirectory;
  readonly provider: ProviderRef;
}

const FIRST_INSTANCE = 1000;

export class FakeParents {
  readonly #parents: Parent[] = [];

  constructor(services: readonly FakeService[], host: string) {
    const roles = [...new Set(services.map((s) => s.parent ?? 'default'))];
    if (roles.length === 0) roles.push('default');
    roles.forEach((role, i) => {
      const identity = { name: `fake-parent(${role})` };
      const dispatcher = env.createDispatcherWithOwner(identity, { name: `fake-parent-${role}` });
      const outgoing = new OutgoingDirectory(identity.name, dispatcher);
      for (const s of services) {
        if ((s.parent ?? 'default') !== role) continue;
        const opts = s.instance === undefined ? {} : { instance: s.instance };
        if (s.kind === 'fidl') outgoing.addService(s.protocol, s.server, opts);
        else outgoing.addBanjo(s.protocol, s.ops, s.ctx, opts);
      }
      this.#parents.push({
        role,
        identity,
        dispatcher,
        outgoing,
        provider: { instance: FIRST_INSTANCE + i, driver: identity.name, host },
      });
    });
  }

  roles(): string[] {
    return this.#parents.map((p) => p.role);
  }

  routes(nodePath: string): IncomingRoute[] {
    return this.#parents.flatMap((p) =>
      p.outgoing.offers().map((offer) => ({
        offer,
        parent: p.role,
        node: p.role === 'default' ? nodePath : `root/harness/${p.role}`,
        provider: p.provider,
      })),
    );
  }

  /** Makes the parents reachable in `host` (they only are when they claim its name). */
  registerWith(host: DriverHost): () => void {
    const undo = this.#parents
      .filter((p) => p.provider.host === host.name)
      .map((p) => host.registerProvider(p.provider.instance, p.outgoing));
    return () => undo.forEach((u) => u());
  }

  /** A connection the host sent out, as to another host. */
  serveChannel(provider: ProviderRef, offer: string, server: ZxChannel): void {
    const parent = this.#parents.find((p) => p.provider.instance === provider.instance);
    if (parent === undefined) {
      server.close();
      return;
    }
    parent.outgoing.serveChannel(offer, server);
  }

  shutdown(): void {
    for (const p of this.#parents) {
      p.outgoing.close();
      env.shutdownDispatchersAsync(p.identity, () => {});
    }
  }
}
