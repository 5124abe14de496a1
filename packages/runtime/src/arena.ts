import { Status, StatusError } from '@fdf/zx';

/** Bytes per pooled slab. Larger allocations get a buffer of their own. */
export const SLAB_SIZE = 64 * 1024;
/** Free slabs kept for reuse; beyond this they go back to the GC. */
const MAX_FREE_SLABS = 64;

interface Slab {
  readonly buffer: ArrayBuffer;
  /** A view over the whole slab, kept so zeroing on reuse allocates nothing. */
  readonly bytes: Uint8Array;
  /** Bytes handed out from the start of the slab by its current (or last) arena. */
  used: number;
}

const freeSlabs: Slab[] = [];
let slabsCreated = 0;

function takeSlab(): Slab {
  const slab = freeSlabs.pop();
  if (slab !== undefined) {
    // Zeroed on reuse, not on release: a slab may never be reused.
    if (slab.used > 0) slab.bytes.fill(0, 0, slab.used);
    slab.used = 0;
    return slab;
  }
  slabsCreated++;
  const buffer = new ArrayBuffer(SLAB_SIZE);
  return { buffer, bytes: new Uint8Array(buffer), used: 0 };
}

function giveBackSlab(slab: Slab): void {
  if (freeSlabs.length < MAX_FREE_SLABS) freeSlabs.push(slab);
}

/** Pool counters, for tests and the bench. */
export function arenaPoolStats(): { freeSlabs: number; slabsCreated: number } {
  return { freeSlabs: freeSlabs.length, slabsCreated };
}

/**
 * `x instanceof Arena`, without the instanceof. Both walk x's prototype chain
 * for Arena.prototype (OrdinaryHasInstance; Arena defines no Symbol.hasInstance),
 * but TypeScript runners that keep class names (tsx, esbuild keepNames)
 * redefine `Arena.name`, which leaves the class in dictionary mode, and V8 then
 * cannot optimize `instanceof Arena`: about 13 ns a check against 1.5 ns here.
 */
export function isArena(x: unknown): x is Arena {
  // eslint-disable-next-line no-prototype-builtins -- a class prototype: isPrototypeOf is Object.prototype's
  return ARENA_PROTOTYPE.isPrototypeOf(x as object);
}

/**
 * A ref-counted bump allocator over pooled slabs (fdf_arena). Messages carry
 * an arena so that the memory of a request lives as long as the request,
 * wherever it is forwarded. Allocations are 8-byte aligned and freed all at
 * once when the last reference goes. Not a handle: it travels beside the
 * message, not inside its handle list.
 */
export class Arena {
  readonly tag: string;
  #refs = 1;
  #current: Slab | null = null;
  /** Earlier slabs of this arena, full enough that allocation moved on. */
  #retired: Slab[] | null = null;
  /** Dedicated buffers for allocations larger than a slab. */
  #large: ArrayBuffer[] | null = null;

  private constructor(tag: string) {
    this.tag = tag;
  }

  /** A new arena holding one reference. */
  static create(tag = ''): Arena {
    return new Arena(tag);
  }

  get destroyed(): boolean {
    return this.#refs === 0;
  }

  /** For diagnostics and tests. */
  get refCount(): number {
    return this.#refs;
  }

  allocate(size: number): Uint8Array {
    this.#checkAlive('allocate');
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `arena '${this.tag}': allocate(${String(size)}) needs a whole number of bytes >= 0`,
      );
    }
    if (size > SLAB_SIZE) return this.#allocateLarge(size);
    let slab = this.#current;
    if (slab === null || slab.used + size > SLAB_SIZE) {
      if (slab !== null) (this.#retired ??= []).push(slab);
      slab = takeSlab();
      this.#current = slab;
    }
    const view = new Uint8Array(slab.buffer, slab.used, size);
    slab.used = Math.min(SLAB_SIZE, slab.used + ((size + 7) & ~7));
    return view;
  }

  #allocateLarge(size: number): Uint8Array {
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(size);
    } catch {
      throw new StatusError(
        Status.ERR_NO_MEMORY,
        `arena '${this.tag}': cannot allocate ${size} bytes; split the request into smaller parts`,
      );
    }
    (this.#large ??= []).push(buffer);
    return new Uint8Array(buffer);
  }

  /**
   * True when the whole range of `view` lies in memory this arena handed out.
   * The FIDL driver transport checks buffers with it before trusting them.
   * A destroyed arena contains nothing.
   */
  contains(view: ArrayBufferView): boolean {
    if (this.#refs === 0 || !ArrayBuffer.isView(view)) return false;
    const buffer = view.buffer;
    const start = view.byteOffset;
    const end = start + view.byteLength;
    const current = this.#current;
    if (current !== null && current.buffer === buffer) return end <= current.used;
    if (this.#retired !== null) {
      for (const slab of this.#retired) if (slab.buffer === buffer) return end <= slab.used;
    }
    if (this.#large !== null) {
      for (const b of this.#large) if (b === buffer) return true;
    }
    return false;
  }

  addRef(): this {
    if (this.#refs === 0) throw this.#deadError('addRef');
    this.#refs++;
    return this;
  }

  /** Drops one reference; the last one frees every allocation and returns the slabs to the pool. */
  release(): void {
    if (this.#refs === 0) throw this.#deadError('release');
    if (--this.#refs === 0) this.#free();
  }

  #free(): void {
    if (this.#current !== null) giveBackSlab(this.#current);
    if (this.#retired !== null) for (const slab of this.#retired) giveBackSlab(slab);
    this.#current = null;
    this.#retired = null;
    this.#large = null;
  }

  [Symbol.dispose](): void {
    this.release();
  }

  #checkAlive(what: string): void {
    if (this.#refs === 0) throw this.#deadError(what);
  }

  /** Out of line: keeps addRef and release small enough to inline on the message path. */
  #deadError(what: string): StatusError {
    return new StatusError(
      Status.ERR_BAD_STATE,
      `arena '${this.tag}': ${what} after the last reference was released; keep a reference (addRef) for as long as you use the arena`,
    );
  }
}

const ARENA_PROTOTYPE: object = Arena.prototype;
