/**
 * Declaration lookup and wire format V2 layout (sizes, alignments, struct
 * member offsets and padding), computed from the IR types themselves.
 *
 * The codec derives layout on its own instead of reading the `shape` and
 * `offset` fields of the IR: the rules are short (fidl.md 2.1), hand-written
 * IR in tests needs no shapes, and the conformance test cross-checks the
 * compiler's offsets against these.
 */
import { Status, StatusError } from '@fdf/zx';
import type { IrBits, IrEnum, IrRoot, IrStruct, IrTable, IrType, IrUnion } from '../ir/types.js';
import { memberKey } from './names.js';

export const MAX_DEPTH = 32;

export interface StructField {
  name: string;
  key: string;
  type: IrType;
  offset: number;
  size: number;
}

export interface StructLayout {
  decl: IrStruct;
  size: number;
  align: number;
  fields: StructField[];
  /** Padding byte ranges [start, end) inside the struct, trailing padding included. */
  padding: Array<[number, number]>;
}

/** A table or union member that is not reserved. */
export interface EnvelopeMember {
  ordinal: number;
  name: string;
  key: string;
  type: IrType;
}

export type NamedType =
  | { kind: 'struct'; decl: IrStruct }
  | { kind: 'table'; decl: IrTable }
  | { kind: 'union'; decl: IrUnion }
  | { kind: 'enum'; decl: IrEnum }
  | { kind: 'bits'; decl: IrBits };

/** Rounds up to a multiple of 8; arithmetic, not bitwise, as decoded counts reach 2^35. */
export function align8(n: number): number {
  const r = n % 8;
  return r === 0 ? n : n + 8 - r;
}

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

export function primitiveSize(subtype: string): number {
  const size = PRIMITIVE_SIZE[subtype];
  if (size === undefined) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `unknown primitive subtype '${subtype}' in the IR`,
    );
  }
  return size;
}

/** Indexes every declaration of an IrRoot and answers layout questions about its types. */
export class TypeRegistry {
  private readonly named = new Map<string, NamedType>();
  private readonly aliases = new Map<string, IrType>();
  private readonly structLayouts = new Map<string, StructLayout>();
  private readonly inProgress = new Set<string>();
  private readonly mainLibrary: string;

  constructor(readonly ir: IrRoot) {
    for (const lib of ir.libraries) {
      for (const decl of lib.structs) this.named.set(decl.name, { kind: 'struct', decl });
      for (const decl of lib.tables) this.named.set(decl.name, { kind: 'table', decl });
      for (const decl of lib.unions) this.named.set(decl.name, { kind: 'union', decl });
      for (const decl of lib.enums) this.named.set(decl.name, { kind: 'enum', decl });
      for (const decl of lib.bits) this.named.set(decl.name, { kind: 'bits', decl });
      for (const decl of lib.aliases) this.aliases.set(decl.name, decl.type);
    }
    this.mainLibrary = ir.libraries.at(-1)?.name ?? '';
  }

  /**
   * The fully qualified name for `name`: `lib/Decl` as is; a bare `Decl` is
   * looked up in the main (last) library first, then in any library if unique.
   */
  qualify(name: string): string {
    if (name.includes('/')) return name;
    const local = `${this.mainLibrary}/${name}`;
    if (this.named.has(local) || this.aliases.has(local)) return local;
    const matches = [...this.named.keys(), ...this.aliases.keys()].filter((k) =>
      k.endsWith(`/${name}`),
    );
    return matches.length === 1 ? matches[0]! : local;
  }

