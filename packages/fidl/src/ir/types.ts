/**
 * The JSON IR that the FIDL compiler emits and every backend reads (the
 * TypeScript emitter, the wire-format codec, the transports, the CLI).
 *
 * Modeled on fidlc's JSON IR, in camelCase. Every declaration and every
 * reference uses a fully qualified name `library.name/Decl`. 64-bit values
 * (ordinals, uint64/int64 constants, enum and bits members) are decimal strings
 * so that the IR survives JSON.parse without losing precision.
 *
 * Value conventions shared by the codec and the generated TypeScript:
 * - bool -> boolean; int8..int32, uint8..uint32, float32, float64 -> number;
 *   int64, uint64 -> bigint (also for 64-bit enums and bits).
 * - string -> string; vector<uint8> and array<uint8, N> -> Uint8Array; other
 *   vectors and arrays -> JS arrays.
 * - struct -> object with every member, keys in lowerCamelCase of the FIDL
 *   member name (`offset_dev` -> `offsetDev`); empty struct -> {}.
 * - table -> object with only the present members (absent = key missing).
 * - union -> `{ $tag: 'memberName', memberName: value }`; an unknown variant of
 *   a flexible union decodes to `{ $tag: '$unknown', ordinal: bigint }`.
 * - optional (box<S>, string:optional, vector:optional, U:optional, optional
 *   handles and endpoints) -> null when absent.
 * - enums -> number or bigint; bits -> number or bigint.
 * - handles and endpoints -> `Handle` objects from @fdf/zx (runtime channels
 *   for driver-transport endpoints).
 */

export const IR_VERSION = 1;

export type PrimitiveSubtype =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64';

export type IntegerSubtype = Exclude<PrimitiveSubtype, 'bool' | 'float32' | 'float64'>;

export type Transport = 'Channel' | 'Driver' | 'Banjo' | 'Syscall';

/** Wire format V2 shape of a type (fidlc's type_shape_v2). */
export interface TypeShape {
  inlineSize: number;
  alignment: number;
  /** Out-of-line depth; 0xFFFFFFFF when unbounded (recursive types, unbounded vectors of OOL). */
  depth: number;
  /** Upper bound on handles; 0xFFFFFFFF when unbounded. */
  maxHandles: number;
  /** Upper bound on out-of-line bytes; 0xFFFFFFFF when unbounded. */
  maxOutOfLine: number;
  hasPadding: boolean;
  hasFlexibleEnvelope: boolean;
}

export interface IrLocation {
  file: string;
  line: number;
  column: number;
}

export interface IrAttributeArg {
  name: string; // "value" for the single positional argument
  value: string; // the literal as written, strings without quotes
}

export interface IrAttribute {
  name: string; // without '@'; `///` doc comments become name "doc"
  args: IrAttributeArg[];
  location: IrLocation;
}

export type IrType =
  | { kind: 'primitive'; subtype: PrimitiveSubtype; shape: TypeShape }
  | { kind: 'string'; maxLength: number | null; nullable: boolean; shape: TypeShape }
  | { kind: 'vector'; elementType: IrType; maxCount: number | null; nullable: boolean; shape: TypeShape }
  | { kind: 'array'; elementType: IrType; elementCount: number; shape: TypeShape }
  | {
      kind: 'handle';
      /** zx.ObjType value (0 = any handle). */
      objType: number;
      /** Subtype name as written or resolved: "VMO", "CHANNEL", "handle". */
      subtype: string;
      /** zx.Rights mask; 0x80000000 (SAME_RIGHTS) when not constrained. */
      rights: number;
      nullable: boolean;
      shape: TypeShape;
    }
  | {
      kind: 'endpoint';
      role: 'client' | 'server';
      protocol: string;
      transport: Transport;
      nullable: boolean;
      shape: TypeShape;
    }
  | {
      kind: 'identifier';
      identifier: string;
      declKind: 'struct' | 'table' | 'union' | 'enum' | 'bits';
      /** box<S>, U:optional. */
      nullable: boolean;
      shape: TypeShape;
    }
  | { kind: 'internal'; subtype: 'framework_error'; shape: TypeShape };

export interface IrConstant {
  kind: 'literal' | 'identifier' | 'binary_operator';
  /** Source text of the expression. */
  expression: string;
  /** Resolved value: decimal for integers and bits, JSON-ish for others ("true", "1.5", the string itself). */
  value: string;
}

interface IrDeclBase {
  /** Fully qualified name, `library.name/Decl`. */
  name: string;
  location: IrLocation;
  attributes: IrAttribute[];
  /** `@available` and other attributes are kept as data; `///` text is here too, joined by '\n'. */
  doc?: string;
}

