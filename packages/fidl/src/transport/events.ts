/**
 * Events and hanging gets as RxJS Observables.
 *
 * Event streams are hot (an event nobody subscribes to is dropped, as FIDL
 * bindings drop events without a handler) and they complete when the channel
 * closes, whatever the reason: the reason is in `client.closed`. They never
 * error, because RxJS rethrows an error that reaches a subscriber without an
 * error callback asynchronously, which would take the whole driver host down
 * for a peer that merely went away.
 */
import { Observable, Subject, catchError, defer, EMPTY, repeat, throwError } from 'rxjs';
import { Status, StatusError } from '@fdf/zx';

/** The producer side of one event stream, owned by a client binding. */
export class EventSource<T> {
  readonly #subject = new Subject<T>();
  readonly observable: Observable<T> = this.#subject.asObservable();

  emit(value: T): void {
    this.#subject.next(value);
  }

  complete(): void {
    this.#subject.complete();
  }
}

/**
 * A hanging get as an Observable: each subscription calls `get`, emits the
 * result and calls again as soon as it arrived, one call in flight at a time
 * (a second concurrent call is usually refused with ERR_ALREADY_BOUND).
 * Unsubscribing stops after the call in flight. The channel closing
 * (PEER_CLOSED, CANCELED) completes the stream; any other failure errors it.
 */
export function hangingGet<T>(get: () => Promise<T>): Observable<T> {
  return defer(get).pipe(
    repeat(),
    catchError((err: unknown) =>
      StatusError.is(err, Status.ERR_PEER_CLOSED) || StatusError.is(err, Status.ERR_CANCELED)
        ? EMPTY
        : throwError(() => err),
    ),
  );
}
