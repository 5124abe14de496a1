/**
 * The flat model: libraries and their declarations after registration, with
 * resolved types filled in as compilation proceeds. Anonymous layouts and
 * compiler-generated result unions are declarations like any other.
 */
import type {
  IntegerSubtype,
  IrConstant,
  PrimitiveSubtype,
  Transport,
  TypeShape,
} from '../ir/types.js';
import type {
  RawAttribute,
  RawConstDecl,
  RawAliasDecl,
  RawFile,
  RawLayout,
  RawMethod,
  RawProtocolDecl,
  RawResourceDecl,
  RawServiceDecl,
  RawTypeCtor,
  RawUsing,
  RawConstant,
} from './ast.js';
import type { Span } from './diagnostics.js';

export interface ImportEntry {
  library: Library;
  using: RawUsing;
  used: boolean;
}

export interface Library {
  name: string;
  files: RawFile[];
  /** Library attributes gathered from every file. */
  attributes: RawAttribute[];
  decls: Map<string, Decl>;
  /** Registration order: source order, anonymous layouts right after their parent member. */
  declOrder: Decl[];
  /** Libraries named by `using` in any file. */
  dependencies: Set<Library>;
  /** Per file: import key (full name or alias) -> import. */
  imports: Map<RawFile, Map<string, ImportEntry>>;
  /** True for the zx library the compiler added on its own. */
  builtinZx: boolean;
}

export type ConstValue =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string };

export interface ResolvedConstant {
  value: ConstValue;
  ir: IrConstant;
}

/** A resolved type. 'error' marks a type that failed to resolve (already reported). */
export type FlatType =
  | { kind: 'primitive'; subtype: PrimitiveSubtype }
  | { kind: 'string'; maxLength: number | null; nullable: boolean }
  | { kind: 'vector'; element: FlatType; maxCount: number | null; nullable: boolean }
  | { kind: 'array'; element: FlatType; count: number }
  | {
      kind: 'handle';
      resource: ResourceDecl;
      objType: number;
      subtype: string;
      rights: number;
      nullable: boolean;
    }
  | { kind: 'endpoint'; role: 'client' | 'server'; protocol: ProtocolDecl; nullable: boolean }
  | { kind: 'identifier'; decl: LayoutDecl; nullable: boolean }
  | { kind: 'internal'; subtype: 'framework_error' }
  | { kind: 'error' };

/** Where an anonymous layout's name came from; empty for named declarations. */
export interface NamingContext {
  path: string[];
}

interface DeclCommon {
  name: string;
  library: Library;
  file: RawFile;
  /** The span of the name, or of the inline layout for anonymous ones. */
  span: Span;
  attributes: RawAttribute[];
  /** Set for anonymous layouts and generated declarations. */
  naming?: NamingContext;
  state: 'new' | 'compiling' | 'done';
}

export interface ConstDecl extends DeclCommon {
  kind: 'const';
  raw: RawConstDecl;
  type?: FlatType;
  value?: ResolvedConstant;
}

export interface AliasDecl extends DeclCommon {
  kind: 'alias';
  raw: RawAliasDecl;
  type?: FlatType;
}

export interface StructMember {
  name: string;
  span: Span;
  attributes: RawAttribute[];
  ctor: RawTypeCtor;
  type: FlatType;
  defaultRaw: RawConstant | null;
  defaultValue?: ResolvedConstant;
}

export interface StructDecl extends DeclCommon {
  kind: 'struct';
  /** null for the empty struct synthesized for `-> () error E`. */
  layout: RawLayout | null;
  resource: boolean;
  members: StructMember[];
}

export interface OrdinalMember {
  ordinal: number;
  ordinalSpan: Span;
  /** null for reserved members. */
  name: string | null;
  span: Span;
  attributes: RawAttribute[];
  ctor: RawTypeCtor | null;
  /** For members the compiler made up (result unions) instead of a ctor. */
  fixedType?: FlatType;
  type: FlatType | null;
}

export interface TableDecl extends DeclCommon {
  kind: 'table';
  layout: RawLayout;
  resource: boolean;
  members: OrdinalMember[];
}

export interface UnionDecl extends DeclCommon {
  kind: 'union';
  /** null for generated result unions. */
  layout: RawLayout | null;
  strict: boolean;
  resource: boolean;
  members: OrdinalMember[];
  isResult: boolean;
}

export interface ValueMember {
  name: string;
  span: Span;
  attributes: RawAttribute[];
  raw: RawConstant;
  value?: bigint;
}

export interface EnumDecl extends DeclCommon {
  kind: 'enum';
  layout: RawLayout;
  strict: boolean;
  subtype: IntegerSubtype;
  members: ValueMember[];
  unknownValue?: bigint;
}

export interface BitsDecl extends DeclCommon {
  kind: 'bits';
  layout: RawLayout;
  strict: boolean;
  subtype: IntegerSubtype;
  members: ValueMember[];
  mask: bigint;
}

export interface Method {
  name: string;
  span: Span;
  raw: RawMethod;
  attributes: RawAttribute[];
  strict: boolean;
  kind: 'one-way' | 'two-way' | 'event';
  /** Payload type constructors, with inline layouts registered. */
  requestCtor: RawTypeCtor | null;
  successCtor: RawTypeCtor | null;
  errorCtor: RawTypeCtor | null;
  /** The generated `P_M_Result` union, for error syntax and flexible two-way methods. */
  resultUnion: UnionDecl | null;
  /** Empty struct made for `-> () error E` or flexible `-> ()`. */
  emptySuccess: StructDecl | null;
  request?: FlatType;
  success?: FlatType;
  error?: FlatType;
  ordinal?: bigint;
  selector?: string;
  declaredIn: ProtocolDecl;
}

export interface ProtocolDecl extends DeclCommon {
  kind: 'protocol';
  raw: RawProtocolDecl;
  openness: 'open' | 'ajar' | 'closed';
  transport: Transport;
  methods: Method[];
  composed: ProtocolDecl[];
  /** Own methods, then composed ones (deduplicated), after compilation. */
  allMethods?: Method[];
}

export interface ServiceMember {
  name: string;
  span: Span;
  attributes: RawAttribute[];
  ctor: RawTypeCtor;
  type?: FlatType;
}

export interface ServiceDecl extends DeclCommon {
  kind: 'service';
  raw: RawServiceDecl;
  members: ServiceMember[];
}

export interface ResourceDecl extends DeclCommon {
  kind: 'resource';
  raw: RawResourceDecl;
  subtypeEnum?: EnumDecl;
  rightsBits?: BitsDecl;
}

export type LayoutDecl = StructDecl | TableDecl | UnionDecl | EnumDecl | BitsDecl;

export type Decl =
  | ConstDecl
  | AliasDecl
  | StructDecl
  | TableDecl
  | UnionDecl
  | EnumDecl
  | BitsDecl
  | ProtocolDecl
  | ServiceDecl
  | ResourceDecl;

export function fqn(decl: Decl): string {
  return `${decl.library.name}/${decl.name}`;
}

export function isLayoutDecl(decl: Decl): decl is LayoutDecl {
  return (
    decl.kind === 'struct' ||
    decl.kind === 'table' ||
    decl.kind === 'union' ||
    decl.kind === 'enum' ||
    decl.kind === 'bits'
  );
}

/** Shapes are attached after compilation; kept apart so the model stays plain data. */
export type ShapeTable = Map<LayoutDecl, TypeShape>;
