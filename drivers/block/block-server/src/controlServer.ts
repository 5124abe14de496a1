/**
 * The server side of the control protocol (see controlProtocol.ts): binds a
 * BlockServer to a device channel, and each session it opens to a session
 * channel. A malformed message gets an error reply (or, without a txid, an
 * error event) and its handles are closed; it never ends the binding.
 */
import type { Dispatcher } from '@fdf/runtime';
import {
  Status,
  StatusError,
  Vmo,
  ZX_RIGHT_MAP,
  ZX_RIGHT_READ,
  ZX_RIGHT_WRITE,
  ZxChannel,
  hasRights,
  rightsName,
  type Handle,
  type ZxMessage,
} from '@fdf/zx';
import type { BlockServer } from './blockServer.js';
import type { BlockSession } from './blockSession.js';
import { ChannelLoop } from './channelLoop.js';
import {
  CONTROL_TXID_BYTES,
  decodeControl,
  encodeControl,
  infoToWire,
  type ControlMessage,
} from './controlProtocol.js';

/** Rights an attached VMO needs: the device reads it for writes and fills it for reads. */
const VMO_RIGHTS = ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP;

export interface ControlBinding {
  /** Stops serving the device channel and closes it; open sessions go on. */
  close(): void;
  /** Resolves when the device channel is no longer served (peer closed or close()). */
  readonly done: Promise<void>;
  /** Malformed or refused control messages seen on this binding and its sessions. */
  readonly rejectedMessages: number;
}

function closeAll(handles: readonly Handle[]): void {
  for (const h of handles) if (!h.closed) h.close();
}

function statusOf(err: unknown): Status {
  return err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
}

/** Sends a reply or event; a peer that went away cannot get it, so its handles are closed here. */
function send(channel: ZxChannel, txid: number, body: object, handles: Handle[] = []): boolean {
  try {
    channel.write(encodeControl(txid, body), handles);
    return true;
  } catch (err) {
    closeAll(handles);
    if (StatusError.is(err, Status.ERR_PEER_CLOSED) || StatusError.is(err, Status.ERR_BAD_HANDLE)) {
      return false;
    }
    throw err;
  }
}

/** Serves `server` on `channel` (the server's end of a device channel). */
export function serveBlockDevice(
  server: BlockServer,
  channel: ZxChannel,
  dispatcher: Dispatcher,
): ControlBinding {
  return new DeviceBinding(server, channel, dispatcher);
}

class DeviceBinding implements ControlBinding {
  readonly done: Promise<void>;
  rejectedMessages = 0;
  readonly #server: BlockServer;
  readonly #channel: ZxChannel;
  readonly #dispatcher: Dispatcher;
  readonly #loop: ChannelLoop;
  #resolveDone!: () => void;

  constructor(server: BlockServer, channel: ZxChannel, dispatcher: Dispatcher) {
    this.#server = server;
    this.#channel = channel;
    this.#dispatcher = dispatcher;
    this.done = new Promise<void>((resolve) => (this.#resolveDone = resolve));
    this.#loop = new ChannelLoop(channel, dispatcher, {
      onMessage: (m) => this.#onMessage(m),
      onPeerClosed: () => this.close(),
      onError: () => this.close(),
    });
  }

  close(): void {
    this.#loop.stop();
    if (!this.#channel.closed) this.#channel.close();
    this.#resolveDone();
  }

  #onMessage(message: ZxMessage): void {
    handleRequest(this.#channel, message, this, (m, handles) => {
      const method = m.body['method'];
      if (method === 'getInfo') {
        expectHandles(handles, 0, 'getInfo');
        return { status: Status.OK, info: infoToWire(this.#server.info) };
      }
      if (method === 'openSession') {
        expectHandles(handles, 0, 'openSession');
        return this.#openSession(m.txid);
      }
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `unknown method ${JSON.stringify(method)} on a device channel; it serves getInfo and openSession`,
      );
    });
  }

  /** Opens a session and sends the reply itself (it carries handles); null: nothing more to send. */
  #openSession(txid: number): null {
    const [local, remote] = ZxChannel.create();
    const binding = new SessionBinding(local, this.#dispatcher, this);
    const { session, fifo } = this.#server.openSession({
      onClosing: (s, status, reason) => binding.onClosing(s, status, reason),
    });
    binding.attach(session);
    const body = { status: Status.OK, session: session.id, fifoDepth: fifo.depth };
    if (!send(this.#channel, txid, body, [remote, fifo])) {
      void session.close(
        Status.ERR_PEER_CLOSED,
        'the client closed its device channel before the session reached it',
      );
    }
    return null;
  }
}

