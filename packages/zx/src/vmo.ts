/**
 * VMO: a SharedArrayBuffer plus the rights of the handle that reaches it.
 * Every handle to one VMO, in any thread, sees the same bytes: a VMO sent
 * over a channel moves the buffer reference, never the contents.
 *
 * Mapping (`view`) returns a Uint8Array over the shared memory. JavaScript
 * cannot make a typed array read-only, so a read-only mapping is a promise of
 * the caller, not a fault: `view(o, l, false)` only needs READ|MAP and the
 * returned array is still physically writable. What IS enforced: a writable
 * view needs WRITE, and `write()` on a handle without WRITE fails with
 * ERR_ACCESS_DENIED. Hand out a `replace(rights)`d handle without WRITE when
 * the receiver must not write.
 */
import type { TransferListItem } from 'node:worker_threads';
import { Handle, ObjType } from './handle.js';
import { registerHandleKind, type HandleDescriptor } from './handleTransfer.js';
import {
  ZX_DEFAULT_VMO_RIGHTS,
  ZX_RIGHT_DUPLICATE,
  ZX_RIGHT_MAP,
  ZX_RIGHT_READ,
  ZX_RIGHT_SAME_RIGHTS,
  ZX_RIGHT_TRANSFER,
  ZX_RIGHT_WRITE,
  hasRights,
  rightsName,
} from './rights.js';
import { Status, StatusError } from './status.js';

export const ZX_PAGE_SIZE = 4096;

const KIND = 'zx.vmo';

interface VmoPayload {
  readonly buffer: SharedArrayBuffer;
  readonly rights: number;
}

export class Vmo extends Handle {
  readonly objType = ObjType.VMO;
  readonly #buffer: SharedArrayBuffer;
  readonly #bytes: Uint8Array;
  readonly #rights: number;

  private constructor(buffer: SharedArrayBuffer, rights: number) {
    super();
    this.#buffer = buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#rights = rights >>> 0;
  }

  /** zx_vmo_create: `size` bytes rounded up to the 4096-byte page, zero-filled, default VMO rights. */
  static create(size: number): Vmo {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `Vmo.create: size ${size} is not a non-negative integer; pass a byte count`,
      );
    }
    const rounded = Math.ceil(size / ZX_PAGE_SIZE) * ZX_PAGE_SIZE;
    let buffer: SharedArrayBuffer;
    try {
      buffer = new SharedArrayBuffer(rounded);
    } catch (err) {
      throw new StatusError(
        Status.ERR_NO_MEMORY,
        `Vmo.create: cannot allocate ${rounded} bytes of shared memory (${String(err)}); create a smaller VMO`,
      );
    }
    return new Vmo(buffer, ZX_DEFAULT_VMO_RIGHTS);
  }

  /** The VMO size in bytes, a multiple of ZX_PAGE_SIZE. */
  get size(): number {
    this.assertOpen('Vmo.size');
    return this.#buffer.byteLength;
  }

  get rights(): number {
    return this.#rights;
  }

  /** Copies `length` bytes at `offset` out of the VMO (zx_vmo_read; needs READ). */
  read(offset: number, length: number): Uint8Array;
  /** Fills `into` from the VMO at `offset` and returns it (zx_vmo_read into a caller buffer). */
  read(into: Uint8Array, offset: number): Uint8Array;
  read(a: number | Uint8Array, b: number): Uint8Array {
    this.#require(ZX_RIGHT_READ, 'Vmo.read');
    if (typeof a === 'number') {
      this.#checkRange(a, b, 'Vmo.read');
      return this.#bytes.slice(a, a + b);
    }
    this.#checkRange(b, a.length, 'Vmo.read');
    a.set(this.#bytes.subarray(b, b + a.length));
    return a;
  }

  /** Copies `data` into the VMO at `offset` (zx_vmo_write; needs WRITE). */
  write(data: Uint8Array, offset: number): void {
    this.#require(ZX_RIGHT_WRITE, 'Vmo.write');
    this.#checkRange(offset, data.length, 'Vmo.write');
    this.#bytes.set(data, offset);
  }

  /**
   * Maps `length` bytes at `offset`: a Uint8Array over the shared memory, no
   * copy. Needs MAP and READ, and WRITE when `writable` (the default). See the
   * module comment for what a read-only mapping does and does not guarantee.
   */
  view(offset = 0, length?: number, writable = true): Uint8Array {
    const wanted = ZX_RIGHT_MAP | ZX_RIGHT_READ | (writable ? ZX_RIGHT_WRITE : 0);
    this.#require(wanted, writable ? 'Vmo.view (writable)' : 'Vmo.view (read-only)');
    const len = length ?? this.#buffer.byteLength - offset;
    this.#checkRange(offset, len, 'Vmo.view');
    return new Uint8Array(this.#buffer, offset, len);
  }

  /** zx_handle_duplicate: another handle to the same memory with `rights` (a subset, or SAME_RIGHTS). */
  duplicate(rights: number = ZX_RIGHT_SAME_RIGHTS): Vmo {
    this.#require(ZX_RIGHT_DUPLICATE, 'Vmo.duplicate');
    return new Vmo(this.#buffer, this.#reducedRights(rights, 'Vmo.duplicate'));
  }

  /** zx_handle_replace: consumes this handle and returns one with `rights` (a subset, or SAME_RIGHTS). */
  replace(rights: number): Vmo {
    this.assertOpen('Vmo.replace');
    const next = new Vmo(this.#buffer, this.#reducedRights(rights, 'Vmo.replace'));
    this.markTransferred();
    return next;
  }

  override checkTransferable(): void {
    this.#require(ZX_RIGHT_TRANSFER, 'Vmo transfer');
  }

  override toTransfer(_transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    const payload: VmoPayload = { buffer: this.#buffer, rights: this.#rights };
    return { kind: KIND, payload };
  }

  protected onClose(): void {
    // The memory belongs to every handle that maps it; the last reference frees it through GC.
  }

  #reducedRights(rights: number, what: string): number {
    const wanted = rights >>> 0;
    if (wanted === ZX_RIGHT_SAME_RIGHTS) return this.#rights;
    if (!hasRights(this.#rights, wanted)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${what}: rights ${rightsName(wanted)} are not a subset of the handle's ${rightsName(this.#rights)}; a new handle can only drop rights`,
      );
    }
    return wanted;
  }

  #require(rights: number, what: string): void {
    this.assertOpen(what);
    if (!hasRights(this.#rights, rights)) {
      throw new StatusError(
        Status.ERR_ACCESS_DENIED,
        `${what}: the VMO handle (koid ${this.koid}) has rights ${rightsName(this.#rights)} but needs ${rightsName(rights)}; use a handle that carries them`,
      );
    }
  }

  #checkRange(offset: number, length: number, what: string): void {
    const size = this.#buffer.byteLength;
    if (!Number.isInteger(offset) || !Number.isInteger(length)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${what}: offset ${offset} and length ${length} must be integers`,
      );
    }
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `${what}: range [${offset}, ${offset + length}) is outside the ${size}-byte VMO; keep offset + length <= size`,
      );
    }
  }

  static {
    registerHandleKind(KIND, (payload) => {
      const { buffer, rights } = payload as VmoPayload;
      return new Vmo(buffer, rights);
    });
  }
}
