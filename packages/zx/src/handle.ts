import type { TransferListItem } from 'node:worker_threads';
import type { HandleDescriptor } from './handleTransfer.js';
import { Status, StatusError } from './status.js';

/** zx_obj_type_t values (zircon/types.h). Runtime (fdf) handles report NONE. */
export enum ObjType {
  NONE = 0,
  PROCESS = 1,
  THREAD = 2,
  VMO = 3,
  CHANNEL = 4,
  EVENT = 5,
  PORT = 6,
  INTERRUPT = 9,
  PCI_DEVICE = 11,
  LOG = 12,
  SOCKET = 14,
  RESOURCE = 15,
  EVENTPAIR = 16,
  JOB = 17,
  VMAR = 18,
  FIFO = 19,
  GUEST = 20,
  VCPU = 21,
  TIMER = 22,
  IOMMU = 23,
  BTI = 24,
  PROFILE = 25,
  PMT = 26,
  SUSPEND_TOKEN = 27,
  PAGER = 28,
  EXCEPTION = 29,
  CLOCK = 30,
  STREAM = 31,
  MSI = 32,
}

let nextKoid = 1;

/**
 * A kernel-object handle with an explicit close. Closing twice, or using a
 * closed handle, is ERR_BAD_HANDLE, as it is for a stale handle value in Zircon.
 */
export abstract class Handle {
  /** Kernel object id: unique within this thread; diagnostics only. */
  readonly koid: number = nextKoid++;
  #closed = false;

  abstract readonly objType: ObjType;

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws ERR_BAD_HANDLE when the handle was closed (or transferred away). */
  assertOpen(what = 'handle'): void {
    if (this.#closed) {
      throw new StatusError(
        Status.ERR_BAD_HANDLE,
        `${what} (${ObjType[this.objType]} koid ${this.koid}) is closed; it was closed or transferred earlier and cannot be used again`,
      );
    }
  }

  close(): void {
    this.assertOpen();
    this.#closed = true;
    this.onClose();
  }

  /**
   * Marks the handle invalid without closing the kernel object: used when the
   * handle moved into a message to another thread.
   */
  protected markTransferred(): void {
    this.#closed = true;
  }

  /** Releases what the object holds; runs once, on the first close. */
  protected abstract onClose(): void;

  /**
   * Describes this handle for a message to another thread, pushing what must
   * travel in the postMessage transfer list. The handle stays valid: the
   * sender calls commitTransfer() once the post succeeded, so a failed send
   * loses nothing. Kinds that live in one thread only (the default) throw
   * ERR_NOT_SUPPORTED.
   */
  toTransfer(_transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    throw this.notTransferable();
  }

  /** Throws exactly what toTransfer would throw, without side effects. */
  checkTransferable(): void {
    this.assertOpen();
    throw this.notTransferable();
  }

  /** Invalidates this handle after its descriptor was posted to another thread. */
  commitTransfer(): void {
    this.assertOpen();
    this.markTransferred();
    this.onTransferred();
  }

  /** Drops thread-local state (waits, listeners) when the object moved away. */
  protected onTransferred(): void {}

  private notTransferable(): StatusError {
    return new StatusError(
      Status.ERR_NOT_SUPPORTED,
      `${ObjType[this.objType]} handle koid ${this.koid} cannot move to another thread; only zx kernel objects (VMO, channel, event, event pair, fifo) can be transferred`,
    );
  }

  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}
