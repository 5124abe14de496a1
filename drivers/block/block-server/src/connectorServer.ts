/**
 * The fdf.blockserver/Connector server: each Connect hands over the server
 * end of a control channel, which is bound to the BlockServer with
 * serveBlockDevice. The bindings are kept so the driver can close them when
 * it stops (a client then sees ZX_ERR_PEER_CLOSED on its device channel).
 */
import type { Dispatcher } from '@fdf/runtime';
import { Status, ZxChannel } from '@fdf/zx';
import type { BlockServer } from './blockServer.js';
import { serveBlockDevice, type ControlBinding } from './controlServer.js';
import type { ConnectorServer } from './generated/fdf.blockserver.js';

export interface ConnectorHooks {
  /** A Connect whose handle was not a channel: the caller is told by an epitaph, the driver here. */
  readonly onRefused: (message: string) => void;
}

export class ConnectorBindings {
  readonly #bindings = new Set<ControlBinding>();
  #accepted = 0;

  /** Device channels served so far. */
  get accepted(): number {
    return this.#accepted;
  }

  get open(): number {
    return this.#bindings.size;
  }

  server(server: BlockServer, dispatcher: Dispatcher, hooks: ConnectorHooks): ConnectorServer {
    return {
      connect: ({ device }, completer) => {
        if (!(device instanceof ZxChannel)) {
          if (!device.closed) device.close();
          hooks.onRefused(
            'Connect carried a handle that is not a channel; send the server end of a ZxChannel pair',
          );
          completer.closeWithEpitaph(Status.ERR_WRONG_TYPE);
          return;
        }
        const binding = serveBlockDevice(server, device, dispatcher);
        this.#accepted++;
        this.#bindings.add(binding);
        void binding.done.then(() => this.#bindings.delete(binding));
      },
    };
  }

  /** Stops serving every device channel; open sessions are the server's to close. */
  closeAll(): void {
    for (const b of [...this.#bindings]) b.close();
    this.#bindings.clear();
  }
}
