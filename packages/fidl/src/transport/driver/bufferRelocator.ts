/**
 * Finds the byte buffers (`vector<uint8>`, `array<uint8, N>`: Uint8Array
 * values) in a value of a FIDL type, and keeps or replaces each one. The
 * Driver transport uses it to make sure every buffer of a message lies in the
 * message's arena (copying the others once, and counting), and to copy reply
 * buffers out of an arena the caller does not hold.
 *
 * Per type, the walk is compiled once. Types that cannot hold a byte buffer
 * (BlockOp, most control structs) get no walker at all: for them the check
 * costs nothing per message. A value is never mutated: when a buffer is
 * replaced, only the objects on the path to it are cloned. What a walk needs
 * (arenas, counters, direction) travels as arguments, so a message allocates
 * nothing unless a buffer actually moves.
 */
import type { Arena } from '@fdf/runtime';
import type { IrRoot, IrStruct, IrTable, IrType, IrUnion } from '../../ir/types.js';
import { lowerCamel } from '../../emit/names.js';
import type { TransportStats } from '../types.js';

/**
 * Returns `value` itself when nothing moved, else a path-cloned copy.
 *
 * `into` true (outgoing): every buffer must lie in `arena`; the others are
 * copied into it. `into` false (incoming): buffers in `arena` (the message's)
 * are copied to the heap unless they also lie in `keep` (the caller's own
 * arena). Copies are counted in `stats`.
 */
export type Relocator = (
  value: unknown,
  arena: Arena,
  keep: Arena | null,
  stats: TransportStats,
  into: boolean,
) => unknown;

/*
 * The last buffer found inside a live arena, and that arena. An arena's memory
 * never moves or shrinks while it lives, so once `arena.contains(buf)` is true
 * it stays true until the arena is destroyed (when `destroyed` says so): a
 * buffer checked again in the same arena, as when a reply hands back the
 * request's buffer or a driver re-sends a preallocated one, skips the range
 * check (the typed-array getters it reads cost tens of ns each on Node 20).
 */
let knownBuffer: Uint8Array | null = null;
let knownArena: Arena | null = null;

function inArena(arena: Arena, buf: Uint8Array): boolean {
  if (buf === knownBuffer && arena === knownArena && !arena.destroyed) return true;
  if (!arena.contains(buf)) return false;
  knownBuffer = buf;
  knownArena = arena;
  return true;
}

/** One byte buffer: itself when it may stay, else its copy (counted). */
function moveBuffer(
  buf: Uint8Array,
  arena: Arena,
  keep: Arena | null,
  stats: TransportStats,
  into: boolean,
): Uint8Array {
  if (into) {
    if (inArena(arena, buf)) return buf;
    const copy = arena.allocate(buf.length);
    copy.set(buf);
    stats.bytesCopied += buf.length;
    stats.copies++;
    return copy;
  }
  if (!inArena(arena, buf) || (keep !== null && inArena(keep, buf))) return buf;
  stats.bytesCopied += buf.length;
  stats.copies++;
  return buf.slice();
}

const byteBuffer: Relocator = (v, arena, keep, stats, into) =>
  v instanceof Uint8Array ? moveBuffer(v, arena, keep, stats, into) : v;

interface Decls {
  structs: Map<string, IrStruct>;
  tables: Map<string, IrTable>;
  unions: Map<string, IrUnion>;
}

const declsByTable = new WeakMap<IrRoot, Decls>();
const relocators = new WeakMap<IrType, Relocator | null>();

function declsOf(table: IrRoot): Decls {
  let d = declsByTable.get(table);
  if (d === undefined) {
    d = { structs: new Map(), tables: new Map(), unions: new Map() };
    for (const lib of table.libraries) {
      for (const s of lib.structs) d.structs.set(s.name, s);
      for (const t of lib.tables) d.tables.set(t.name, t);
      for (const u of lib.unions) d.unions.set(u.name, u);
    }
    declsByTable.set(table, d);
  }
  return d;
}

