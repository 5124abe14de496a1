/**
 * The read loop of a Driver-transport binding: one wait on the channel, one
 * message per wake-up, re-armed after the message was handled (so messages
 * are handled one at a time, in order, on the binding's dispatcher).
 */
import type { Channel, Dispatcher, Message } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';

export interface ReaderCallbacks {
  onMessage(msg: Message): void;
  /** Once: the peer closed (PEER_CLOSED), the dispatcher shut down (CANCELED), or the loop broke. */
  onClosed(status: Status): void;
}

/** Status.OK as a module constant: `Status` is a dictionary-mode object, a hash lookup per read. */
const OK: Status = Status.OK;

export class ChannelReader {
  #stopped = false;

  constructor(
    private readonly channel: Channel,
    private readonly dispatcher: Dispatcher,
    private readonly callbacks: ReaderCallbacks,
  ) {
    this.#arm();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops reading and closes the channel (which drops its wait); the peer sees PEER_CLOSED. */
  stop(): void {
    this.#stopped = true;
    if (!this.channel.closed) this.channel.close();
  }

  #arm(): void {
    try {
      this.channel.waitAsync(this.dispatcher, this.#onSignal);
    } catch (err) {
      // PEER_CLOSED: nothing left to read; UNAVAILABLE: the dispatcher is shutting down.
      const status = StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
      this.#close(status === Status.ERR_UNAVAILABLE ? Status.ERR_CANCELED : status);
    }
  }

  readonly #onSignal = (status: Status): void => {
    if (this.#stopped) return;
    if (status !== OK) {
      this.#close(status);
      return;
    }
    let msg: Message;
    try {
      msg = this.channel.read();
    } catch (err) {
      if (StatusError.is(err, Status.ERR_SHOULD_WAIT)) this.#arm();
      else this.#close(StatusError.is(err) ? err.status : Status.ERR_INTERNAL);
      return;
    }
    try {
      this.callbacks.onMessage(msg);
    } catch {
      // The bindings handle their own errors; anything reaching here is a bug
      // in them. Close this channel rather than unwind into the runtime.
      this.#close(Status.ERR_INTERNAL);
      return;
    }
    if (!this.#stopped) this.#arm();
  };

  #close(status: Status): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.callbacks.onClosed(status);
    if (!this.channel.closed) this.channel.close();
  }
}
