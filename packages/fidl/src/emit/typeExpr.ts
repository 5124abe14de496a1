import type { IrType, PrimitiveSubtype } from '../ir/types.js';
import type { EmitContext } from './context.js';

/** 64-bit integers are bigint in JS (IR value conventions); every other number is a number. */
export function isBigIntSubtype(subtype: PrimitiveSubtype): boolean {
  return subtype === 'int64' || subtype === 'uint64';
}

export function primitiveTs(subtype: PrimitiveSubtype): string {
  if (subtype === 'bool') return 'boolean';
  return isBigIntSubtype(subtype) ? 'bigint' : 'number';
}

function isByte(t: IrType): boolean {
  return t.kind === 'primitive' && t.subtype === 'uint8';
}

function orNull(expr: string, nullable: boolean): string {
  return nullable ? `${expr} | null` : expr;
}

/** Element types that hold a `|` need parentheses before `[]`. */
function arrayOf(element: string): string {
  return element.includes('|') || element.includes('=>') ? `(${element})[]` : `${element}[]`;
}

/** The TypeScript type of a FIDL type, following the value conventions in ir/types.ts. */
export function typeExpr(t: IrType, ctx: EmitContext): string {
  switch (t.kind) {
    case 'primitive':
      return primitiveTs(t.subtype);
    case 'string':
      return orNull('string', t.nullable);
    case 'vector':
      return orNull(
        isByte(t.elementType) ? 'Uint8Array' : arrayOf(typeExpr(t.elementType, ctx)),
        t.nullable,
      );
    case 'array':
      return isByte(t.elementType) ? 'Uint8Array' : arrayOf(typeExpr(t.elementType, ctx));
    case 'handle':
      return orNull(ctx.zx('Handle'), t.nullable);
    case 'endpoint':
      // Driver-transport endpoints are runtime channels; the others are zircon handles.
      return orNull(
        t.transport === 'Driver' ? ctx.runtime('Channel') : ctx.zx('Handle'),
        t.nullable,
      );
    case 'identifier':
      return orNull(ctx.ref(t.identifier), t.nullable);
    case 'internal':
      return 'number';
  }
}
