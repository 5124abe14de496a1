/**
 * The fake child of a driver under test: connects to the driver's outgoing
 * directory the way a child driver's incoming namespace does, with its own
 * dispatcher for replies and events.
 */
import {
  createChannelClient,
  createDriverClient,
  type BanjoProtocolDescriptor,
  type ClientBase,
  type ProtocolDescriptor,
} from '@fdf/fidl';
import { serviceOffer, type OutgoingDirectory } from '@fdf/framework';
import { Channel, env, type Dispatcher } from '@fdf/runtime';
import { ZxChannel } from '@fdf/zx';

/** `driver`: as from the same host (Driver transport); `channel`: as from another host. */
export type HarnessTransport = 'driver' | 'channel';

export class FakeChild {
  readonly #outgoing: OutgoingDirectory;
  readonly #identity = { name: 'fake-child' };
  readonly #dispatcher: Dispatcher;
  readonly #clients: ClientBase<unknown>[] = [];

  constructor(outgoing: OutgoingDirectory) {
    this.#outgoing = outgoing;
    this.#dispatcher = env.createDispatcherWithOwner(this.#identity, { name: 'fake-child' });
  }

  connect<C, S, E, SC>(
    proto: ProtocolDescriptor<C, S, E, SC>,
    instance: string | undefined,
    transport: HarnessTransport,
  ): C {
    const offer = serviceOffer(proto.name, instance);
    let client: C;
    if (transport === 'driver') {
      const [clientEnd, serverEnd] = Channel.create();
      this.#outgoing.serveDriver(offer, serverEnd);
      client = createDriverClient(proto, clientEnd, { dispatcher: this.#dispatcher });
    } else {
      const [clientEnd, serverEnd] = ZxChannel.create();
      this.#outgoing.serveChannel(offer, serverEnd);
      client = createChannelClient(proto, clientEnd, { dispatcher: this.#dispatcher });
    }
    this.#clients.push(client as ClientBase<unknown>);
    return client;
  }

  connectBanjo<Ops, Client>(
    proto: BanjoProtocolDescriptor<Ops, Client>,
    instance: string | undefined,
  ): Client {
    const table = this.#outgoing.banjo(serviceOffer(proto.name, instance));
    return proto.client(table as Parameters<typeof proto.client>[0]);
  }

  shutdown(): void {
    for (const c of this.#clients) if (!c.isClosed) c.close();
    env.shutdownDispatchersAsync(this.#identity, () => {});
  }
}
