/**
 * The read loop of a Channel-transport binding over a zircon channel: wait
 * until readable, read everything there is, wait again. Each message is handed
 * to the binding on its dispatcher when it has one (as a posted task, so the
 * driver's threading rules hold: one callback at a time, in order), or
 * directly from the event loop otherwise.
 */
import type { Dispatcher } from '@fdf/runtime';
import {
  Status,
  StatusError,
  ZX_CHANNEL_PEER_CLOSED,
  ZX_CHANNEL_READABLE,
  type ZxChannel,
  type ZxMessage,
} from '@fdf/zx';

export interface ZxReaderCallbacks {
  onMessage(msg: ZxMessage): void;
  /** Once, after the last message: PEER_CLOSED, or another status when the loop broke. */
  onClosed(status: Status): void;
}

export class ZxReader {
  #stopped = false;

  /** Messages posted to the dispatcher and not yet handled, oldest first. */
  readonly #waiting: ZxMessage[] = [];

  readonly #handleNext = (): void => {
    const msg = this.#waiting.shift();
    if (msg !== undefined) this.#handle(msg);
  };

  constructor(
    private readonly channel: ZxChannel,
    private readonly dispatcher: Dispatcher | null,
    private readonly callbacks: ZxReaderCallbacks,
  ) {
    void this.#loop();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops reading and closes the channel; the peer sees PEER_CLOSED. A pending wait ends with CANCELED. */
  stop(): void {
    this.#stopped = true;
    if (!this.channel.closed) this.channel.close();
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        if (this.#stopped || this.channel.closed) return;
        const signals = this.channel.signals;
        if ((signals & ZX_CHANNEL_READABLE) !== 0) {
          this.#deliver(this.channel.read());
          continue;
        }
        if ((signals & ZX_CHANNEL_PEER_CLOSED) !== 0) {
          this.#finish(Status.ERR_PEER_CLOSED);
          return;
        }
        await this.channel.wait(ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
      }
    } catch (err) {
      // CANCELED: this end was closed while waiting (stop); anything else is unexpected.
      if (!this.#stopped) this.#finish(StatusError.is(err) ? err.status : Status.ERR_INTERNAL);
    }
  }

  #deliver(msg: ZxMessage): void {
    if (this.dispatcher === null) {
      this.#handle(msg);
      return;
    }
    // One shared task per message, each taking the oldest waiting message: the dispatcher runs
    // posts in order, so no closure per message is needed to carry it.
    this.#waiting.push(msg);
    this.#post(this.#handleNext);
  }

  #handle(msg: ZxMessage): void {
    if (this.#stopped) {
      for (const h of msg.handles) if (!h.closed) h.close();
      return;
    }
    try {
      this.callbacks.onMessage(msg);
    } catch {
      // The bindings handle their own errors; a throw here is a bug in them.
      // Close this channel rather than unwind into the runtime or the event loop.
      this.#finish(Status.ERR_INTERNAL);
    }
  }

  #finish(status: Status): void {
    const run = (): void => {
      if (this.#stopped) return;
      this.#stopped = true;
      this.callbacks.onClosed(status);
      if (!this.channel.closed) this.channel.close();
    };
    if (this.dispatcher === null) run();
    else this.#post(run);
  }

  #post(task: () => void): void {
    try {
      (this.dispatcher as Dispatcher).post(task);
    } catch {
      // The dispatcher is shutting down: nobody will handle messages any more.
      this.#stopped = true;
      this.callbacks.onClosed(Status.ERR_CANCELED);
      if (!this.channel.closed) this.channel.close();
    }
  }
}
