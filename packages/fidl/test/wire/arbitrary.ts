/**
 * fast-check arbitraries generated from IR types: any valid TS value of a
 * FIDL type, following the value conventions of src/ir/types.ts. Recursive
 * types are cut off by a budget: past it, optional members are null, tables
 * empty and unions pick non-recursive variants. Handles are not generated.
 */
import fc from 'fast-check';
import { Status, StatusError } from '@fdf/zx';
import type { IrRoot, IrType } from '../../src/ir/types.js';
import { TypeRegistry } from '../../src/wire/layout.js';
import { utf8Length } from '../../src/wire/utf8.js';

const INT_RANGE: Record<string, [number, number]> = {
  int8: [-0x80, 0x7f],
  uint8: [0, 0xff],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

function integer(subtype: string): fc.Arbitrary<number | bigint> {
  if (subtype === 'int64') return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
  if (subtype === 'uint64') return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const [min, max] = INT_RANGE[subtype]!;
  return fc.integer({ min, max });
}

/** Longest vectors generated, whatever the bound: keeps runs fast. */
const MAX_ELEMENTS = 4;

export class ArbitraryFactory {
  private readonly reg: TypeRegistry;
  private readonly cache = new Map<string, fc.Arbitrary<unknown>>();

  constructor(ir: IrRoot) {
    this.reg = new TypeRegistry(ir);
  }

  forName(name: string, budget = 4): fc.Arbitrary<unknown> {
    return this.of(this.reg.typeOf(name), budget);
  }

  of(type: IrType, budget: number): fc.Arbitrary<unknown> {
    switch (type.kind) {
      case 'primitive':
        if (type.subtype === 'bool') return fc.boolean();
        if (type.subtype === 'float32') return fc.float();
        if (type.subtype === 'float64') return fc.double();
        return integer(type.subtype);
      case 'internal':
        return integer('int32');
      case 'string': {
        const max = type.maxLength;
        const s = fc
          .string({ unit: 'binary', maxLength: max === null ? 12 : Math.min(max, 12) })
          .filter((x) => max === null || utf8Length(x) <= max);
        return type.nullable ? fc.option(s, { nil: null }) : s;
      }
      case 'vector': {
        const maxLength = Math.min(type.maxCount ?? MAX_ELEMENTS, MAX_ELEMENTS);
        const el = type.elementType;
        const v: fc.Arbitrary<unknown> =
          el.kind === 'primitive' && el.subtype === 'uint8'
            ? fc.uint8Array({ maxLength: Math.min(type.maxCount ?? 24, 24) })
            : fc.array(this.of(el, budget - 1), { maxLength: budget <= 0 ? 0 : maxLength });
        return type.nullable ? fc.option(v, { nil: null }) : v;
      }
      case 'array': {
        const n = type.elementCount;
        const el = type.elementType;
        if (el.kind === 'primitive' && el.subtype === 'uint8') {
          return fc.uint8Array({ minLength: n, maxLength: n });
        }
        return fc.array(this.of(el, budget), { minLength: n, maxLength: n });
      }
      case 'handle':
      case 'endpoint':
        throw new StatusError(
          Status.ERR_NOT_SUPPORTED,
          'arbitrary values with handles are not generated; test handles directly',
        );
      case 'identifier':
        return this.identifier(type, budget);
    }
  }

  private identifier(type: IrType & { kind: 'identifier' }, budget: number): fc.Arbitrary<unknown> {
    const key = `${type.declKind}:${type.identifier}:${type.nullable}:${Math.max(budget, 0)}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const arb = this.build(type, budget);
    this.cache.set(key, arb);
    return arb;
  }

  private build(type: IrType & { kind: 'identifier' }, budget: number): fc.Arbitrary<unknown> {
    const id = type.identifier;
    switch (type.declKind) {
      case 'enum': {
        const decl = this.reg.enumDecl(id);
        const wide = decl.subtype.endsWith('64');
        const members = decl.members.map((m) => (wide ? BigInt(m.value) : Number(m.value)));
        const known = members.length > 0 ? fc.constantFrom(...members) : undefined;
        if (decl.strict) return known!;
        return known === undefined ? integer(decl.subtype) : fc.oneof(known, integer(decl.subtype));
      }
      case 'bits': {
        const decl = this.reg.bits(id);
        const wide = decl.subtype.endsWith('64');
        if (!decl.strict) return integer(decl.subtype);
        return fc.subarray(decl.members.map((m) => BigInt(m.value))).map((bits) => {
          const v = bits.reduce((a, b) => a | b, 0n);
          return wide ? v : Number(v);
        });
      }
      case 'struct': {
        if (type.nullable && budget <= 0) return fc.constant(null);
        const inner = budget - (type.nullable ? 1 : 0);
        const fields: Record<string, fc.Arbitrary<unknown>> = {};
        for (const f of this.reg.structLayout(id).fields) fields[f.key] = this.of(f.type, inner);
        const rec = fc.record(fields);
        return type.nullable ? fc.option(rec, { nil: null }) : rec;
      }
      case 'table': {
        if (budget <= 0) return fc.constant({});
        const fields: Record<string, fc.Arbitrary<unknown>> = {};
        for (const m of this.reg.envelopeMembers(this.reg.table(id)))
          fields[m.key] = this.of(m.type, budget - 1);
        return fc.record(fields, { requiredKeys: [] });
      }
      case 'union': {
        if (type.nullable && budget <= 0) return fc.constant(null);
        let members = this.reg.envelopeMembers(this.reg.union(id));
        if (budget <= 0) {
          const flat = members.filter(
            (m) => m.type.kind !== 'identifier' || m.type.declKind === 'enum',
          );
          if (flat.length > 0) members = flat;
        }
        if (members.length === 0) {
          // An empty flexible union has no value a sender can construct.
          throw new StatusError(
            Status.ERR_NOT_SUPPORTED,
            `union ${id} has no variants to generate`,
          );
        }
        const variants = members.map((m) =>
          this.of(m.type, budget - 1).map((v) => ({ $tag: m.key, [m.key]: v })),
        );
        const u = fc.oneof(...variants);
        return type.nullable ? fc.option(u, { nil: null }) : u;
      }
    }
  }
}
