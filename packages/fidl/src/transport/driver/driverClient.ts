/**
 * The asynchronous Driver-transport client: requests go to the server by
 * reference with their arena, replies resolve promises, events feed streams.
 * Replies and events are read on the client's dispatcher, so they obey the
 * runtime's threading rules like any other callback of the driver.
 */
import { Arena, Dispatcher, type Channel, type Message } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { ClientCore } from '../clientCore.js';
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { DriverFrame, frameOf } from './frame.js';
import { outOfArena, toArena } from './payload.js';
import { ChannelReader } from './reader.js';

export interface DriverClientOptions {
  /** Where replies and events are handled. Default: the dispatcher running now. */
  dispatcher?: Dispatcher;
}

/** A Driver-transport client for `proto` on `channel` (the client end). */
export function createDriverClient<C, S, E, SC>(
  proto: ProtocolDescriptor<C, S, E, SC>,
  channel: Channel,
  opts: DriverClientOptions = {},
): C {
  return new DriverClient(proto, channel, dispatcherFor(opts.dispatcher, `a ${proto.name} client`))
    .api as C;
}

export function dispatcherFor(d: Dispatcher | undefined, what: string): Dispatcher {
  const dispatcher = d ?? Dispatcher.current();
  if (dispatcher === null) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `${what} needs a dispatcher for its messages: create it inside a driver callback, or pass { dispatcher }`,
    );
  }
  return dispatcher;
}

class DriverClient extends ClientCore {
  readonly reader: ChannelReader;

  constructor(
    proto: AnyProtocol,
    readonly channel: Channel,
    dispatcher: Dispatcher,
  ) {
    super(proto);
    this.reader = new ChannelReader(channel, dispatcher, {
      onMessage: (msg) => this.#onMessage(msg),
      onClosed: (status) => this.onTransportClosed(status),
    });
  }

  protected send(m: MethodInfo, request: unknown, arena: Arena | undefined, txid: number): void {
    const a = arena ?? Arena.create(`${this.proto.name}.${m.fidlName}`);
    try {
      const payload = toArena(this.proto, m.request, request, a, this.stats);
      this.channel.write(a, new DriverFrame(txid, m.ordinal, !m.strict, payload));
      this.stats.messages++;
    } finally {
      // The message holds its own reference; ours was only for building it.
      if (arena === undefined) a.release();
    }
  }

  protected stopTransport(): void {
    this.reader.stop();
  }

  #onMessage(msg: Message): void {
    try {
      const frame = frameOf(msg.data);
      this.stats.messages++;
      if (frame.isEpitaph) {
        this.epitaph = frame.epitaph;
      } else if (frame.txid !== 0) {
        const call = this.takeReply(frame.txid, frame.ordinal);
        if (call === undefined) return;
        const keep = call.callerArena instanceof Arena ? call.callerArena : null;
        let payload: unknown;
        try {
          payload = outOfArena(
            this.proto,
            call.method.response,
            frame.payload,
            msg.arena,
            keep,
            this.stats,
          );
        } catch (err) {
          call.reject(err);
          return;
        }
        this.settle(call, payload);
      } else {
        const e = this.eventOf(frame.ordinal, frame.flexible);
        if (e === null) return;
        const payload = outOfArena(
          this.proto,
          e.method.request,
          frame.payload,
          msg.arena,
          null,
          this.stats,
        );
        e.source.emit(e.method.request === null ? undefined : payload);
      }
    } catch (err) {
      this.protocolError(err);
    } finally {
      // Buffers the caller keeps were copied out or live in its own arena.
      msg.arena?.release();
    }
  }
}