export interface IrConst extends IrDeclBase {
  type: IrType;
  value: IrConstant;
}

export interface IrEnumMember {
  name: string;
  value: string; // decimal
  location: IrLocation;
  attributes: IrAttribute[];
  doc?: string;
}

export interface IrEnum extends IrDeclBase {
  subtype: IntegerSubtype;
  strict: boolean;
  members: IrEnumMember[];
  /** Value of the member marked @unknown, else the max value of the subtype (flexible only). */
  unknownValue?: string;
  /** Naming context of an anonymous (inline) layout, e.g. ["Outer", "member"]; absent when named. */
  namingContext?: string[];
}

export interface IrBits extends IrDeclBase {
  subtype: Exclude<IntegerSubtype, 'int8' | 'int16' | 'int32' | 'int64'>;
  strict: boolean;
  /** OR of all member values, decimal. */
  mask: string;
  members: IrEnumMember[];
  namingContext?: string[];
}

export interface IrStructMember {
  name: string;
  type: IrType;
  /** Byte offset within the struct and padding after the member, wire format V2. */
  offset: number;
  padding: number;
  defaultValue?: IrConstant;
  location: IrLocation;
  attributes: IrAttribute[];
  doc?: string;
}

export interface IrStruct extends IrDeclBase {
  resource: boolean;
  members: IrStructMember[];
  shape: TypeShape;
  namingContext?: string[];
}

export interface IrTableMember {
  ordinal: number;
  /** Absent for `N: reserved;`. */
  name?: string;
  type?: IrType;
  reserved: boolean;
  location: IrLocation;
  attributes: IrAttribute[];
  doc?: string;
}

export interface IrTable extends IrDeclBase {
  resource: boolean;
  /** Sorted by ordinal. */
  members: IrTableMember[];
  shape: TypeShape;
  namingContext?: string[];
}

export type IrUnionMember = IrTableMember;

export interface IrUnion extends IrDeclBase {
  resource: boolean;
  strict: boolean;
  /** Sorted by ordinal. */
  members: IrUnionMember[];
  shape: TypeShape;
  /** Set on the compiler-generated `P_M_Result` unions. */
  isResult: boolean;
  namingContext?: string[];
}

export interface IrAlias extends IrDeclBase {
  type: IrType;
}

export interface IrMethod {
  name: string;
  /** u64, decimal. */
  ordinal: string;
  /** What was hashed: `lib/Protocol.Method` or the @selector value expanded. */
  selector: string;
  strict: boolean;
  kind: 'one-way' | 'two-way' | 'event';
  /** The request payload type (events: the event payload); absent for `()`. */
  requestPayload?: IrType;
  /** What travels in the response body: the payload, or the result union when `hasError || !strict`. Absent for a strict `-> ()`. */
  responsePayload?: IrType;
  /** The success payload as written (before result wrapping); absent for `-> ()`. */
  successPayload?: IrType;
  /** The `error` type. */
  errorType?: IrType;
  hasError: boolean;
  /** FQN of the protocol that declared the method (differs when composed). */
  declaredIn: string;
  location: IrLocation;
  attributes: IrAttribute[];
  doc?: string;
}

export interface IrProtocol extends IrDeclBase {
  openness: 'open' | 'ajar' | 'closed';
  transport: Transport;
  /** Discoverable name when @discoverable, e.g. "fuchsia.hardware.block.Block". */
  discoverableName?: string;
  composed: string[];
  /** Own and composed methods, in declaration order (composed ones after own). */
  methods: IrMethod[];
}

export interface IrServiceMember {
  name: string;
  type: IrType; // always an endpoint
  location: IrLocation;
  attributes: IrAttribute[];
  doc?: string;
}

export interface IrService extends IrDeclBase {
  members: IrServiceMember[];
}

export type IrDeclKind =
  | 'const'
  | 'enum'
  | 'bits'
  | 'struct'
  | 'table'
  | 'union'
  | 'alias'
  | 'protocol'
  | 'service';

export interface IrLibrary {
  name: string;
  attributes: IrAttribute[];
  doc?: string;
  files: string[];
  /** Libraries named by `using`, by full name. */
  dependencies: string[];
  /** FQN -> kind, for every declaration of this library (anonymous layouts included). */
  declarations: Record<string, IrDeclKind>;
  consts: IrConst[];
  enums: IrEnum[];
  bits: IrBits[];
  structs: IrStruct[];
  tables: IrTable[];
  unions: IrUnion[];
  aliases: IrAlias[];
  protocols: IrProtocol[];
  services: IrService[];
}

/** One compilation: every library, dependencies first; the last one is the library that was asked for. */
export interface IrRoot {
  irVersion: typeof IR_VERSION;
  libraries: IrLibrary[];
}
