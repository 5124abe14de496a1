/**
 * Wire format V2 type shapes: inline size and alignment, out-of-line depth,
 * upper bounds on handles and out-of-line bytes, padding and flexible
 * envelopes; plus struct member offsets. Bounds saturate at 0xFFFFFFFF,
 * which also stands for "unbounded" (unbounded vectors and strings, and any
 * type that reaches a recursive declaration).
 */
import type { TypeShape } from '../ir/types.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { FlatType, LayoutDecl, Library, OrdinalMember, StructDecl } from './model.js';

export const UNBOUNDED = 0xffffffff;
/** Payloads of at most this many bytes travel inside the envelope itself. */
export const ENVELOPE_INLINE_MAX = 4;
const MAX_INLINE_SIZE = 0xffff;

const sat = (n: number): number => (n >= UNBOUNDED ? UNBOUNDED : n);
const add = (a: number, b: number): number => sat(a + b);
const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : sat(a * b));
const align = (n: number, a: number): number => sat(Math.ceil(n / a) * a);
const align8 = (n: number): number => (n >= UNBOUNDED ? UNBOUNDED : align(n, 8));

const PRIMITIVE_SIZE: Record<string, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

export interface StructLayout {
  offsets: number[];
  paddings: number[];
  size: number;
  alignment: number;
}

function layoutMembers(decl: LayoutDecl): readonly { type: FlatType | null; ordinal?: number }[] {
  return decl.kind === 'enum' || decl.kind === 'bits' ? [] : decl.members;
}

export class ShapeCalculator {
  readonly #decls = new Map<LayoutDecl, TypeShape>();
  readonly #layouts = new Map<StructDecl, StructLayout>();
  readonly #inProgress = new Set<LayoutDecl>();
  /** Declarations on a cycle of references (necessarily through out-of-line types). */
  readonly #recursive = new Set<LayoutDecl>();

  constructor(
    libraries: Library[],
    readonly sink?: DiagnosticSink,
  ) {
    this.#findRecursive(libraries);
  }

