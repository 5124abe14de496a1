import type { IrBits } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { intLiteral } from './emitConst.js';
import { declName, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';
import { isBigIntSubtype } from './typeExpr.js';

/**
 * Bits become a frozen const object (the members), a type of the same name
 * (any value of the subtype: a combination of members is not a member), and
 * `<Name>Bits` with `has`, `union`, `mask`, `unknownBits` and `validate`
 * (strict bits reject bits outside the mask, as the codec does).
 */
export function emitBits(b: IrBits, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(b.name)), `bits ${b.name}`);
  const helpers = ctx.claim(`${name}Bits`, `the helpers of bits ${b.name}`);
  const big = isBigIntSubtype(b.subtype);

  p.doc(b.doc);
  p.block(
    `export const ${name} = {`,
    () => {
      for (const m of b.members) {
        p.doc(m.doc);
        p.line(`${propKey(m.name)}: ${intLiteral(m.value, big)},`);
      }
    },
    '} as const;',
  );
  p.line(`export type ${name} = ${big ? 'bigint' : 'number'};`);
  p.wrap(
    `export const ${helpers}: ${ctx.fidl('BitsHelpers')}<${name}> = ${ctx.fidl('defineBits')}<${name}>(${quote(b.name)}, ${intLiteral(b.mask, big)}, ${b.strict});`,
  );
  p.line();
}
