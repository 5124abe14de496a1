/**
 * Reads a zx channel on a dispatcher: waits for messages on the event loop,
 * then handles them in a task, a bounded number per task so one chatty
 * client cannot hold the dispatcher. A handler that throws is the handler's
 * bug, not the peer's: it is reported to `onError` and reading goes on.
 */
import type { Dispatcher } from '@fdf/runtime';
import { Status, StatusError, type ZxChannel, type ZxMessage } from '@fdf/zx';

/** Messages handled per dispatcher task. */
const PER_TASK = 32;

export interface ChannelLoopHandlers {
  onMessage(message: ZxMessage): void;
  /** The peer closed and every message it sent was handled. Runs once. */
  onPeerClosed(): void;
  onError(err: unknown): void;
}

export class ChannelLoop {
  readonly #channel: ZxChannel;
  readonly #dispatcher: Dispatcher;
  readonly #handlers: ChannelLoopHandlers;
  #stopped = false;
  #waiting = false;
  readonly #task = (): void => this.#drain();

  constructor(channel: ZxChannel, dispatcher: Dispatcher, handlers: ChannelLoopHandlers) {
    this.#channel = channel;
    this.#dispatcher = dispatcher;
    this.#handlers = handlers;
    this.#post();
  }

  /** Stops reading; the owner closes the channel. */
  stop(): void {
    this.#stopped = true;
  }

  #post(): void {
    try {
      this.#dispatcher.post(this.#task);
    } catch (err) {
      this.#stopped = true;
      this.#handlers.onError(err);
    }
  }

  #drain(): void {
    if (this.#stopped || this.#channel.closed) return;
    for (let i = 0; i < PER_TASK; i++) {
      let message: ZxMessage | null;
      try {
        message = this.#channel.tryRead();
      } catch (err) {
        this.#stopped = true;
        if (StatusError.is(err, Status.ERR_PEER_CLOSED)) this.#handlers.onPeerClosed();
        else this.#handlers.onError(err);
        return;
      }
      if (message === null) {
        this.#arm();
        return;
      }
      try {
        this.#handlers.onMessage(message);
      } catch (err) {
        this.#handlers.onError(err);
      }
      if (this.#stopped || this.#channel.closed) return;
    }
    this.#post();
  }

  #arm(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    this.#channel.wait().then(
      () => {
        this.#waiting = false;
        if (!this.#stopped) this.#post();
      },
      (err: unknown) => {
        this.#waiting = false;
        // CANCELED: the owner closed the channel while we waited.
        if (!StatusError.is(err, Status.ERR_CANCELED) && !this.#stopped)
          this.#handlers.onError(err);
      },
    );
  }
}
