/**
 * The raw syntax tree: what the parser saw, before names are resolved. Every
 * node keeps its span so later passes can point at the exact source.
 */
import type { Span } from './diagnostics.js';
import type { Decl } from './model.js';

export interface Identifier {
  name: string;
  span: Span;
}

export interface CompoundIdentifier {
  parts: Identifier[];
  span: Span;
}

export function compoundText(id: CompoundIdentifier): string {
  return id.parts.map((p) => p.name).join('.');
}

export type RawLiteral =
  | { kind: 'string'; text: string; span: Span }
  | { kind: 'number'; text: string; span: Span }
  | { kind: 'bool'; text: 'true' | 'false'; span: Span };

export type RawConstant =
  | { kind: 'literal'; literal: RawLiteral; span: Span }
  | { kind: 'identifier'; name: CompoundIdentifier; span: Span }
  | { kind: 'binary'; op: '|'; left: RawConstant; right: RawConstant; span: Span };

export interface RawAttributeArg {
  /** null for the single positional argument. */
  name: Identifier | null;
  value: RawConstant;
  span: Span;
}

export interface RawAttribute {
  /** Without '@'; `///` comments arrive here as name 'doc'. */
  name: Identifier;
  args: RawAttributeArg[];
  span: Span;
  /** Set for attributes made from `///` comments: the joined comment text. */
  docText?: string;
}

/** `strict`, `flexible`, `resource`, `open`, `ajar`, `closed`, possibly with availability args. */
export interface RawModifier {
  name: Identifier;
  args: RawAttributeArg[];
}

export type LayoutKind = 'struct' | 'table' | 'union' | 'enum' | 'bits' | 'overlay';

export interface RawStructMember {
  kind: 'struct';
  attributes: RawAttribute[];
  name: Identifier;
  type: RawTypeCtor;
  defaultValue: RawConstant | null;
  span: Span;
}

export interface RawOrdinalMember {
  kind: 'ordinal';
  attributes: RawAttribute[];
  ordinal: { text: string; span: Span };
  /** null for `N: reserved;`. */
  name: Identifier | null;
  type: RawTypeCtor | null;
  span: Span;
}

export interface RawValueMember {
  kind: 'value';
  attributes: RawAttribute[];
  name: Identifier;
  value: RawConstant;
  span: Span;
}

export type RawLayoutMember = RawStructMember | RawOrdinalMember | RawValueMember;

export interface RawLayout {
  kind: LayoutKind;
  /** Attributes written right before the layout keyword (inline layouts). */
  attributes: RawAttribute[];
  modifiers: RawModifier[];
  /** `enum : uint8`. */
  subtype: RawTypeCtor | null;
  members: RawLayoutMember[];
  /** The layout keyword. */
  kindSpan: Span;
  span: Span;
}

export type RawLayoutParam =
  { kind: 'type'; ctor: RawTypeCtor } | { kind: 'literal'; constant: RawConstant };

export interface RawTypeCtor {
  layout: { kind: 'named'; name: CompoundIdentifier } | { kind: 'inline'; layout: RawLayout };
  /** `<...>` after the layout; null when absent. */
  params: RawLayoutParam[] | null;
  /** `:c` or `:<c1, c2>`; null when absent. */
  constraints: RawConstant[] | null;
  span: Span;
  /** Set while declarations are registered: the declaration an inline layout became. */
  inlineDecl?: Decl;
}

export interface RawConstDecl {
  kind: 'const';
  attributes: RawAttribute[];
  name: Identifier;
  type: RawTypeCtor;
  value: RawConstant;
  span: Span;
}

export interface RawAliasDecl {
  kind: 'alias';
  attributes: RawAttribute[];
  name: Identifier;
  type: RawTypeCtor;
  span: Span;
}

export interface RawTypeDecl {
  kind: 'type';
  attributes: RawAttribute[];
  name: Identifier;
  /** The right-hand side; a named type here is an (unsupported) new-type. */
  type: RawTypeCtor;
  span: Span;
}

export interface RawParamList {
  /** null for `()`. */
  type: RawTypeCtor | null;
  span: Span;
}

export interface RawMethod {
  attributes: RawAttribute[];
  modifiers: RawModifier[];
  name: Identifier;
  /** null for events (`-> OnFoo(...)`). */
  request: RawParamList | null;
  /** null for one-way methods. */
  response: RawParamList | null;
  error: RawTypeCtor | null;
  span: Span;
}

export interface RawCompose {
  attributes: RawAttribute[];
  name: CompoundIdentifier;
  span: Span;
}

export interface RawProtocolDecl {
  kind: 'protocol';
  attributes: RawAttribute[];
  modifiers: RawModifier[];
  name: Identifier;
  composes: RawCompose[];
  methods: RawMethod[];
  span: Span;
}

export interface RawServiceMember {
  attributes: RawAttribute[];
  name: Identifier;
  type: RawTypeCtor;
  span: Span;
}

export interface RawServiceDecl {
  kind: 'service';
  attributes: RawAttribute[];
  name: Identifier;
  members: RawServiceMember[];
  span: Span;
}

export interface RawResourceProperty {
  attributes: RawAttribute[];
  name: Identifier;
  type: RawTypeCtor;
  span: Span;
}

export interface RawResourceDecl {
  kind: 'resource_definition';
  attributes: RawAttribute[];
  name: Identifier;
  subtype: RawTypeCtor | null;
  properties: RawResourceProperty[];
  span: Span;
}

export type RawDecl =
  RawConstDecl | RawAliasDecl | RawTypeDecl | RawProtocolDecl | RawServiceDecl | RawResourceDecl;

export interface RawUsing {
  attributes: RawAttribute[];
  library: CompoundIdentifier;
  alias: Identifier | null;
  span: Span;
}

export interface RawFile {
  path: string;
  attributes: RawAttribute[];
  library: CompoundIdentifier | null;
  usings: RawUsing[];
  decls: RawDecl[];
}