function isByteBuffer(t: IrType): boolean {
  return (
    (t.kind === 'vector' || t.kind === 'array') &&
    t.elementType.kind === 'primitive' &&
    t.elementType.subtype === 'uint8'
  );
}

/** The relocator of `type`, or null when values of it can never hold a byte buffer. */
export function relocatorFor(table: IrRoot, type: IrType): Relocator | null {
  if (relocators.has(type)) return relocators.get(type) ?? null;
  const r = new Compiler(declsOf(table)).forType(type);
  relocators.set(type, r);
  return r;
}

class Compiler {
  /** Named types being compiled: a recursive reference gets a forwarder. */
  readonly #named = new Map<string, Relocator | null | 'building'>();
  readonly #forwarded = new Map<string, { fn: Relocator | null }>();

  constructor(private readonly decls: Decls) {}

  forType(t: IrType): Relocator | null {
    switch (t.kind) {
      case 'vector':
      case 'array':
        if (isByteBuffer(t)) return byteBuffer;
        return this.list(t.elementType);
      case 'identifier':
        if (t.declKind === 'struct' || t.declKind === 'table' || t.declKind === 'union')
          return this.named(t.identifier);
        return null;
      default:
        return null;
    }
  }

  list(element: IrType): Relocator | null {
    const inner = this.forType(element);
    if (inner === null) return null;
    return (v, arena, keep, stats, into) => {
      if (!Array.isArray(v)) return v;
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        const r = inner(e, arena, keep, stats, into);
        if (r !== e) (out ??= v.slice())[i] = r;
      }
      return out ?? v;
    };
  }

  named(fqn: string): Relocator | null {
    const state = this.#named.get(fqn);
    if (state === 'building') {
      // A recursive type: it holds a buffer only if some other member does,
      // which the outer compilation decides; until then, forward.
      let slot = this.#forwarded.get(fqn);
      if (slot === undefined) {
        slot = { fn: null };
        this.#forwarded.set(fqn, slot);
      }
      const s = slot;
      return (v, arena, keep, stats, into) =>
        s.fn === null ? v : s.fn(v, arena, keep, stats, into);
    }
    if (state !== undefined) return state;
    this.#named.set(fqn, 'building');
    const fn = this.build(fqn);
    this.#named.set(fqn, fn);
    const slot = this.#forwarded.get(fqn);
    if (slot !== undefined) slot.fn = fn;
    return fn;
  }

  build(fqn: string): Relocator | null {
    const s = this.decls.structs.get(fqn);
    const members: { key: string; fn: Relocator }[] = [];
    if (s !== undefined) {
      for (const m of s.members) {
        const fn = this.forType(m.type);
        if (fn !== null) members.push({ key: lowerCamel(m.name), fn });
      }
      return objectRelocator(members);
    }
    const t = this.decls.tables.get(fqn) ?? this.decls.unions.get(fqn);
    if (t === undefined) return null;
    for (const m of t.members) {
      if (m.reserved || m.name === undefined || m.type === undefined) continue;
      const fn = this.forType(m.type);
      if (fn !== null) members.push({ key: lowerCamel(m.name), fn });
    }
    // Tables and unions hold their members under the same keys as structs
    // (a union's variant sits beside `$tag`), so one walker serves all three.
    return objectRelocator(members);
  }
}

function objectRelocator(members: { key: string; fn: Relocator }[]): Relocator | null {
  if (members.length === 0) return null;
  const keys = members.map((m) => m.key);
  const fns = members.map((m) => m.fn);
  const n = keys.length;
  return (v, arena, keep, stats, into) => {
    if (v === null || typeof v !== 'object') return v;
    const obj = v as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    for (let i = 0; i < n; i++) {
      const key = keys[i] as string;
      const before = obj[key];
      if (before === undefined || before === null) continue;
      const after = (fns[i] as Relocator)(before, arena, keep, stats, into);
      if (after !== before) (out ??= { ...obj })[key] = after;
    }
    return out ?? v;
  };
}
