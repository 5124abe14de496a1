/**
 * fdf.sample/Echo, forwarded: each request goes to the parent with the arena
 * it came in (over the Driver transport the same object and arena travel the
 * whole chain, zero copy), and the parent's reply goes back unchanged. When
 * the parent is gone, the child's connection is closed with the reason, so
 * the client's call fails instead of waiting.
 */
import { sample } from '@fdf/bindings';
import type { OneWayCompleter } from '@fdf/fidl';
import type { DriverCounters } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';

/** Sends `promise`'s value to `reply`, or closes the connection with the failure's status. */
export function relay<T>(
  promise: Promise<T>,
  completer: { reply(value: T): void } & Pick<OneWayCompleter, 'closeWithEpitaph'>,
): void {
  promise.then(
    (value) => completer.reply(value),
    (err: unknown) =>
      completer.closeWithEpitaph(StatusError.is(err) ? err.status : Status.ERR_INTERNAL),
  );
}

export function echoServer(parent: sample.EchoClient, counters: DriverCounters): sample.EchoServer {
  return {
    echo: (request, completer, arena) => {
      counters.add('echo.forwarded');
      relay(parent.echo(request, arena), completer);
    },
    echoString: (request, completer, arena) => {
      counters.add('echo.forwarded');
      relay(parent.echoString(request, arena), completer);
    },
    send: (request, _completer, arena) => {
      counters.add('echo.forwarded');
      parent.send(request, arena);
    },
    watchCount: (completer, arena) => relay(parent.watchCount(arena), completer),
  };
}

/** The Banjo variant: direct calls into the parent's table. */
export function banjoEchoOps(): sample.BanjoEchoBanjoOps<{
  readonly parent: sample.BanjoEchoBanjoClient;
  readonly counters: DriverCounters;
}> {
  return {
    echo: ({ parent, counters }, request) => {
      counters.add('echo.forwarded');
      return parent.echo(request);
    },
    echoString: ({ parent, counters }, request, complete) => {
      counters.add('echo.forwarded');
      parent.echoString(request, complete);
    },
  };
}
