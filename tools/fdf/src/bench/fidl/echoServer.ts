/**
 * The one Echo implementation every transport of the benchmark calls, so the
 * cases differ in how the call travels and in nothing else: a one-way Send is
 * counted, a two-way Echo answers with the very bytes it got (VERBATIM) or a
 * reversed copy (REVERSED).
 */
import type { Arena } from '@fdf/runtime';
import type { Completer } from '@fdf/fidl';
import { sample } from '@fdf/bindings';
import type { BanjoEchoOps } from './benchLibrary.js';

export interface EchoCounter {
  /** Send and Echo requests handled. */
  received: number;
  /** Payload bytes those requests carried. */
  bytes: number;
}

export function newEchoCounter(): EchoCounter {
  return { received: 0, bytes: 0 };
}

/** The reversed bytes, in `into` (the request's arena, so the Driver transport need not copy). */
function reversed(data: Uint8Array, into: Uint8Array): Uint8Array {
  for (let i = 0, j = data.length - 1; j >= 0; i++, j--) into[i] = data[j]!;
  return into;
}

function echoed(
  counter: EchoCounter,
  request: sample.EchoEchoRequest,
  allocate: (n: number) => Uint8Array,
): sample.EchoEchoResponse {
  counter.received++;
  counter.bytes += request.data.length;
  const data =
    request.mode === sample.EchoMode.REVERSED
      ? reversed(request.data, allocate(request.data.length))
      : request.data;
  return { data };
}

/** The Banjo function table: the context is the counter. */
export const banjoEchoOps: BanjoEchoOps<EchoCounter> = {
  echo: (counter, request) => echoed(counter, request, (n) => new Uint8Array(n)),
  send(counter, request) {
    counter.received++;
    counter.bytes += request.data.length;
  },
};

/** The server object for the Driver and the Channel transport (the same object serves both). */
export function echoServer(counter: EchoCounter): sample.EchoServer {
  // WatchCount is a hanging get: a parked completer answers once the count moved.
  let parked: Completer<sample.Echo_WatchCount_Response> | null = null;
  let reported = -1;
  const flush = (): void => {
    if (parked === null || counter.received === reported) return;
    reported = counter.received;
    const completer = parked;
    parked = null;
    completer.reply({ received: BigInt(reported) });
  };
  return {
    echo(request, completer, arena: Arena) {
      completer.reply(echoed(counter, request, (n) => arena.allocate(n)));
      flush();
    },
    echoString(request, completer) {
      counter.received++;
      counter.bytes += request.value.length;
      completer.reply({ value: request.value });
      flush();
    },
    send(request) {
      // No OnReceived event: the one-way cases measure the request alone.
      counter.received++;
      counter.bytes += request.data.length;
      flush();
    },
    watchCount(completer) {
      parked = completer;
      flush();
    },
  };
}
