/**
 * Moving handles between threads. A handle travels as a structured-cloneable
 * descriptor `{ kind, payload }` plus the transferables its payload holds
 * (MessagePorts); shared memory (SharedArrayBuffer) is shared, not copied.
 * The receiving thread turns the descriptor back into a handle object through
 * the kind registry: each transferable class registers itself when its module
 * loads.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Handle } from './handle.js';
import { Status, StatusError } from './status.js';

export interface HandleDescriptor {
  readonly kind: string;
  readonly payload: unknown;
}

type Revive = (payload: unknown) => Handle;

/** A handle class, even one with a private constructor (ZxChannel, Vmo, ...). */
export interface HandleClass<T extends Handle> {
  readonly prototype: T;
  readonly name: string;
}

const kinds = new Map<string, Revive>();

/** Makes `kind` descriptors revivable in this thread. Registering the same function twice is a no-op. */
export function registerHandleKind(kind: string, revive: Revive): void {
  const known = kinds.get(kind);
  if (known !== undefined && known !== revive) {
    throw new StatusError(
      Status.ERR_ALREADY_EXISTS,
      `registerHandleKind: kind "${kind}" is already registered by another module; pick a unique kind name`,
    );
  }
  kinds.set(kind, revive);
}

export function isHandleDescriptor(value: unknown): value is HandleDescriptor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    'payload' in value
  );
}

/**
 * Turns a descriptor received from another thread into a handle owned by this
 * thread. With `type`, also checks the handle's class (ERR_WRONG_TYPE).
 */
export function handleFromTransfer<T extends Handle = Handle>(
  descriptor: HandleDescriptor,
  type?: HandleClass<T>,
): T {
  if (!isHandleDescriptor(descriptor)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'handleFromTransfer: the value is not a handle descriptor; pass what transferHandle() or a channel message produced',
    );
  }
  const revive = kinds.get(descriptor.kind);
  if (revive === undefined) {
    throw new StatusError(
      Status.ERR_NOT_SUPPORTED,
      `handleFromTransfer: no handle kind "${descriptor.kind}" is registered in this thread; import the module that defines it (or '@fdf/zx') before reviving`,
    );
  }
  const handle = revive(descriptor.payload);
  if (type !== undefined && !Object.prototype.isPrototypeOf.call(type.prototype, handle)) {
    handle.close();
    throw new StatusError(
      Status.ERR_WRONG_TYPE,
      `handleFromTransfer: got a "${descriptor.kind}" handle where a ${type.name} was expected`,
    );
  }
  return handle as T;
}

/**
 * Checks a list of handles about to move: each open (ERR_BAD_HANDLE), listed
 * once (ERR_BAD_HANDLE, as Zircon fails the second removal of one value) and
 * able to travel (ERR_NOT_SUPPORTED, ERR_ACCESS_DENIED without TRANSFER).
 */
export function checkHandlesToTransfer(handles: readonly Handle[], what: string): void {
  for (let i = 0; i < handles.length; i++) {
    const handle = handles[i] as Handle;
    handle.assertOpen(`${what}: handle #${i}`);
    for (let j = 0; j < i; j++) {
      if (handles[j] === handle) {
        throw new StatusError(
          Status.ERR_BAD_HANDLE,
          `${what}: handle #${i} (koid ${handle.koid}) is also handle #${j}; a handle can be sent once, duplicate it first if both ends need it`,
        );
      }
    }
    handle.checkTransferable();
  }
}

export interface TransferredHandles {
  readonly descriptors: HandleDescriptor[];
  readonly transferList: TransferListItem[];
}

/**
 * Consumes `handles` into descriptors and a transfer list, for workerData or a
 * raw postMessage. Checks every handle first, so a failure consumes nothing.
 * Post both or the objects are lost, as with a handle leaked in Zircon.
 */
export function transferHandles(handles: readonly Handle[]): TransferredHandles {
  checkHandlesToTransfer(handles, 'transferHandles');
  const transferList: TransferListItem[] = [];
  const descriptors = handles.map((handle) => handle.toTransfer(transferList));
  for (const handle of handles) handle.commitTransfer();
  return { descriptors, transferList };
}

/** transferHandles for one handle. */
export function transferHandle(handle: Handle): {
  descriptor: HandleDescriptor;
  transferList: TransferListItem[];
} {
  const { descriptors, transferList } = transferHandles([handle]);
  return { descriptor: descriptors[0] as HandleDescriptor, transferList };
}
