/**
 * fdf.sample/Echo for the fake device: sends bytes back (as they came or
 * reversed), counts what it got, and answers WatchCount as a hanging get.
 *
 * One EchoCore backs the FIDL server (Driver or Channel transport) and the
 * Banjo function table, so both variants behave the same.
 */
import { sample } from '@fdf/bindings';
import type { Completer } from '@fdf/fidl';
import type { DriverCounters } from '@fdf/framework';

export class EchoCore {
  readonly #counters: DriverCounters;
  #received = 0n;
  #reported = -1n;
  readonly #watchers: Completer<sample.Echo_WatchCount_Response>[] = [];

  constructor(counters: DriverCounters) {
    this.#counters = counters;
  }

  /**
   * Echoes `data`. Reversal is in place: over the Driver transport the
   * buffer is the caller's own (zero copy), which is why the reply is
   * documented as the request's buffer.
   */
  echo(data: Uint8Array, mode: sample.EchoMode): Uint8Array {
    this.#count(data.length);
    if (mode === sample.EchoMode.REVERSED) data.reverse();
    return data;
  }

  echoString(value: string): string {
    this.#count(value.length);
    return value;
  }

  send(data: Uint8Array): void {
    this.#count(data.length);
  }

  /** A hanging get: answers now if the count changed since the last answer, else when it does. */
  watch(completer: Completer<sample.Echo_WatchCount_Response>): void {
    if (this.#received !== this.#reported) {
      this.#reported = this.#received;
      completer.reply({ received: this.#received });
    } else {
      this.#watchers.push(completer);
    }
  }

  #count(bytes: number): void {
    this.#received++;
    this.#counters.add('echo.requests');
    this.#counters.add('echo.bytes', bytes);
    if (this.#watchers.length > 0) {
      this.#reported = this.#received;
      for (const w of this.#watchers.splice(0))
        if (w.pending) w.reply({ received: this.#received });
    }
  }
}

export function echoServer(core: EchoCore): sample.EchoServer {
  return {
    echo: ({ data, mode }, completer) => completer.reply({ data: core.echo(data, mode) }),
    echoString: ({ value }, completer) => completer.reply({ value: core.echoString(value) }),
    send: ({ data }) => core.send(data),
    watchCount: (completer) => core.watch(completer),
  };
}

export function banjoEchoOps(): sample.BanjoEchoBanjoOps<EchoCore> {
  return {
    echo: (core, { data, mode }) => ({ data: core.echo(data, mode) }),
    echoString: (core, { value }, complete) => complete({ value: core.echoString(value) }),
  };
}
