import type { Status } from '@fdf/zx';
import type { CallbackRequest, RequestTarget } from './callbackRequest.js';

let nextTaskId = 1;

/**
 * The handle `post` returns, for `cancelTask`. It outlives its pooled
 * request record: once the task ran or was canceled, `request` is null and
 * cancelTask answers NOT_FOUND instead of touching a record reused by
 * someone else.
 */
export class Task implements RequestTarget {
  /** Printed by the dump as "Task: #<id>". */
  readonly id: number = nextTaskId++;
  #fn: (() => void) | null;
  /** @internal */
  request: CallbackRequest | null = null;

  /** @internal Created by Dispatcher.post / postDelayed. */
  constructor(fn: () => void) {
    this.#fn = fn;
  }

  /** True until the task ran, was canceled, or was dropped by a shutdown. */
  get pending(): boolean {
    return this.request !== null;
  }

  /** @internal */
  invoke(_status: Status): void {
    const fn = this.#fn;
    this.#fn = null;
    this.request = null;
    fn?.();
  }

  /** @internal A shutdown drops tasks: their function never runs. */
  cancel(): void {
    this.#fn = null;
    this.request = null;
  }
}

/** env.reset(): task numbers in dumps start again at #1. */
export function resetTaskIds(): void {
  nextTaskId = 1;
}
