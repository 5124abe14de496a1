/**
 * The VMOs one client attached, by vmoid. A vmoid is a u16 handed out by
 * AttachVmo and valid only for the session that attached it; 0 is never
 * handed out. Allocation continues after the last id given and wraps to the
 * lowest free one, as the real server does, so a just-detached vmoid is not
 * reused at once and a stale request is more likely to hit ERR_IO than
 * another client buffer.
 */
import { Status, StatusError, type Vmo } from '@fdf/zx';
import { BLOCK_VMOID_INVALID, BLOCK_VMOID_MAX } from './fifoProtocol.js';

export class VmoidTable {
  readonly #vmos = new Map<number, Vmo>();
  #next = BLOCK_VMOID_INVALID + 1;

  get size(): number {
    return this.#vmos.size;
  }

  /** Stores `vmo` under a fresh vmoid; ERR_NO_RESOURCES when all 65535 are taken. */
  attach(vmo: Vmo): number {
    if (this.#vmos.size === BLOCK_VMOID_MAX) {
      throw new StatusError(
        Status.ERR_NO_RESOURCES,
        `AttachVmo: all ${BLOCK_VMOID_MAX} vmoids of this session are in use; detach VMOs (CLOSE_VMO) before attaching more`,
      );
    }
    let id = this.#next;
    while (this.#vmos.has(id)) id = id === BLOCK_VMOID_MAX ? BLOCK_VMOID_INVALID + 1 : id + 1;
    this.#vmos.set(id, vmo);
    this.#next = id === BLOCK_VMOID_MAX ? BLOCK_VMOID_INVALID + 1 : id + 1;
    return id;
  }

  /** The VMO of `vmoid`, or undefined when this session has none under that id. */
  get(vmoid: number): Vmo | undefined {
    return this.#vmos.get(vmoid);
  }

  /**
   * Forgets `vmoid`; false when it was not attached. The handle stays open:
   * ops already queued with it may still be running, and they hold it.
   */
  detach(vmoid: number): boolean {
    return this.#vmos.delete(vmoid);
  }

  /** Forgets every VMO and closes the handles: call once no op uses them (session end). */
  clear(): void {
    for (const vmo of this.#vmos.values()) if (!vmo.closed) vmo.close();
    this.#vmos.clear();
  }
}
