import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import type { Dispatcher } from './dispatcher.js';
import { now } from './runLoop.js';
import type { Task } from './task.js';

/**
 * One scheduled piece of RxJS work: a dispatcher task that can be
 * rescheduled (RxJS's recursive scheduling) and canceled by unsubscribing.
 */
class DispatcherAction<T> extends Subscription implements SchedulerAction<T> {
  readonly #dispatcher: Dispatcher;
  readonly #work: (this: SchedulerAction<T>, state?: T) => void;
  #task: Task | null = null;
  #state: T | undefined;

  constructor(dispatcher: Dispatcher, work: (this: SchedulerAction<T>, state?: T) => void) {
    super();
    this.#dispatcher = dispatcher;
    this.#work = work;
    this.add(() => this.#cancelPending());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.#cancelPending();
    this.#state = state;
    if (this.#dispatcher.state !== 'running') {
      // A dispatcher that is shutting down takes no work; RxJS sees the action end.
      this.unsubscribe();
      return this;
    }
    const run = (): void => this.#run();
    this.#task = delay > 0 ? this.#dispatcher.postDelayed(run, delay) : this.#dispatcher.post(run);
    return this;
  }

  #run(): void {
    this.#task = null;
    if (this.closed) return;
    try {
      this.#work.call(this, this.#state);
    } catch (err) {
      this.unsubscribe();
      throw err;
    }
  }

  #cancelPending(): void {
    const task = this.#task;
    this.#task = null;
    if (task !== null && task.pending) this.#dispatcher.cancelTask(task);
  }
}

/**
 * An RxJS scheduler that runs work as tasks on `d`, so operators such as
 * observeOn and delay obey the dispatcher's threading model: on a
 * synchronized dispatcher the work is always queued and runs one at a time in
 * FIFO order, with `d` as Dispatcher.current(). Time is env.now(), so a fake
 * clock drives `delay` too. Unsubscribing cancels the pending task; work
 * scheduled while `d` is not running is dropped.
 */
export function dispatcherScheduler(d: Dispatcher): SchedulerLike {
  return {
    now,
    schedule<T>(
      work: (this: SchedulerAction<T>, state?: T) => void,
      delay = 0,
      state?: T,
    ): Subscription {
      return new DispatcherAction<T>(d, work).schedule(state, delay);
    },
  };
}
