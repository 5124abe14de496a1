/**
 * The client side of the control protocol (see controlProtocol.ts), and the
 * small interface BlockClient holds for its session's control calls, so a
 * client in the same host can skip the channel (localSession.ts).
 */
import { Fifo, Status, StatusError, ZxChannel, type Handle, type Vmo } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';
import {
  checkReply,
  decodeControl,
  encodeControl,
  infoFromWire,
  type ControlMessage,
} from './controlProtocol.js';
import { BLOCK_VMOID_INVALID, BLOCK_VMOID_MAX } from './fifoProtocol.js';

/** Why the server ended a session, when it said so. */
export interface CloseReason {
  status: Status;
  reason: string;
}

/** The control calls of one session. */
export interface SessionControl {
  attachVmo(vmo: Vmo): Promise<number>;
  /** Asks the server to end the session once its ops are done; resolves when it did. */
  close(): Promise<void>;
  /** The server's own reason for ending the session, if it gave one. */
  closeReason(): CloseReason | null;
}

async function call(
  channel: ZxChannel,
  body: object,
  what: string,
  handles: Handle[] = [],
): Promise<{ m: ControlMessage; handles: Handle[] }> {
  let reply;
  try {
    reply = await channel.callAsync(encodeControl(0, body), handles);
  } catch (err) {
    if (StatusError.is(err, Status.ERR_PEER_CLOSED)) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `${what}: block-server closed the channel before answering; the device or session is gone, reconnect`,
      );
    }
    throw err;
  }
  let m: ControlMessage;
  try {
    m = decodeControl(reply.bytes);
    checkReply(m.body, what);
  } catch (err) {
    for (const h of reply.handles) h.close();
    throw err;
  }
  return { m, handles: reply.handles };
}

/** A device channel: the entry to a block-server in another host. */
export class BlockDeviceConnection {
  readonly channel: ZxChannel;

  constructor(channel: ZxChannel) {
    this.channel = channel;
  }

  async getInfo(): Promise<BlockInfo> {
    const { m } = await call(this.channel, { method: 'getInfo' }, 'getInfo');
    return infoFromWire(m.body['info']);
  }

  /** Opens a session: its FIFO (the client's end) and its control. */
  async openSession(): Promise<{ fifo: Fifo; control: ChannelSessionControl }> {
    const { handles } = await call(this.channel, { method: 'openSession' }, 'openSession');
    const [session, fifo] = handles;
    if (handles.length !== 2 || !(session instanceof ZxChannel) || !(fifo instanceof Fifo)) {
      for (const h of handles) h.close();
      throw new StatusError(
        Status.ERR_WRONG_TYPE,
        'openSession: the reply must carry a session channel and a FIFO; is the peer a block-server?',
      );
    }
    return { fifo, control: new ChannelSessionControl(session) };
  }
}

/** A session channel. */
export class ChannelSessionControl implements SessionControl {
  readonly channel: ZxChannel;
  #reason: CloseReason | null = null;

  constructor(channel: ZxChannel) {
    this.channel = channel;
  }

  async attachVmo(vmo: Vmo): Promise<number> {
    const { m } = await call(this.channel, { method: 'attachVmo' }, 'attachVmo', [vmo]);
    const vmoid = m.body['vmoid'];
    if (
      typeof vmoid !== 'number' ||
      !Number.isInteger(vmoid) ||
      vmoid <= BLOCK_VMOID_INVALID ||
      vmoid > BLOCK_VMOID_MAX
    ) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `attachVmo: the server answered vmoid ${JSON.stringify(vmoid)}, not one in 1..65535`,
      );
    }
    return vmoid;
  }

  /** The session's counters as the server sees them (SessionStats). */
  async getStats(): Promise<Record<string, number>> {
    const { m } = await call(this.channel, { method: 'getStats' }, 'getStats');
    return m.body['stats'] as Record<string, number>;
  }

  async close(): Promise<void> {
    if (this.channel.closed) return;
    try {
      await call(this.channel, { method: 'close' }, 'close');
    } catch (err) {
      // A server that already ended the session has nothing left to close.
      if (!StatusError.is(err, Status.ERR_PEER_CLOSED)) throw err;
    } finally {
      this.closeReason();
      if (!this.channel.closed) this.channel.close();
    }
  }

  closeReason(): CloseReason | null {
    if (this.#reason !== null || this.channel.closed) return this.#reason;
    // Events wait in the channel until asked for: nothing holds the event loop for them.
    for (;;) {
      let message;
      try {
        message = this.channel.tryRead();
      } catch {
        return this.#reason;
      }
      if (message === null) return this.#reason;
      for (const h of message.handles) h.close();
      try {
        const { body } = decodeControl(message.bytes);
        if (body['event'] === 'closed' && typeof body['status'] === 'number') {
          const reason = typeof body['reason'] === 'string' ? body['reason'] : 'no reason given';
          this.#reason = { status: body['status'] as Status, reason };
        }
      } catch {
        // Not an event we understand; the reason stays unknown.
      }
    }
  }
}
