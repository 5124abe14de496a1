/**
 * Events and hanging gets as observables.
 *
 * `EventStream` follows the Observable contract (subscribe with an observer or
 * a `next` function, get back a subscription; error and complete are
 * terminal) and is interoperable with RxJS: it has `@@observable` (what RxJS's
 * `from()` looks for at run time) and is an AsyncIterable (what its types
 * accept), so `from(client.events.onReport)` gives a real RxJS Observable.
 * It does not import RxJS itself: @fdf/fidl cannot resolve the package (it is
 * a dependency of @fdf/runtime only).
 *
 * Streams are hot: an event that arrives while nobody subscribes is dropped,
 * as FIDL bindings drop events without a handler.
 */

export interface Observer<T> {
  next(value: T): void;
  error(err: unknown): void;
  complete(): void;
}

export interface Subscription {
  unsubscribe(): void;
  readonly closed: boolean;
}

type Terminal = { kind: 'error'; err: unknown } | { kind: 'complete' };

export class EventStream<T> implements AsyncIterable<T> {
  readonly #observers = new Set<Partial<Observer<T>>>();
  #terminal: Terminal | null = null;

  /**
   * @param onFirstSubscribe runs when the stream goes from no subscriber to
   *   one (hanging gets start their loop there); what it returns runs when the
   *   last subscriber leaves.
   */
  constructor(private readonly onFirstSubscribe?: () => () => void) {}
  #teardown: (() => void) | null = null;

  subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void)): Subscription {
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' ? { next: observerOrNext } : { ...(observerOrNext ?? {}) };
    if (this.#terminal !== null) {
      deliverTerminal(observer, this.#terminal);
      return { unsubscribe: () => undefined, closed: true };
    }
    this.#observers.add(observer);
    if (this.#observers.size === 1 && this.onFirstSubscribe !== undefined) {
      this.#teardown = this.onFirstSubscribe();
    }
    const observers = this.#observers;
    const stream = this;
    return {
      unsubscribe(): void {
        if (observers.delete(observer) && observers.size === 0) stream.#stop();
      },
      get closed(): boolean {
        return !observers.has(observer);
      },
    };
  }

  /** RxJS interop: `from(stream)`. */
  ['@@observable'](): this {
    return this;
  }

  get observed(): boolean {
    return this.#observers.size > 0;
  }

  get isStopped(): boolean {
    return this.#terminal !== null;
  }

  /** Producer side: the bindings call these. */
  emit(value: T): void {
    if (this.#terminal !== null) return;
    for (const o of [...this.#observers]) o.next?.(value);
  }

  fail(err: unknown): void {
    this.#finish({ kind: 'error', err });
  }

  complete(): void {
    this.#finish({ kind: 'complete' });
  }

  /** `for await (const event of stream)`: buffers what arrives between two pulls. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const buffered: T[] = [];
    let end: Terminal | null = null;
    let wake: (() => void) | null = null;
    const sub = this.subscribe({
      next: (v) => {
        buffered.push(v);
        wake?.();
      },
      error: (err) => {
        end = { kind: 'error', err };
        wake?.();
      },
      complete: () => {
        end = { kind: 'complete' };
        wake?.();
      },
    });
    const pull = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        if (buffered.length > 0) return { value: buffered.shift() as T, done: false };
        const e = end as Terminal | null;
        if (e !== null) {
          if (e.kind === 'error') throw e.err;
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    };
    return {
      next: pull,
      return: async () => {
        sub.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }

  #finish(t: Terminal): void {
    if (this.#terminal !== null) return;
    this.#terminal = t;
    const observers = [...this.#observers];
    this.#observers.clear();
    this.#stop();
    for (const o of observers) deliverTerminal(o, t);
  }

  #stop(): void {
    const teardown = this.#teardown;
    this.#teardown = null;
    teardown?.();
  }
}

function deliverTerminal<T>(o: Partial<Observer<T>>, t: Terminal): void {
  // An observer without an error callback does not see the error: a closed
  // channel must never turn into an unhandled exception in the host.
  if (t.kind === 'error') o.error?.(t.err);
  else o.complete?.();
}

/**
 * A hanging get as a stream: while subscribed, calls `get` again as soon as
 * the previous call resolved, and emits every result. One call is in flight
 * at a time, as a hanging-get protocol requires (a second concurrent call is
 * usually answered with ERR_ALREADY_BOUND). A failed call ends the stream with
 * its error; unsubscribing stops after the call in flight.
 */
export function hangingGet<T>(get: () => Promise<T>): EventStream<T> {
  const stream: EventStream<T> = new EventStream<T>(() => {
    let active = true;
    const loop = (): void => {
      get().then(
        (value) => {
          if (!active) return;
          stream.emit(value);
          if (active) loop();
        },
        (err: unknown) => {
          if (active) stream.fail(err);
        },
      );
    };
    loop();
    return () => {
      active = false;
    };
  });
  return stream;
}
