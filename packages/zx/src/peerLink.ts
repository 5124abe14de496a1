/**
 * The liveness wire between the two ends of a shared-memory object (fifo,
 * event pair). The ends hold the two ports of a MessageChannel that never
 * carries data: when the thread holding one end dies, Node closes its port and
 * the other port emits 'close', which is the only notice a terminated worker
 * gives. Explicit closes are signalled in shared memory; this covers the rest.
 */
import { MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { trackUntilThreadExit, untrackThreadExit, type ThreadExitAware } from './threadExit.js';

export class PeerLink {
  #port: MessagePort | null;
  #portClosed = false;
  #detached = false;
  readonly #owner: ThreadExitAware;

  /** `onPeerGone` runs at most once, when the peer vanished without closing. */
  constructor(port: MessagePort | null, owner: ThreadExitAware, onPeerGone: () => void) {
    this.#port = port;
    this.#owner = owner;
    trackUntilThreadExit(owner);
    port?.once('close', () => {
      this.#portClosed = true;
      if (!this.#detached) onPeerGone();
    });
  }

  static ports(): [MessagePort, MessagePort] {
    const { port1, port2 } = new MessageChannel();
    return [port1, port2];
  }

  /** The port for a transfer payload, pushed to `transferList`; null once the peer is gone. */
  exportPort(transferList: TransferListItem[]): MessagePort | null {
    if (this.#port === null || this.#portClosed) return null;
    transferList.push(this.#port);
    return this.#port;
  }

  /** The end moved to another thread: forget the port (its local 'close' is expected). */
  detach(): void {
    this.#detached = true;
    this.#port = null;
    untrackThreadExit(this.#owner);
  }

  /** The end was closed: closing the port tells a peer whose shared state is not watched. */
  close(): void {
    const port = this.#port;
    this.detach();
    port?.close();
  }
}