class SessionBinding {
  readonly #channel: ZxChannel;
  readonly #owner: { rejectedMessages: number };
  readonly #loop: ChannelLoop;
  #session: BlockSession | null = null;
  #closeRequested = false;

  constructor(channel: ZxChannel, dispatcher: Dispatcher, owner: { rejectedMessages: number }) {
    this.#channel = channel;
    this.#owner = owner;
    this.#loop = new ChannelLoop(channel, dispatcher, {
      onMessage: (m) => this.#onMessage(m),
      onPeerClosed: () =>
        this.#endSession(Status.ERR_PEER_CLOSED, 'the client closed its session channel'),
      onError: (err) =>
        this.#endSession(statusOf(err), `the session channel failed: ${String(err)}`),
    });
  }

  attach(session: BlockSession): void {
    this.#session = session;
    // The channel outlives nothing: once the session's ops are done, it closes.
    void session.closed.then(() => this.#shut());
  }

  /** The session is closing: tell the client why, before its FIFO end closes. */
  onClosing(_session: BlockSession, status: Status, reason: string): void {
    if (this.#closeRequested || this.#channel.closed) return;
    send(this.#channel, 0, { event: 'closed', status, reason });
  }

  #endSession(status: Status, reason: string): void {
    this.#loop.stop();
    void this.#session?.close(status, reason);
  }

  #shut(): void {
    this.#loop.stop();
    if (!this.#channel.closed) this.#channel.close();
  }

  #onMessage(message: ZxMessage): void {
    handleRequest(this.#channel, message, this.#owner, (m, handles) => {
      const session = this.#session as BlockSession;
      const method = m.body['method'];
      if (method === 'attachVmo') {
        expectHandles(handles, 1, 'attachVmo');
        const vmo = handles[0];
        if (!(vmo instanceof Vmo)) {
          throw new StatusError(
            Status.ERR_WRONG_TYPE,
            'attachVmo: the handle is not a VMO; send the VMO to attach',
          );
        }
        if (!hasRights(vmo.rights, VMO_RIGHTS)) {
          throw new StatusError(
            Status.ERR_ACCESS_DENIED,
            `attachVmo: the VMO handle has ${rightsName(vmo.rights)} but block I/O needs ${rightsName(VMO_RIGHTS)}; send a handle with them`,
          );
        }
        return { status: Status.OK, vmoid: session.attachVmo(vmo) };
      }
      if (method === 'getStats') {
        expectHandles(handles, 0, 'getStats');
        return { status: Status.OK, stats: session.stats };
      }
      if (method === 'close') {
        expectHandles(handles, 0, 'close');
        this.#closeRequested = true;
        this.#loop.stop();
        void session.close(Status.OK, 'closed by the client').then(() => {
          if (!this.#channel.closed) send(this.#channel, m.txid, { status: Status.OK });
          this.#shut();
        });
        return null;
      }
      throw new StatusError(
        Status.ERR_NOT_SUPPORTED,
        `unknown method ${JSON.stringify(method)} on a session channel; it serves attachVmo, getStats and close`,
      );
    });
  }
}

function expectHandles(handles: readonly Handle[], count: number, method: string): void {
  if (handles.length !== count) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${method} takes ${count} handle${count === 1 ? '' : 's'} but the message carried ${handles.length}`,
    );
  }
}

/**
 * Decodes `message`, runs `handle`, and replies with what it returns (null:
 * the handler replied itself). Any failure becomes an error reply, or an
 * error event when the message has no txid to answer; handles the handler
 * did not take are closed on failure.
 */
function handleRequest(
  channel: ZxChannel,
  message: ZxMessage,
  counters: { rejectedMessages: number },
  handle: (m: ControlMessage, handles: Handle[]) => object | null,
): void {
  let txid = 0;
  if (message.bytes.length >= CONTROL_TXID_BYTES) {
    txid = new DataView(message.bytes.buffer, message.bytes.byteOffset, 4).getUint32(0, true);
  }
  try {
    const m = decodeControl(message.bytes);
    if (m.txid === 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'a request needs a non-zero txid to be answered; use ZxChannel.callAsync',
      );
    }
    const reply = handle(m, message.handles);
    if (reply !== null) send(channel, m.txid, reply);
  } catch (err) {
    counters.rejectedMessages++;
    closeAll(message.handles);
    const status = statusOf(err);
    const text = err instanceof Error ? err.message : String(err);
    if (txid !== 0) send(channel, txid, { status, message: text });
    else send(channel, 0, { event: 'error', status, message: text });
  }
}
