import { sample } from '@fdf/bindings';
import { env, type Dispatcher } from '@fdf/runtime';
import { Status, StatusError, type ZxChannel } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IncomingNamespace,
  type IncomingRoute,
  type ProviderRef,
  type ServiceRouter,
} from './incoming.js';
import { OutgoingDirectory } from './outgoing.js';
import { serviceOffer } from './serviceOffer.js';

const echoServer: sample.EchoServer = {
  echo: ({ data }, completer) => completer.reply({ data }),
  echoString: ({ value }, completer) => completer.reply({ value: `<${value}>` }),
  send: () => {},
  watchCount: (completer) => completer.reply({ received: 0n }),
};

let parentDispatcher: Dispatcher;
let childDispatcher: Dispatcher;
beforeEach(() => {
  parentDispatcher = env.createDispatcherWithOwner({ name: 'parent' }, { name: 'parent' });
  childDispatcher = env.createDispatcherWithOwner({ name: 'child' }, { name: 'child' });
});
afterEach(() => env.reset());

const here: ProviderRef = { instance: 1, driver: 'parent', host: 'here' };
const there: ProviderRef = { instance: 2, driver: 'parent', host: 'there' };

/** Routes to `outgoing` in this host (`here`) or as if in another one (`there`). */
function router(outgoing: OutgoingDirectory): ServiceRouter {
  return {
    localOutgoing: (p) => (p.host === 'here' ? outgoing : undefined),
    connectRemote: (_p, offer, server: ZxChannel) => outgoing.serveChannel(offer, server),
  };
}

function route(
  provider: ProviderRef | null,
  parent = 'default',
  offer = 'fdf.sample.Echo/default',
): IncomingRoute {
  return { offer, parent, node: `root/${parent}`, provider };
}

describe('service offers', () => {
  it('name a protocol instance the way nodes offer it', () => {
    expect(serviceOffer('fdf.sample/Echo')).toBe('fdf.sample.Echo/default');
    expect(serviceOffer('fdf.block/Block', 'p1')).toBe('fdf.block.Block/p1');
    expect(() => serviceOffer('fdf.sample/Echo', 'a/b')).toThrow(
      "service instance 'a/b' of fdf.sample/Echo is invalid; use letters, digits, '_', '-' or '.'",
    );
  });
});

describe('OutgoingDirectory', () => {
  it('serves one implementation over the Driver and the Channel transport and counts connections', async () => {
    const outgoing = new OutgoingDirectory('parent', parentDispatcher);
    // WatchCount is a hanging get: it waits until the directory closes.
    expect(outgoing.addService(sample.Echo, { ...echoServer, watchCount: () => {} })).toBe(
      'fdf.sample.Echo/default',
    );
    const ns = new IncomingNamespace(
      'child',
      [route(here), route(there, 'other')],
      router(outgoing),
      childDispatcher,
    );
    const local = ns.connect(sample.Echo, { parent: 'default' });
    const remote = ns.connect(sample.Echo, { parent: 'other' });
    expect(await local.echoString({ value: 'a' })).toEqual({ value: '<a>' });
    expect(await remote.echoString({ value: 'b' })).toEqual({ value: '<b>' });
    expect(ns.connections.map((c) => c.transport)).toEqual(['driver', 'channel']);
    expect(outgoing.stats()).toEqual([
      expect.objectContaining({
        offer: 'fdf.sample.Echo/default',
        kind: 'fidl',
        connections: { driver: 1, channel: 1, banjo: 0 },
      }),
    ]);
    // Closing the directory closes the connections: clients see PEER_CLOSED, never a hang.
    const pending = [local.watchCount(), remote.watchCount()].map((p) =>
      p.then(
        () => 'answered',
        (e: unknown) => (e as StatusError).status,
      ),
    );
    outgoing.close();
    expect(await Promise.all(pending)).toEqual([Status.ERR_PEER_CLOSED, Status.ERR_PEER_CLOSED]);
  });

  it('says what it serves when asked for something else, and refuses duplicates', () => {
    const outgoing = new OutgoingDirectory('parent', parentDispatcher);
    outgoing.addBanjo(
      sample.BanjoEcho,
      { echo: (_c, r) => r, echoString: (_c, r, done) => done(r) },
      null,
    );
    expect(() =>
      outgoing.addBanjo(sample.BanjoEcho, { echo: (_c, r) => r, echoString: () => {} }, null),
    ).toThrow(
      "parent already serves 'fdf.sample.BanjoEcho/default'; serve another instance with { instance: 'name' }",
    );
    const ns = new IncomingNamespace(
      'child',
      [route(here), route(here, 'default', 'fdf.sample.BanjoEcho/default')],
      router(outgoing),
      childDispatcher,
    );
    expect(() => ns.connect(sample.Echo)).toThrow(
      "parent does not serve 'fdf.sample.Echo/default'; it serves: fdf.sample.BanjoEcho/default. Add it with outgoing.addService before adding the node that offers it",
    );
    expect(
      ns.connectBanjo(sample.BanjoEcho).echo({ data: new Uint8Array([1]), mode: 1 }).data,
    ).toEqual(new Uint8Array([1]));
  });
});

