/**
 * The asynchronous Driver-transport client: requests go to the server by
 * reference with their arena, replies settle promises, events feed streams.
 * Replies and events are read on the client's dispatcher, so they obey the
 * runtime's threading rules like any other callback of the driver; a `then`
 * registered before the reply runs there too (see replyPromise.ts).
 */
import { Arena, Dispatcher, type Channel, type Message } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import { ClientCore } from '../clientCore.js';
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol, ProtocolDescriptor } from '../protocol.js';
import { DriverFrame, frameOf } from './frame.js';
import { DriverProtocol, type DriverMethod } from './plan.js';
import { ChannelReader, type ReaderCallbacks } from './reader.js';

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

const OK: Status = Status.OK;

class DriverClient extends ClientCore<DriverMethod> implements ReaderCallbacks {
  readonly reader: ChannelReader;

  constructor(
    proto: AnyProtocol,
    readonly channel: Channel,
    dispatcher: Dispatcher,
  ) {
    super(proto, true);
    this.reader = new ChannelReader(channel, dispatcher, this);
  }

  protected planOf(m: MethodInfo): DriverMethod {
    return DriverProtocol.of(this.proto).method(m);
  }

  protected send(
    _m: MethodInfo,
    dm: DriverMethod,
    request: unknown,
    arena: Arena | undefined,
    txid: number,
  ): void {
    const a = arena ?? Arena.create(dm.tag);
    try {
      const payload = dm.request === null ? null : dm.request.toArena(request, a, this.stats);
      this.channel.write(a, new DriverFrame(txid, dm.ordinal, dm.flexible, payload, OK, dm));
      this.stats.messages++;
    } finally {
      // The message holds its own reference; ours was only for building it.
      if (arena === undefined) a.release();
    }
  }

  protected stopTransport(): void {
    this.reader.stop();
  }

  /** ReaderCallbacks: the channel is gone. */
  onClosed(status: Status): void {
    this.onTransportClosed(status);
  }

  /** ReaderCallbacks: one reply, event or epitaph. */
  onMessage(msg: Message): void {
    try {
      const frame = frameOf(msg.data);
      this.stats.messages++;
      if (frame.isEpitaph) {
        this.epitaph = frame.epitaph;
      } else if (frame.txid !== 0) {
        const call = this.takeReply(frame.txid, frame.ordinal);
        if (call === undefined) return;
        let payload: unknown;
        try {
          const response = call.plan.response;
          payload =
            response === null
              ? frame.payload
              : response.outOfArena(frame.payload, msg.arena, call.callerArena, this.stats);
        } catch (err) {
          call.fail(err, true);
          return;
        }
        this.settle(call, payload);
      } else {
        const e = this.eventOf(frame.ordinal, frame.flexible);
        if (e === null) return;
        const request = this.planOf(e.method).request;
        const payload =
          request === null
            ? frame.payload
            : request.outOfArena(frame.payload, msg.arena, null, this.stats);
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
