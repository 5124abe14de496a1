import { Status, StatusError } from '@fdf/zx';
import type { IrBits, IrConst, IrEnum, IrType } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { declName, libraryOf, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';
import { isBigIntSubtype, typeExpr } from './typeExpr.js';

/** A JS literal for an integer given as a decimal string: `42` or `42n`. */
export function intLiteral(decimal: string, bigint: boolean): string {
  return bigint ? `${decimal}n` : decimal;
}

function findEnumOrBits(ctx: EmitContext, fqn: string): IrEnum | IrBits | undefined {
  const lib = ctx.libraries.get(libraryOf(fqn));
  return lib?.enums.find((e) => e.name === fqn) ?? lib?.bits.find((b) => b.name === fqn);
}

function constLiteral(c: IrConst, type: IrType, ctx: EmitContext): string {
  const v = c.value.value;
  switch (type.kind) {
    case 'primitive':
      if (type.subtype === 'bool') return v === 'true' ? 'true' : 'false';
      return intLiteral(v, isBigIntSubtype(type.subtype));
    case 'string':
      return quote(v);
    case 'identifier': {
      const decl = findEnumOrBits(ctx, type.identifier);
      if (decl !== undefined) return intLiteral(v, isBigIntSubtype(decl.subtype));
      break;
    }
    default:
      break;
  }
  throw new StatusError(
    Status.ERR_NOT_SUPPORTED,
    `const ${c.name}: a constant of kind '${type.kind}' has no TypeScript literal; constants must be bool, numbers, strings, enums or bits`,
  );
}

export function emitConst(c: IrConst, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(c.name)), `const ${c.name}`);
  const type = typeExpr(c.type, ctx);
  p.doc(c.doc);
  p.line(`export const ${name}: ${type} = ${constLiteral(c, c.type, ctx)};`);
  p.line();
}
