/**
 * Versioning, minimally: the compiler builds the library as of HEAD, the
 * version fidlc targets by default. An element whose @available says it was
 * `removed` or `replaced` (at any version, HEAD included) does not exist at
 * HEAD, so it is dropped before registration; that also lets an element and
 * its replacement share a name. Every other @available argument is kept as
 * data on the elements that remain.
 */
import type { RawAttribute, RawDecl, RawFile, RawLayout, RawTypeCtor } from './ast.js';

function goneAtHead(attrs: readonly RawAttribute[]): boolean {
  const available = attrs.find((a) => a.name.name === 'available');
  return (
    available?.args.some((a) => a.name?.name === 'removed' || a.name?.name === 'replaced') ?? false
  );
}

function pruneCtor(ctor: RawTypeCtor | null | undefined): void {
  if (!ctor) return;
  if (ctor.layout.kind === 'inline') pruneLayout(ctor.layout.layout);
  for (const p of ctor.params ?? []) if (p.kind === 'type') pruneCtor(p.ctor);
}

function pruneLayout(layout: RawLayout): void {
  layout.members = layout.members.filter((m) => !goneAtHead(m.attributes));
  for (const m of layout.members) if (m.kind !== 'value') pruneCtor(m.type);
}

function pruneDecl(decl: RawDecl): void {
  switch (decl.kind) {
    case 'type':
      pruneCtor(decl.type);
      return;
    case 'protocol':
      decl.composes = decl.composes.filter((c) => !goneAtHead(c.attributes));
      decl.methods = decl.methods.filter((m) => !goneAtHead(m.attributes));
      for (const m of decl.methods) {
        pruneCtor(m.request?.type);
        pruneCtor(m.response?.type);
        pruneCtor(m.error);
      }
      return;
    case 'service':
      decl.members = decl.members.filter((m) => !goneAtHead(m.attributes));
      return;
    default:
      return;
  }
}

/** Removes, in place, every element of `file` that does not exist at HEAD. */
export function pruneToHead(file: RawFile): void {
  file.decls = file.decls.filter((d) => !goneAtHead(d.attributes));
  for (const d of file.decls) pruneDecl(d);
}
