/**
 * Hand-written IR for codec tests: small constructors for IrType and
 * declarations. Shapes, locations and offsets are placeholders because the
 * codec computes layout itself.
 */
import type {
  IrBits,
  IrEnum,
  IrLibrary,
  IrRoot,
  IrStruct,
  IrTable,
  IrType,
  IrUnion,
  IntegerSubtype,
  PrimitiveSubtype,
  TypeShape,
} from '../../src/ir/types.js';

export const LIB = 'test.wire';

const shape: TypeShape = {
  inlineSize: 0,
  alignment: 0,
  depth: 0,
  maxHandles: 0,
  maxOutOfLine: 0,
  hasPadding: false,
  hasFlexibleEnvelope: false,
};
const location = { file: 'test.fidl', line: 1, column: 1 };

export const t = {
  prim: (subtype: PrimitiveSubtype): IrType => ({ kind: 'primitive', subtype, shape }),
  string: (maxLength: number | null = null, nullable = false): IrType => ({
    kind: 'string',
    maxLength,
    nullable,
    shape,
  }),
  vector: (elementType: IrType, maxCount: number | null = null, nullable = false): IrType => ({
    kind: 'vector',
    elementType,
    maxCount,
    nullable,
    shape,
  }),
  array: (elementType: IrType, elementCount: number): IrType => ({
    kind: 'array',
    elementType,
    elementCount,
    shape,
  }),
  handle: (objType = 0, rights = 0x80000000, nullable = false, subtype = 'handle'): IrType => ({
    kind: 'handle',
    objType,
    subtype,
    rights,
    nullable,
    shape,
  }),
  endpoint: (role: 'client' | 'server', protocol: string, nullable = false): IrType => ({
    kind: 'endpoint',
    role,
    protocol,
    transport: 'Channel',
    nullable,
    shape,
  }),
  ref: (
    name: string,
    declKind: 'struct' | 'table' | 'union' | 'enum' | 'bits',
    nullable = false,
  ): IrType => ({
    kind: 'identifier',
    identifier: name.includes('/') ? name : `${LIB}/${name}`,
    declKind,
    nullable,
    shape,
  }),
};

const base = (name: string) => ({
  name: name.includes('/') ? name : `${LIB}/${name}`,
  location,
  attributes: [],
});

export function struct(name: string, members: Array<[string, IrType]>, resource = false): IrStruct {
  return {
    ...base(name),
    resource,
    shape,
    members: members.map(([n, type]) => ({
      name: n,
      type,
      offset: 0,
      padding: 0,
      location,
      attributes: [],
    })),
  };
}

type EnvelopeSpec = Array<[number, string, IrType] | [number, 'reserved']>;

function envelopeMembers(members: EnvelopeSpec) {
  return members.map((m) =>
    m[1] === 'reserved'
      ? { ordinal: m[0], reserved: true, location, attributes: [] }
      : { ordinal: m[0], name: m[1], type: m[2]!, reserved: false, location, attributes: [] },
  );
}

export function table(name: string, members: EnvelopeSpec, resource = false): IrTable {
  return { ...base(name), resource, shape, members: envelopeMembers(members) };
}

export function union(
  name: string,
  members: EnvelopeSpec,
  opts: { strict?: boolean; resource?: boolean } = {},
): IrUnion {
  return {
    ...base(name),
    resource: opts.resource ?? false,
    strict: opts.strict ?? false,
    isResult: false,
    shape,
    members: envelopeMembers(members),
  };
}

export function enumDecl(
  name: string,
  subtype: IntegerSubtype,
  members: Array<[string, number | bigint]>,
  strict = true,
): IrEnum {
  return {
    ...base(name),
    subtype,
    strict,
    members: members.map(([n, v]) => ({ name: n, value: String(v), location, attributes: [] })),
  };
}

export function bitsDecl(
  name: string,
  subtype: IrBits['subtype'],
  members: Array<[string, number | bigint]>,
  strict = true,
): IrBits {
  const mask = members.reduce((acc, [, v]) => acc | BigInt(v), 0n);
  return {
    ...base(name),
    subtype,
    strict,
    mask: String(mask),
    members: members.map(([n, v]) => ({ name: n, value: String(v), location, attributes: [] })),
  };
}

export function library(decls: {
  structs?: IrStruct[];
  tables?: IrTable[];
  unions?: IrUnion[];
  enums?: IrEnum[];
  bits?: IrBits[];
}): IrRoot {
  const lib: IrLibrary = {
    name: LIB,
    attributes: [],
    files: ['test.fidl'],
    dependencies: [],
    declarations: {},
    consts: [],
    enums: decls.enums ?? [],
    bits: decls.bits ?? [],
    structs: decls.structs ?? [],
    tables: decls.tables ?? [],
    unions: decls.unions ?? [],
    aliases: [],
    protocols: [],
    services: [],
  };
  return { irVersion: 1, libraries: [lib] };
}
