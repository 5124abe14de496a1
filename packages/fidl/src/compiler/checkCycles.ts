/**
 * Include cycles: a struct (or union) that contains itself inline, directly
 * or through other layouts and arrays, would have infinite size. Recursion is
 * fine once it passes through something out of line and optional: box<S>,
 * an optional union, a vector, or a table field.
 */
import type { DiagnosticSink } from './diagnostics.js';
import type { FlatType, Library, StructDecl, UnionDecl } from './model.js';

type Node = StructDecl | UnionDecl;

function inlineRefs(t: FlatType | null | undefined, out: Node[]): void {
  if (!t) return;
  if (t.kind === 'array') inlineRefs(t.element, out);
  else if (
    t.kind === 'identifier' &&
    !t.nullable &&
    (t.decl.kind === 'struct' || t.decl.kind === 'union')
  ) {
    out.push(t.decl);
  }
}

function edges(decl: Node): Node[] {
  const out: Node[] = [];
  const members: readonly { type: FlatType | null }[] = decl.members;
  for (const m of members) inlineRefs(m.type, out);
  return out;
}

export function checkIncludeCycles(libraries: Library[], sink: DiagnosticSink): void {
  const state = new Map<Node, 'visiting' | 'done'>();
  const stack: Node[] = [];
  const reported = new Set<Node>();

  const visit = (d: Node): void => {
    state.set(d, 'visiting');
    stack.push(d);
    for (const next of edges(d)) {
      const s = state.get(next);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        if (!cycle.some((c) => reported.has(c))) {
          cycle.forEach((c) => reported.add(c));
          const path = [...cycle, next].map((c) => `${c.kind} '${c.name}'`).join(' -> ');
          sink.error(
            'FIDL-INCLUDE-CYCLE',
            next.span,
            `there is an includes-cycle in declarations: ${path}; such a value would be infinitely large. Break the cycle with box<...>, an optional union, a vector or a table`,
          );
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(d, 'done');
  };

  for (const lib of libraries) {
    for (const d of lib.declOrder) {
      if ((d.kind === 'struct' || d.kind === 'union') && !state.has(d)) visit(d);
    }
  }
}