  /** Tarjan's SCC over "member type mentions declaration" edges. */
  #findRecursive(libraries: Library[]): void {
    const index = new Map<LayoutDecl, number>();
    const low = new Map<LayoutDecl, number>();
    const onStack = new Set<LayoutDecl>();
    const stack: LayoutDecl[] = [];
    let counter = 0;
    const strong = (v: LayoutDecl): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      for (const w of this.#refs(v)) {
        if (!index.has(w)) {
          strong(w);
          low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        }
      }
      if (low.get(v) === index.get(v)) {
        const scc: LayoutDecl[] = [];
        for (;;) {
          const w = stack.pop() as LayoutDecl;
          onStack.delete(w);
          scc.push(w);
          if (w === v) break;
        }
        const selfLoop = this.#refs(v).includes(v);
        if (scc.length > 1 || selfLoop) scc.forEach((d) => this.#recursive.add(d));
      }
    };
    for (const lib of libraries) {
      for (const d of lib.declOrder) {
        if (d.kind === 'struct' || d.kind === 'table' || d.kind === 'union') {
          if (!index.has(d)) strong(d);
        }
      }
    }
  }

  readonly #refsCache = new Map<LayoutDecl, LayoutDecl[]>();
  readonly #typeCache = new WeakMap<FlatType, TypeShape>();

  #refs(d: LayoutDecl): LayoutDecl[] {
    const cached = this.#refsCache.get(d);
    if (cached) return cached;
    const out: LayoutDecl[] = [];
    const collect = (t: FlatType | null | undefined): void => {
      if (!t) return;
      if (t.kind === 'vector' || t.kind === 'array') collect(t.element);
      else if (t.kind === 'identifier' && t.decl.kind !== 'enum' && t.decl.kind !== 'bits')
        out.push(t.decl);
    };
    for (const m of layoutMembers(d)) collect(m.type);
    this.#refsCache.set(d, out);
    return out;
  }

  /** Depth-first search over referenced declarations for one satisfying `pred`. */
  #reaches(start: LayoutDecl, pred: (d: LayoutDecl) => boolean): boolean {
    const seen = new Set<LayoutDecl>();
    const todo = [start];
    while (todo.length) {
      const d = todo.pop() as LayoutDecl;
      if (seen.has(d)) continue;
      seen.add(d);
      if (pred(d)) return true;
      todo.push(...this.#refs(d));
    }
    return false;
  }

  isRecursive(d: LayoutDecl): boolean {
    return this.#recursive.has(d);
  }

  structLayout(decl: StructDecl): StructLayout {
    let l = this.#layouts.get(decl);
    if (l) return l;
    const offsets: number[] = [];
    const paddings: number[] = [];
    if (decl.members.length === 0) {
      l = { offsets, paddings, size: 1, alignment: 1 };
    } else {
      const shapes = decl.members.map((m) => this.inlineOf(m.type));
      const alignment = Math.max(...shapes.map((s) => s.alignment));
      let offset = 0;
      shapes.forEach((s) => {
        offset = align(offset, s.alignment);
        offsets.push(offset);
        offset += s.size;
      });
      const size = align(offset, alignment);
      shapes.forEach((s, i) => {
        const end = (offsets[i] as number) + s.size;
        const nextStart = i + 1 < offsets.length ? (offsets[i + 1] as number) : size;
        paddings.push(nextStart - end);
      });
      l = { offsets, paddings, size, alignment };
      if (size > MAX_INLINE_SIZE) {
        this.sink?.error(
          'FIDL-INLINE-SIZE-TOO-LARGE',
          decl.span,
          `struct '${decl.name}' is ${size} bytes inline, more than the limit of ${MAX_INLINE_SIZE}; move large members out of line (vector or box)`,
        );
      }
    }
    this.#layouts.set(decl, l);
    return l;
  }

  /** Inline size and alignment only; never recurses through out-of-line types. */
  inlineOf(t: FlatType | null | undefined): { size: number; alignment: number } {
    if (!t) return { size: 0, alignment: 1 };
    switch (t.kind) {
      case 'primitive': {
        const n = PRIMITIVE_SIZE[t.subtype] as number;
        return { size: n, alignment: n };
      }
      case 'string':
      case 'vector':
        return { size: 16, alignment: 8 };
      case 'handle':
      case 'endpoint':
      case 'internal':
        return { size: 4, alignment: 4 };
      case 'array': {
        const e = this.inlineOf(t.element);
        return { size: mul(e.size, t.count), alignment: e.alignment };
      }
      case 'identifier': {
        const d = t.decl;
        if (d.kind === 'enum' || d.kind === 'bits') {
          const n = PRIMITIVE_SIZE[d.subtype] as number;
          return { size: n, alignment: n };
        }
        if (d.kind === 'table' || d.kind === 'union') return { size: 16, alignment: 8 };
        if (t.nullable) return { size: 8, alignment: 8 };
        if (this.#inProgress.has(d)) return { size: 1, alignment: 1 }; // include cycle, reported elsewhere
        this.#inProgress.add(d);
        const l = this.structLayout(d);
        this.#inProgress.delete(d);
        return { size: l.size, alignment: l.alignment };
      }
      case 'error':
        return { size: 0, alignment: 1 };
    }
  }

  declShape(d: LayoutDecl): TypeShape {
    const cached = this.#decls.get(d);
    if (cached) return cached;
    const shape = this.#recursive.has(d) ? this.#recursiveShape(d) : this.#computeDecl(d);
    this.#decls.set(d, shape);
    return shape;
  }

  /**
   * Shape of a declaration on a reference cycle: depth and out-of-line size
   * are unbounded; each flag holds if any declaration it reaches has it.
   */
  #recursiveShape(d: LayoutDecl): TypeShape {
    const inline = this.inlineOf({ kind: 'identifier', decl: d, nullable: false });
    const local =
      (f: (t: FlatType | null, nested: (x: LayoutDecl) => boolean) => boolean) => (x: LayoutDecl) =>
        layoutMembers(x).some((m) => f.call(this, m.type, () => false));
    const hasHandles = this.#reaches(d, local(this.#typeHasHandles));
    return {
      inlineSize: inline.size,
      alignment: inline.alignment,
      depth: UNBOUNDED,
      maxHandles: hasHandles ? UNBOUNDED : 0,
      maxOutOfLine: UNBOUNDED,
      hasPadding: this.#reaches(d, (x) => this.#ownPadding(x) || local(this.#typePadding)(x)),
      hasFlexibleEnvelope: this.#reaches(
        d,
        (x) => x.kind === 'table' || (x.kind === 'union' && !x.strict),
      ),
    };
  }

  /** Padding that a declaration's layout itself introduces. */
  #ownPadding(d: LayoutDecl): boolean {
    if (d.kind === 'struct') return this.structLayout(d).paddings.some((p) => p > 0);
    if (d.kind === 'table' || d.kind === 'union') {
      return d.members.some((m) => {
        if (!m.type) return false;
        const size = this.inlineOf(m.type).size;
        return size <= ENVELOPE_INLINE_MAX ? size < ENVELOPE_INLINE_MAX : size % 8 !== 0;
      });
    }
    return false;
  }

  #typeHasHandles(t: FlatType | null, nested: (x: LayoutDecl) => boolean): boolean {
    if (!t) return false;
    if (t.kind === 'handle' || t.kind === 'endpoint') return true;
    if (t.kind === 'vector' || t.kind === 'array') return this.#typeHasHandles(t.element, nested);
    if (t.kind === 'identifier') return nested(t.decl);
    return false;
  }

  #typePadding(t: FlatType | null, nested: (x: LayoutDecl) => boolean): boolean {
    if (!t) return false;
    switch (t.kind) {
      case 'string':
        return true;
      case 'vector':
        return this.inlineOf(t.element).size % 8 !== 0 || this.#typePadding(t.element, nested);
      case 'array':
        return this.#typePadding(t.element, nested);
      case 'identifier':
        if (
          t.decl.kind === 'struct' &&
          t.nullable &&
          this.inlineOf({ ...t, nullable: false }).size % 8 !== 0
        ) {
          return true;
        }
        return nested(t.decl);
      default:
        return false;
    }
  }

  #typeFlexible(t: FlatType | null, nested: (x: LayoutDecl) => boolean): boolean {
    if (!t) return false;
    if (t.kind === 'vector' || t.kind === 'array') return this.#typeFlexible(t.element, nested);
    if (t.kind === 'identifier') return nested(t.decl);
    return false;
  }

  #computeDecl(d: LayoutDecl): TypeShape {
    const inline = this.inlineOf({ kind: 'identifier', decl: d, nullable: false });
    const nestedPadding = (x: LayoutDecl): boolean => this.declShape(x).hasPadding;
    const nestedFlex = (x: LayoutDecl): boolean => this.declShape(x).hasFlexibleEnvelope;
    const base = { inlineSize: inline.size, alignment: inline.alignment };
    switch (d.kind) {
      case 'enum':
      case 'bits':
        return {
          ...base,
          depth: 0,
          maxHandles: 0,
          maxOutOfLine: 0,
          hasPadding: false,
          hasFlexibleEnvelope: false,
        };
      case 'struct': {
        let depth = 0;
        let handles = 0;
        let ool = 0;
        for (const m of d.members) {
          const s = this.typeShape(m.type);
          depth = Math.max(depth, s.depth);
          handles = add(handles, s.maxHandles);
          ool = add(ool, s.maxOutOfLine);
        }
        return {
          ...base,
          depth,
          maxHandles: handles,
          maxOutOfLine: ool,
          hasPadding:
            this.#ownPadding(d) || d.members.some((m) => this.#typePadding(m.type, nestedPadding)),
          hasFlexibleEnvelope: d.members.some((m) => this.#typeFlexible(m.type, nestedFlex)),
        };
      }
      case 'table':
      case 'union': {
        const used = d.members.filter(
          (m): m is OrdinalMember & { type: FlatType } => m.type !== null && m.name !== null,
        );
        let depth = 0;
        let handles = 0;
        let ool = 0;
        for (const m of used) {
          const s = this.typeShape(m.type);
          const payloadOol =
            s.inlineSize <= ENVELOPE_INLINE_MAX ? 0 : add(align8(s.inlineSize), s.maxOutOfLine);
          if (d.kind === 'table') {
            depth = Math.max(depth, add(1, s.depth));
            handles = add(handles, s.maxHandles);
            ool = add(ool, payloadOol);
          } else {
            depth = Math.max(depth, s.depth);
            handles = Math.max(handles, s.maxHandles);
            ool = Math.max(ool, payloadOol);
          }
        }
        if (d.kind === 'table') {
          // The envelope array runs to the highest ordinal in use; trailing
          // reserved ordinals are never sent.
          const maxOrdinal = used.reduce((acc, m) => Math.max(acc, m.ordinal), 0);
          ool = add(ool, mul(maxOrdinal, 8));
        }
        return {
          ...base,
          depth: add(1, depth),
          maxHandles: handles,
          maxOutOfLine: ool,
          hasPadding:
            this.#ownPadding(d) || used.some((m) => this.#typePadding(m.type, nestedPadding)),
          hasFlexibleEnvelope:
            d.kind === 'table' ||
            !d.strict ||
            used.some((m) => this.#typeFlexible(m.type, nestedFlex)),
        };
      }
    }
  }

  /** Types are shared objects (a member's type is one FlatType), so shapes are cached per object. */
  typeShape(t: FlatType | null | undefined): TypeShape {
    if (!t) return this.#computeType(t);
    let shape = this.#typeCache.get(t);
    if (!shape) {
      shape = this.#computeType(t);
      this.#typeCache.set(t, shape);
    }
    return shape;
  }

  #computeType(t: FlatType | null | undefined): TypeShape {
    const none = {
      depth: 0,
      maxHandles: 0,
      maxOutOfLine: 0,
      hasPadding: false,
      hasFlexibleEnvelope: false,
    };
    const inline = this.inlineOf(t);
    const base = { inlineSize: inline.size, alignment: inline.alignment };
    if (!t) return { ...base, ...none };
    switch (t.kind) {
      case 'primitive':
      case 'internal':
      case 'error':
        return { ...base, ...none };
      case 'handle':
      case 'endpoint':
        return { ...base, ...none, maxHandles: 1 };
      case 'string':
        return {
          ...base,
          ...none,
          depth: 1,
          maxOutOfLine: t.maxLength === null ? UNBOUNDED : align8(t.maxLength),
          hasPadding: true,
        };
      case 'vector': {
        const e = this.typeShape(t.element);
        const count = t.maxCount ?? UNBOUNDED;
        return {
          ...base,
          depth: add(1, e.depth),
          maxHandles:
            t.maxCount === null ? (e.maxHandles > 0 ? UNBOUNDED : 0) : mul(count, e.maxHandles),
          maxOutOfLine:
            t.maxCount === null
              ? UNBOUNDED
              : add(align8(mul(count, e.inlineSize)), mul(count, e.maxOutOfLine)),
          hasPadding: e.inlineSize % 8 !== 0 || e.hasPadding,
          hasFlexibleEnvelope: e.hasFlexibleEnvelope,
        };
      }
      case 'array': {
        const e = this.typeShape(t.element);
        return {
          ...base,
          depth: e.depth,
          maxHandles: mul(t.count, e.maxHandles),
          maxOutOfLine: mul(t.count, e.maxOutOfLine),
          hasPadding: e.hasPadding,
          hasFlexibleEnvelope: e.hasFlexibleEnvelope,
        };
      }
      case 'identifier': {
        const d = this.declShape(t.decl);
        if (t.decl.kind === 'struct' && t.nullable) {
          // box<S>: a presence marker inline, the struct as the next object.
          return {
            ...base,
            depth: add(1, d.depth),
            maxHandles: d.maxHandles,
            maxOutOfLine: add(align8(d.inlineSize), d.maxOutOfLine),
            hasPadding: d.inlineSize % 8 !== 0 || d.hasPadding,
            hasFlexibleEnvelope: d.hasFlexibleEnvelope,
          };
        }
        return { ...d, ...base };
      }
    }
  }
}
