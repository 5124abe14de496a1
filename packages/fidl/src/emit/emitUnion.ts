import type { IrUnion } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { declName, lowerCamel, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';
import { typeExpr } from './typeExpr.js';

/**
 * A union is a discriminated union on `$tag`; flexible unions add the
 * `$unknown` variant a decoder produces for an ordinal it does not know. A
 * const of the same name builds each variant: `BlockOp.rw({...})`.
 */
export function emitUnion(u: IrUnion, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(u.name)), `union ${u.name}`);
  const members = u.members.flatMap((m) =>
    m.reserved || m.name === undefined || m.type === undefined
      ? []
      : [{ key: lowerCamel(m.name), type: m.type, doc: m.doc }],
  );
  p.doc(u.doc);
  const variants = members.map(
    (m) => `{ $tag: ${quote(m.key)}; ${propKey(m.key)}: ${typeExpr(m.type, ctx)} }`,
  );
  if (!u.strict) variants.push(`{ $tag: '$unknown'; ordinal: bigint }`);
  if (variants.length === 0) variants.push('never');
  p.line(`export type ${name} =`);
  p.indented(() => {
    variants.forEach((v, i) => p.line(`| ${v}${i === variants.length - 1 ? ';' : ''}`));
  });
  if (members.length === 0) {
    p.line();
    return;
  }
  p.block(
    `export const ${name} = {`,
    () => {
      for (const m of members) {
        p.doc(m.doc);
        const param = safeIdent(m.key);
        const field = param === m.key ? m.key : `${propKey(m.key)}: ${param}`;
        p.wrap(
          `${propKey(m.key)}: (${param}: ${typeExpr(m.type, ctx)}): ${name} => ({ $tag: ${quote(m.key)}, ${field} }),`,
        );
      }
    },
    '} as const;',
  );
  p.line();
}
