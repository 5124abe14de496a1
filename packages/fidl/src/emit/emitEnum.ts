import type { IrEnum } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { intLiteral } from './emitConst.js';
import { declName, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';
import { isBigIntSubtype } from './typeExpr.js';

/**
 * An enum becomes a frozen const object (the members), a type of the same
 * name (the member values; flexible enums also admit any other value of the
 * subtype, since a newer peer may send one), and `<Name>Enum` with `isKnown`
 * and `nameOf` helpers.
 */
export function emitEnum(e: IrEnum, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(e.name)), `enum ${e.name}`);
  const helpers = ctx.claim(`${name}Enum`, `the helpers of enum ${e.name}`);
  const big = isBigIntSubtype(e.subtype);
  const base = big ? 'bigint' : 'number';

  p.doc(e.doc);
  p.block(
    `export const ${name} = {`,
    () => {
      for (const m of e.members) {
        p.doc(m.doc);
        p.line(`${propKey(m.name)}: ${intLiteral(m.value, big)},`);
      }
    },
    '} as const;',
  );
  const known = e.members.length === 0 ? 'never' : `(typeof ${name})[keyof typeof ${name}]`;
  p.line(
    e.strict
      ? `export type ${name} = ${known};`
      : `export type ${name} = ${known} | (${base} & {}); // flexible: unknown values are kept`,
  );
  p.wrap(
    `export const ${helpers}: ${ctx.fidl('EnumHelpers')}<${name}> = ${ctx.fidl('defineEnum')}<${name}>(${quote(e.name)}, ${name}, ${e.strict});`,
  );
  p.line();
}
