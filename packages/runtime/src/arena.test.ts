import { Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { Arena, SLAB_SIZE, arenaPoolStats } from './arena.js';
import { expectStatus } from './__tests__/fixtures.js';

describe('Arena', () => {
  it('starts with one reference; the last release destroys it', () => {
    const arena = Arena.create('req');
    expect(arena.refCount).toBe(1);
    expect(arena.addRef()).toBe(arena);
    arena.release();
    expect(arena.destroyed).toBe(false);
    arena.release();
    expect(arena.destroyed).toBe(true);
  });

  it('allocations are 8-byte aligned views into one slab', () => {
    const arena = Arena.create();
    const a = arena.allocate(3);
    const b = arena.allocate(10);
    const c = arena.allocate(1);
    expect(a.byteLength).toBe(3);
    expect(b.buffer).toBe(a.buffer);
    for (const v of [a, b, c]) expect(v.byteOffset % 8).toBe(0);
    expect(b.byteOffset - a.byteOffset).toBe(8);
    expect(c.byteOffset - b.byteOffset).toBe(16);
    arena.release();
  });

  it('moves to a new slab when the current one is full; big allocations get their own buffer', () => {
    const arena = Arena.create();
    const first = arena.allocate(SLAB_SIZE - 8);
    const second = arena.allocate(64);
    expect(second.buffer).not.toBe(first.buffer);
    const big = arena.allocate(SLAB_SIZE * 2);
    expect(big.byteLength).toBe(SLAB_SIZE * 2);
    expect(big.buffer.byteLength).toBe(SLAB_SIZE * 2);
    expect(arena.contains(first)).toBe(true);
    expect(arena.contains(second)).toBe(true);
    expect(arena.contains(big)).toBe(true);
    arena.release();
  });

  it('contains: only when the whole range lies in memory this arena handed out', () => {
    const arena = Arena.create();
    const other = Arena.create();
    const view = arena.allocate(16);
    expect(arena.contains(view)).toBe(true);
    expect(arena.contains(view.subarray(4, 12))).toBe(true);
    expect(arena.contains(new Uint8Array(16))).toBe(false);
    expect(arena.contains(other.allocate(16))).toBe(false);
    // Same slab, but past what was handed out.
    expect(arena.contains(new Uint8Array(view.buffer, view.byteOffset, 64))).toBe(false);
    arena.release();
    expect(arena.contains(view)).toBe(false);
    other.release();
  });

  it('slabs go back to the pool on the last release and are zeroed on reuse', () => {
    const first = Arena.create();
    const bytes = first.allocate(32);
    bytes.fill(0xab);
    const slab = bytes.buffer;
    const freeBefore = arenaPoolStats().freeSlabs;
    first.release();
    expect(arenaPoolStats().freeSlabs).toBe(freeBefore + 1);
    const second = Arena.create();
    const again = second.allocate(32);
    expect(again.buffer).toBe(slab);
    expect(Array.from(again).every((x) => x === 0)).toBe(true);
    second.release();
  });

  it('misuse throws ERR_BAD_STATE: allocate after destroy, release or addRef too often', () => {
    const arena = Arena.create('x');
    arena.release();
    expectStatus(() => arena.allocate(8), Status.ERR_BAD_STATE, /after the last reference/);
    expectStatus(() => arena.release(), Status.ERR_BAD_STATE);
    expectStatus(() => arena.addRef(), Status.ERR_BAD_STATE);
  });

  it('allocate needs a whole number of bytes: ERR_INVALID_ARGS', () => {
    const arena = Arena.create();
    expectStatus(() => arena.allocate(-1), Status.ERR_INVALID_ARGS);
    expectStatus(() => arena.allocate(1.5), Status.ERR_INVALID_ARGS);
    expect(arena.allocate(0).byteLength).toBe(0);
    arena.release();
  });

  it('Symbol.dispose releases one reference', () => {
    let kept: Arena;
    {
      using arena = Arena.create();
      kept = arena;
      arena.addRef();
    }
    expect(kept.refCount).toBe(1);
    kept.release();
  });
});
