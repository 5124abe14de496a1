import { Handle, ObjType, Status, StatusError } from '@fdf/zx';
import { acquireRequest, type RequestTarget, RequestKind } from './callbackRequest.js';
import { currentDispatcher, currentDriver } from './callStack.js';
import { Channel } from './channel.js';
import { Dispatcher, type PendingRegistration } from './dispatcher.js';
import { moveHandle } from './handleTransfer.js';

export type TokenHandler = (status: Status, channel: Channel | null) => void;

/**
 * A registration waiting for its channel. It is handed over through the same
 * rules and counters as any callback.
 */
class Registration implements RequestTarget, PendingRegistration {
  readonly dispatcher: Dispatcher;
  readonly #handler: TokenHandler;
  /** The channel to hand over, once a transfer matched. */
  channel: Channel | null = null;
  /** Resolved: handed over, canceled, or dropped. Later transfers close their channel. */
  done = false;

  constructor(dispatcher: Dispatcher, handler: TokenHandler) {
    this.dispatcher = dispatcher;
    this.#handler = handler;
  }

  /** Hands the outcome over to the dispatcher (inline or queued). */
  schedule(status: Status, channel: Channel | null): void {
    if (this.dispatcher.state !== 'running') {
      // The shutdown gives this registration its (CANCELED, null) call.
      channel?.close();
      return;
    }
    this.done = true;
    this.dispatcher.removePendingRegistration(this);
    this.channel = channel;
    const r = acquireRequest(RequestKind.token, this, this.dispatcher);
    r.initiatingDispatcher = currentDispatcher();
    r.initiatingDriver = currentDriver();
    this.dispatcher.handOver(r, status);
  }

  invoke(status: Status): void {
    const channel = this.channel;
    this.channel = null;
    if (status !== Status.OK) {
      channel?.close();
      this.#handler(status, null);
      return;
    }
    this.#handler(status, channel);
  }

  /** Shutdown: a channel that already matched is closed so its peer sees PEER_CLOSED. */
  cancel(): void {
    this.done = true;
    this.invoke(Status.ERR_CANCELED);
  }
}

/** One side of a token pair. */
class TokenEnd {
  peer: TokenEnd | null = null;
  handle: Token | null = null;
  closed = false;
  registration: Registration | null = null;
  /** A channel transferred from this side that waits for the peer to register. */
  pendingTransfer: Channel | null = null;

  close(): void {
    this.closed = true;
    this.handle = null;
    const reg = this.registration;
    if (reg !== null && !reg.done) {
      // Closing a registered token drops its registration: the handler never runs.
      reg.done = true;
      reg.dispatcher.removePendingRegistration(reg);
    }
    const peer = this.peer;
    this.peer = null;
    if (peer === null) return;
    peer.peer = null;
    if (peer.registration !== null && !peer.registration.done) {
      peer.registration.schedule(Status.ERR_CANCELED, null);
    }
    if (peer.pendingTransfer !== null) {
      const ch = peer.pendingTransfer;
      peer.pendingTransfer = null;
      ch.close();
    }
  }
}

/**
 * fdf_token: hands a runtime channel to whoever registered the peer token,
 * without either side knowing the other's dispatcher. In the real runtime the
 * tokens are zircon channels, so this is a handle with objType CHANNEL and it
 * can travel in a message. Works within one driver host.
 */
export class Token extends Handle {
  readonly objType = ObjType.CHANNEL;
  readonly #end: TokenEnd;

  private constructor(end: TokenEnd) {
    super();
    this.#end = end;
    end.handle = this;
  }

  static create(): [Token, Token] {
    const a = new TokenEnd();
    const b = new TokenEnd();
    a.peer = b;
    b.peer = a;
    return [new Token(a), new Token(b)];
  }

  /**
   * Registers `handler` on `d` for the channel the peer token will transfer.
   * Register and transfer may come in either order.
   */
  register(d: Dispatcher, handler: TokenHandler): void {
    this.assertOpen('token');
    if (!(d instanceof Dispatcher) || typeof handler !== 'function') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'register(dispatcher, handler) needs a Dispatcher and a handler function',
      );
    }
    const end = this.#end;
    if (end.registration !== null) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        'this token is already registered; a token is registered once',
      );
    }
    if (d.state !== 'running') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `register on dispatcher '${d.name}' which is ${d.state}; use a running dispatcher`,
      );
    }
    const reg = new Registration(d, handler);
    end.registration = reg;
    const peer = end.peer;
    if (peer !== null && peer.pendingTransfer !== null) {
      const ch = peer.pendingTransfer;
      peer.pendingTransfer = null;
      reg.schedule(Status.OK, ch);
    } else if (peer === null) {
      reg.schedule(Status.ERR_CANCELED, null);
    } else {
      d.addPendingRegistration(reg);
    }
  }

  /**
   * Gives `channel` to the peer token's registration. Consumes this token and
   * the channel. If the peer's registration was canceled or the peer closes,
   * the channel is closed, so its own peer sees PEER_CLOSED.
   */
  transfer(channel: Channel): void {
    this.assertOpen('token');
    if (!(channel instanceof Channel)) {
      throw new StatusError(Status.ERR_INVALID_ARGS, 'transfer needs a runtime Channel');
    }
    channel.assertOpen('channel to transfer');
    if (channel.hasPendingWait()) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'transfer of a channel with a pending waitAsync; cancel the wait first',
      );
    }
    const end = this.#end;
    if (end.registration !== null) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        'transfer on a token that is registered; transfer from the other token of the pair',
      );
    }
    const moved = channel[moveHandle]();
    // The token is consumed; its end lives on while a transfer is pending.
    end.handle = null;
    this.markTransferred();
    const peer = end.peer;
    const reg = peer?.registration ?? null;
    if (peer === null || peer.closed || (reg !== null && reg.done)) {
      moved.close();
    } else if (reg !== null) {
      reg.schedule(Status.OK, moved);
    } else {
      end.pendingTransfer = moved;
    }
  }

  protected onClose(): void {
    this.#end.close();
  }

  /** @internal A token carried in a message reaches its reader as a new handle object. */
  [moveHandle](): Token {
    this.assertOpen('token');
    const moved = new Token(this.#end);
    this.markTransferred();
    return moved;
  }
}
