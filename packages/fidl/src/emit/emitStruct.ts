import type { IrStruct, IrTable } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { declName, lowerCamel, propKey, safeIdent } from './names.js';
import type { Printer } from './printer.js';
import { typeExpr } from './typeExpr.js';

/** A struct is an interface with every member; an empty struct is `{}` on the wire side too. */
export function emitStruct(s: IrStruct, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(s.name)), `struct ${s.name}`);
  p.doc(s.doc);
  if (s.members.length === 0) {
    p.line(`export type ${name} = Record<string, never>;`);
    p.line();
    return;
  }
  p.block(`export interface ${name} {`, () => {
    for (const m of s.members) {
      p.doc(m.doc);
      p.line(`${propKey(lowerCamel(m.name))}: ${typeExpr(m.type, ctx)};`);
    }
  });
  p.line();
}

/** A table is an interface whose members are all optional: absent means the key is missing. */
export function emitTable(t: IrTable, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(t.name)), `table ${t.name}`);
  const members = t.members.filter(
    (m) => !m.reserved && m.name !== undefined && m.type !== undefined,
  );
  p.doc(t.doc);
  if (members.length === 0) {
    p.line(`export type ${name} = Record<string, never>;`);
    p.line();
    return;
  }
  p.block(`export interface ${name} {`, () => {
    for (const m of members) {
      if (m.name === undefined || m.type === undefined) continue;
      p.doc(m.doc);
      p.line(`${propKey(lowerCamel(m.name))}?: ${typeExpr(m.type, ctx)};`);
    }
  });
  p.line();
}