describe('IncomingNamespace', () => {
  const outgoing = (): OutgoingDirectory => {
    const o = new OutgoingDirectory('parent', parentDispatcher);
    o.addService(sample.Echo, echoServer);
    return o;
  };

  it('says which parents offer what when a protocol is missing', () => {
    const ns = new IncomingNamespace('child', [route(here)], router(outgoing()), childDispatcher);
    expect(ns.has('fdf.sample/Echo')).toBe(true);
    expect(() => ns.connect(sample.Ring)).toThrow(
      "child: no parent offers 'fdf.sample.Ring/default'; offered: fdf.sample.Echo/default (parent 'default'). The parent driver lists its offers when it adds the node",
    );
  });

  it('asks for a parent role when several parents offer the same protocol', () => {
    const ns = new IncomingNamespace(
      'child',
      [route(here, 'a'), route(here, 'b')],
      router(outgoing()),
      childDispatcher,
    );
    expect(() => ns.connect(sample.Echo)).toThrow(
      "child: 'fdf.sample.Echo/default' is offered by several parents ('a', 'b'); pass { parent } to pick one",
    );
    expect(() => ns.connect(sample.Echo, { parent: 'b' })).not.toThrow();
  });

  it('refuses Banjo across hosts and offers of board nodes that no driver serves', () => {
    const o = new OutgoingDirectory('parent', parentDispatcher);
    o.addBanjo(sample.BanjoEcho, { echo: (_c, r) => r, echoString: () => {} }, null);
    const banjo = 'fdf.sample.BanjoEcho/default';
    const ns = new IncomingNamespace(
      'child',
      [route(there, 'default', banjo), route(null, 'dev')],
      router(o),
      childDispatcher,
    );
    expect(() => ns.connectBanjo(sample.BanjoEcho)).toThrow(
      "child: 'fdf.sample.BanjoEcho/default' is a Banjo protocol served by parent in host 'there', another host; Banjo calls are direct function calls, so place both drivers in one host in the board, or use their driver variant",
    );
    const err = (() => {
      try {
        ns.connect(sample.Echo);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toBe(
      "ZX_ERR_NOT_SUPPORTED: child: 'fdf.sample.Echo/default' is offered by node root/dev, which the board created; no driver serves it",
    );
  });

  it('closes its clients when the driver stops', async () => {
    const ns = new IncomingNamespace('child', [route(here)], router(outgoing()), childDispatcher);
    const client = ns.connect(sample.Echo);
    ns.close();
    expect(client.isClosed).toBe(true);
    expect(() => ns.connect(sample.Echo)).toThrow(
      'child: the incoming namespace is closed: the driver is stopping',
    );
    expect(await client.closed).toBe(Status.ERR_CANCELED);
  });
});