  /** The IrType a top-level type name stands for (structs, tables, unions, enums, bits, aliases). */
  typeOf(name: string): IrType {
    const fqn = this.qualify(name);
    const alias = this.aliases.get(fqn);
    if (alias !== undefined) return alias;
    const named = this.named.get(fqn);
    if (named === undefined) {
      const known = [...this.named.keys()].slice(0, 8).join(', ');
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no struct, table, union, enum, bits or alias named '${name}' in the IR (libraries: ${this.ir.libraries
          .map((l) => l.name)
          .join(', ')}; e.g. ${known}); pass 'library.name/Type'`,
      );
    }
    return {
      kind: 'identifier',
      identifier: fqn,
      declKind: named.kind,
      nullable: false,
      shape: SHAPE_UNUSED,
    };
  }

  lookup(fqn: string): NamedType {
    const named = this.named.get(fqn);
    if (named === undefined) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `the IR references '${fqn}' but declares no such type; recompile the IR with all dependencies`,
      );
    }
    return named;
  }

  struct(fqn: string): IrStruct {
    return this.expect(fqn, 'struct').decl as IrStruct;
  }
  table(fqn: string): IrTable {
    return this.expect(fqn, 'table').decl as IrTable;
  }
  union(fqn: string): IrUnion {
    return this.expect(fqn, 'union').decl as IrUnion;
  }
  enumDecl(fqn: string): IrEnum {
    return this.expect(fqn, 'enum').decl as IrEnum;
  }
  bits(fqn: string): IrBits {
    return this.expect(fqn, 'bits').decl as IrBits;
  }

  private expect(fqn: string, kind: NamedType['kind']): NamedType {
    const named = this.lookup(fqn);
    if (named.kind !== kind) {
      throw new StatusError(
        Status.ERR_WRONG_TYPE,
        `the IR uses '${fqn}' as a ${kind} but declares it as a ${named.kind}`,
      );
    }
    return named;
  }

  /** Inline size in bytes (fidl.md 2.1). */
  size(type: IrType): number {
    switch (type.kind) {
      case 'primitive':
        return primitiveSize(type.subtype);
      case 'string':
      case 'vector':
        return 16;
      case 'array':
        return type.elementCount * this.size(type.elementType);
      case 'handle':
      case 'endpoint':
      case 'internal':
        return 4;
      case 'identifier':
        switch (type.declKind) {
          case 'struct':
            return type.nullable ? 8 : this.structLayout(type.identifier).size;
          case 'table':
          case 'union':
            return 16;
          case 'enum':
            return primitiveSize(this.enumDecl(type.identifier).subtype);
          case 'bits':
            return primitiveSize(this.bits(type.identifier).subtype);
        }
    }
  }

  /** Inline alignment in bytes (fidl.md 2.1). */
  align(type: IrType): number {
    switch (type.kind) {
      case 'primitive':
        return primitiveSize(type.subtype);
      case 'string':
      case 'vector':
        return 8;
      case 'array':
        return this.align(type.elementType);
      case 'handle':
      case 'endpoint':
      case 'internal':
        return 4;
      case 'identifier':
        switch (type.declKind) {
          case 'struct':
            return type.nullable ? 8 : this.structLayout(type.identifier).align;
          case 'table':
          case 'union':
            return 8;
          case 'enum':
            return primitiveSize(this.enumDecl(type.identifier).subtype);
          case 'bits':
            return primitiveSize(this.bits(type.identifier).subtype);
        }
    }
  }

  /** Member offsets at natural alignment; total rounded to the struct alignment; empty = 1 byte. */
  structLayout(fqn: string): StructLayout {
    const cached = this.structLayouts.get(fqn);
    if (cached !== undefined) return cached;
    const decl = this.struct(fqn);
    if (this.inProgress.has(fqn)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `struct '${fqn}' contains itself without a box<>; the IR is invalid`,
      );
    }
    this.inProgress.add(fqn);
    try {
      const fields: StructField[] = [];
      const padding: Array<[number, number]> = [];
      let end = 0;
      let align = 1;
      for (const m of decl.members) {
        const a = this.align(m.type);
        const size = this.size(m.type);
        const offset = (end + a - 1) & ~(a - 1);
        if (offset > end) padding.push([end, offset]);
        fields.push({ name: m.name, key: memberKey(m.name), type: m.type, offset, size });
        end = offset + size;
        align = Math.max(align, a);
      }
      const size = fields.length === 0 ? 1 : (end + align - 1) & ~(align - 1);
      if (fields.length > 0 && size > end) padding.push([end, size]);
      const layout: StructLayout = { decl, size, align, fields, padding };
      this.structLayouts.set(fqn, layout);
      return layout;
    } finally {
      this.inProgress.delete(fqn);
    }
  }

  /** Table or union members that carry a type, sorted by ordinal. */
  envelopeMembers(decl: IrTable | IrUnion): EnvelopeMember[] {
    const out: EnvelopeMember[] = [];
    for (const m of decl.members) {
      if (m.reserved || m.name === undefined || m.type === undefined) continue;
      out.push({ ordinal: m.ordinal, name: m.name, key: memberKey(m.name), type: m.type });
    }
    return out.sort((a, b) => a.ordinal - b.ordinal);
  }

  /** A short, readable name for a type in paths and messages. */
  describe(type: IrType): string {
    switch (type.kind) {
      case 'primitive':
        return type.subtype;
      case 'string':
        return type.maxLength === null ? 'string' : `string:${type.maxLength}`;
      case 'vector':
        return `vector<${this.describe(type.elementType)}>`;
      case 'array':
        return `array<${this.describe(type.elementType)}, ${type.elementCount}>`;
      case 'handle':
        return `zx.Handle:${type.subtype}`;
      case 'endpoint':
        return `${type.role}_end:${type.protocol}`;
      case 'identifier':
        return shortName(type.identifier);
      case 'internal':
        return type.subtype;
    }
  }
}

export function shortName(fqn: string): string {
  const slash = fqn.lastIndexOf('/');
  return slash < 0 ? fqn : fqn.slice(slash + 1);
}

/** Placeholder shape for IrTypes the codec makes up itself; the codec never reads shapes. */
const SHAPE_UNUSED = {
  inlineSize: 0,
  alignment: 0,
  depth: 0,
  maxHandles: 0,
  maxOutOfLine: 0,
  hasPadding: false,
  hasFlexibleEnvelope: false,
} as const;
