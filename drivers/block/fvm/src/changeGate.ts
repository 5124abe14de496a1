/**
 * Holds block ops while the slice map changes. An Extend or Shrink edits
 * the map and then writes the metadata through the parent; an op mapped in
 * between could use a slice that is being freed, or miss one that a Banjo
 * caller was already told exists (Banjo's Extend answers before the write
 * finished, see volumeControl.ts). So while any change is in flight, new ops
 * wait here, in arrival order, and run once every change settled.
 */
import { Status, StatusError } from '@fdf/zx';

interface HeldOp {
  readonly run: () => void;
  readonly cancel: (status: Status) => void;
}

export class ChangeGate {
  #inFlight = 0;
  #held: HeldOp[] = [];

  /** True while a change is in flight. */
  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /** Ops waiting for a change to settle. */
  get held(): number {
    return this.#held.length;
  }

  /** Runs `change`; ops admitted meanwhile run after it settled (and before its caller continues). */
  run<T>(change: () => Promise<T>): Promise<T> {
    this.#inFlight++;
    let result: Promise<T>;
    try {
      result = change();
    } catch (err) {
      result = Promise.reject(
        err instanceof Error ? err : new StatusError(Status.ERR_INTERNAL, String(err)),
      );
    }
    return result.finally(() => {
      if (--this.#inFlight === 0) this.#release();
    });
  }

  /** Runs `run` now, or once no change is in flight; `cancel` if the driver stops first. */
  admit(run: () => void, cancel: (status: Status) => void): void {
    if (this.#inFlight === 0) run();
    else this.#held.push({ run, cancel });
  }

  /** Completes every held op with `status` (the driver is stopping). */
  cancelHeld(status: Status = Status.ERR_CANCELED): void {
    const held = this.#held;
    this.#held = [];
    for (const op of held) op.cancel(status);
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    for (const op of held) op.run();
  }
}
