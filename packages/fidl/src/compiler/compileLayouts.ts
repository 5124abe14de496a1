/**
 * Compiles constants, aliases, resource definitions and layouts (struct,
 * table, union, enum, bits): resolves member types and values and checks the
 * per-declaration rules (member names and ordinals unique, enum values unique
 * and in range, bits members powers of two, strict layouts non-empty...).
 */
import type { IntegerSubtype } from '../ir/types.js';
import { checkAttributes, findAttribute } from './attributes.js';
import { describeType, INTEGER_RANGES, isIntegerSubtype } from './constants.js';
import type { Span } from './diagnostics.js';
import type { Env } from './env.js';
import type { Scope } from './lookup.js';
import type {
  AliasDecl,
  BitsDecl,
  ConstDecl,
  EnumDecl,
  FlatType,
  OrdinalMember,
  ResourceDecl,
  StructDecl,
  TableDecl,
  UnionDecl,
} from './model.js';
import { canonicalName } from './names.js';
import type { TypeResolver } from './resolveTypes.js';

export interface CompileCtx {
  env: Env;
  types: TypeResolver;
}

function scopeOf(decl: { library: Scope['library']; file: Scope['file'] }): Scope {
  return { library: decl.library, file: decl.file };
}

/** Reports members whose names collide in canonical (snake_case) form. */
export function checkUniqueNames(
  ctx: CompileCtx,
  members: readonly { name: string | null; span: Span }[],
  what: string,
): void {
  const seen = new Map<string, { name: string; span: Span }>();
  for (const m of members) {
    if (m.name === null) continue;
    const key = canonicalName(m.name);
    const prev = seen.get(key);
    if (prev) {
      ctx.env.sink.error(
        'FIDL-DUPLICATE-MEMBER-NAME',
        m.span,
        prev.name === m.name
          ? `${what} already has a member named '${m.name}' (line ${prev.span.line}); rename one of them`
          : `member '${m.name}' collides with '${prev.name}' (line ${prev.span.line}) once converted to snake_case; rename one of them`,
      );
      continue;
    }
    seen.set(key, { name: m.name, span: m.span });
  }
}

export function compileConst(decl: ConstDecl, ctx: CompileCtx): void {
  checkAttributes(decl.attributes, ctx.env.sink);
  const scope = scopeOf(decl);
  const type = ctx.types.resolve(decl.raw.type, scope);
  decl.type = type;
  if (type.kind === 'error') return;
  const ok =
    type.kind === 'primitive' ||
    (type.kind === 'string' && !type.nullable) ||
    (type.kind === 'identifier' &&
      !type.nullable &&
      (type.decl.kind === 'enum' || type.decl.kind === 'bits'));
  if (!ok) {
    ctx.env.sink.error(
      'FIDL-INVALID-CONST-TYPE',
      decl.raw.type.span,
      `constants may be bool, integers, floats, string, enums or bits, not ${describeType(type)}`,
    );
    return;
  }
  const value = ctx.types.constants.resolve(decl.raw.value, type, scope);
  if (value) decl.value = value;
}

export function compileAlias(decl: AliasDecl, ctx: CompileCtx): void {
  checkAttributes(decl.attributes, ctx.env.sink);
  decl.type = ctx.types.resolve(decl.raw.type, scopeOf(decl));
}

export function compileResource(decl: ResourceDecl, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(decl.attributes, sink);
  const scope = scopeOf(decl);
  const raw = decl.raw;
  if (raw.subtype) {
    const t = ctx.types.resolve(raw.subtype, scope);
    if (t.kind !== 'error' && !(t.kind === 'primitive' && t.subtype === 'uint32')) {
      sink.error(
        'FIDL-INVALID-RESOURCE-DEFINITION',
        raw.subtype.span,
        `a resource_definition is carried as uint32 on the wire; write 'resource_definition ${decl.name} : uint32'`,
      );
    }
  }
  for (const prop of raw.properties) {
    checkAttributes(prop.attributes, sink);
    const t = ctx.types.resolve(prop.type, scope);
    if (t.kind === 'error') continue;
    if (prop.name.name === 'subtype') {
      if (t.kind === 'identifier' && t.decl.kind === 'enum') decl.subtypeEnum = t.decl;
      else
        sink.error(
          'FIDL-INVALID-RESOURCE-DEFINITION',
          prop.type.span,
          `the 'subtype' property must be an enum of object types, not ${describeType(t)}`,
        );
    } else if (prop.name.name === 'rights') {
      if (t.kind === 'identifier' && t.decl.kind === 'bits') decl.rightsBits = t.decl;
      else
        sink.error(
          'FIDL-INVALID-RESOURCE-DEFINITION',
          prop.type.span,
          `the 'rights' property must be bits, not ${describeType(t)}`,
        );
    } else {
      sink.error(
        'FIDL-INVALID-RESOURCE-DEFINITION',
        prop.name.span,
        `unknown resource property '${prop.name.name}'; only 'subtype' and 'rights' exist`,
      );
    }
  }
  if (!raw.properties.some((p) => p.name.name === 'subtype')) {
    sink.error(
      'FIDL-INVALID-RESOURCE-DEFINITION',
      decl.span,
      `resource_definition '${decl.name}' needs a 'subtype' property naming its object-type enum`,
    );
  }
}

export function compileStruct(decl: StructDecl, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(decl.attributes, sink);
  const scope = scopeOf(decl);
  checkUniqueNames(ctx, decl.members, `struct '${decl.name}'`);
  for (const m of decl.members) {
    checkAttributes(m.attributes, sink);
    m.type = ctx.types.resolve(m.ctor, scope);
    if (!m.defaultRaw || m.type.kind === 'error') continue;
    const t = m.type;
    const defaultable =
      t.kind === 'primitive' ||
      (t.kind === 'string' && !t.nullable) ||
      (t.kind === 'identifier' && (t.decl.kind === 'enum' || t.decl.kind === 'bits'));
    if (!defaultable) {
      sink.error(
        'FIDL-INVALID-DEFAULT',
        m.defaultRaw.span,
        `member '${m.name}' of type ${describeType(t)} cannot have a default; defaults exist for primitives, strings, enums and bits`,
      );
      continue;
    }
    const v = ctx.types.constants.resolve(m.defaultRaw, t, scope);
    if (v) m.defaultValue = v;
  }
}

function compileOrdinalMembers(
  decl: TableDecl | UnionDecl,
  ctx: CompileCtx,
  maxOrdinal: number,
): void {
  const sink = ctx.env.sink;
  const scope = scopeOf(decl);
  const what = `${decl.kind} '${decl.name}'`;
  checkUniqueNames(ctx, decl.members, what);
  const byOrdinal = new Map<number, OrdinalMember>();
  for (const m of decl.members) {
    checkAttributes(m.attributes, sink);
    if (!Number.isInteger(m.ordinal) || m.ordinal < 1 || m.ordinal > maxOrdinal) {
      sink.error(
        'FIDL-ORDINAL-OUT-OF-BOUND',
        m.ordinalSpan,
        decl.kind === 'table'
          ? `table ordinals must be between 1 and 64, not ${Number.isNaN(m.ordinal) ? 'this' : m.ordinal}`
          : `union ordinals must be positive integers, not ${Number.isNaN(m.ordinal) ? 'this' : m.ordinal}`,
      );
    } else {
      const prev = byOrdinal.get(m.ordinal);
      if (prev) {
        sink.error(
          'FIDL-DUPLICATE-ORDINAL',
          m.ordinalSpan,
          `ordinal ${m.ordinal} is already used by ${prev.name === null ? 'a reserved member' : `'${prev.name}'`} (line ${prev.ordinalSpan.line}) in ${what}; pick an unused ordinal`,
        );
      } else {
        byOrdinal.set(m.ordinal, m);
      }
    }
    if (m.fixedType) {
      m.type = m.fixedType;
    } else if (m.ctor) {
      m.type = ctx.types.resolve(m.ctor, scope);
    }
    const t = m.type;
    if (t && m.ctor && 'nullable' in t && t.nullable) {
      sink.error(
        'FIDL-OPTIONAL-MEMBER',
        m.ctor.span,
        decl.kind === 'table'
          ? `table member '${m.name}' cannot be optional; table members may always be absent, so drop ':optional' or box<>`
          : `union member '${m.name}' cannot be optional; make the whole union optional where it is used instead`,
      );
    }
  }
  // Source order is irrelevant on the wire; the IR lists members by ordinal.
  decl.members.sort((a, b) => a.ordinal - b.ordinal);
}

export function compileTable(decl: TableDecl, ctx: CompileCtx): void {
  checkAttributes(decl.attributes, ctx.env.sink);
  compileOrdinalMembers(decl, ctx, 64);
}

export function compileUnion(decl: UnionDecl, ctx: CompileCtx): void {
  checkAttributes(decl.attributes, ctx.env.sink);
  compileOrdinalMembers(decl, ctx, Number.MAX_SAFE_INTEGER);
  if (decl.strict && !decl.members.some((m) => m.name !== null)) {
    ctx.env.sink.error(
      'FIDL-MUST-HAVE-MEMBERS',
      decl.span,
      `strict union '${decl.name}' needs at least one non-reserved member; add one or make it flexible`,
    );
  }
}

function resolveSubtype(decl: EnumDecl | BitsDecl, ctx: CompileCtx): IntegerSubtype | null {
  const raw = decl.layout.subtype;
  if (!raw) return 'uint32';
  const t: FlatType = ctx.types.resolve(raw, scopeOf(decl));
  if (t.kind === 'error') return null;
  const isUnsigned = t.kind === 'primitive' && t.subtype.startsWith('uint');
  if (
    t.kind !== 'primitive' ||
    !isIntegerSubtype(t.subtype) ||
    (decl.kind === 'bits' && !isUnsigned)
  ) {
    ctx.env.sink.error(
      decl.kind === 'bits' ? 'FIDL-BITS-TYPE-MUST-BE-UNSIGNED' : 'FIDL-ENUM-TYPE-MUST-BE-INTEGER',
      raw.span,
      decl.kind === 'bits'
        ? `bits must be based on an unsigned integer type (uint8..uint64), not ${describeType(t)}`
        : `an enum must be based on an integer type (int8..int64, uint8..uint64), not ${describeType(t)}`,
    );
    return null;
  }
  return t.subtype;
}

function compileValueMembers(
  decl: EnumDecl | BitsDecl,
  ctx: CompileCtx,
  subtype: IntegerSubtype,
): void {
  const sink = ctx.env.sink;
  const scope = scopeOf(decl);
  checkUniqueNames(ctx, decl.members, `${decl.kind} '${decl.name}'`);
  const byValue = new Map<bigint, string>();
  for (const m of decl.members) {
    checkAttributes(m.attributes, sink);
    const v = ctx.types.constants.resolve(m.raw, { kind: 'primitive', subtype }, scope);
    if (!v || v.value.kind !== 'int') continue;
    const value = v.value.value;
    m.value = value;
    if (decl.kind === 'bits' && (value <= 0n || (value & (value - 1n)) !== 0n)) {
      sink.error(
        'FIDL-BITS-MEMBER-NOT-POWER-OF-TWO',
        m.raw.span,
        `bits member '${m.name}' is ${value}, which is not a power of two; each bits member must be a single bit such as 0x1, 0x2, 0x4`,
      );
      continue;
    }
    const prev = byValue.get(value);
    if (prev !== undefined) {
      sink.error(
        'FIDL-DUPLICATE-MEMBER-VALUE',
        m.raw.span,
        `${decl.kind} member '${m.name}' has value ${value}, already used by '${prev}'; each member needs its own value`,
      );
      continue;
    }
    byValue.set(value, m.name);
  }
  if (decl.strict && decl.members.length === 0) {
    sink.error(
      'FIDL-MUST-HAVE-MEMBERS',
      decl.span,
      `strict ${decl.kind} '${decl.name}' needs at least one member; add one or make it flexible`,
    );
  }
}

export function compileEnum(decl: EnumDecl, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(decl.attributes, sink);
  const subtype = resolveSubtype(decl, ctx);
  if (!subtype) return;
  decl.subtype = subtype;
  compileValueMembers(decl, ctx, subtype);
  const unknown = decl.members.filter((m) => findAttribute(m.attributes, 'unknown'));
  if (unknown.length > 1) {
    sink.error(
      'FIDL-DUPLICATE-UNKNOWN',
      (unknown[1] as (typeof unknown)[number]).span,
      `only one member of enum '${decl.name}' may be marked @unknown`,
    );
  }
  if (decl.strict) return;
  const marked = unknown[0];
  if (marked?.value !== undefined) {
    decl.unknownValue = marked.value;
    return;
  }
  const max = (INTEGER_RANGES[subtype] as readonly [bigint, bigint])[1];
  decl.unknownValue = max;
  const clash = decl.members.find((m) => m.value === max);
  if (clash) {
    sink.error(
      'FIDL-FLEXIBLE-ENUM-MAX-VALUE',
      clash.raw.span,
      `member '${clash.name}' of flexible enum '${decl.name}' uses ${max}, the value reserved for unknown members; mark it @unknown or pick another value`,
    );
  }
}

export function compileBits(decl: BitsDecl, ctx: CompileCtx): void {
  checkAttributes(decl.attributes, ctx.env.sink);
  const subtype = resolveSubtype(decl, ctx);
  if (!subtype) return;
  decl.subtype = subtype;
  compileValueMembers(decl, ctx, subtype);
  decl.mask = decl.members.reduce((acc, m) => acc | (m.value ?? 0n), 0n);
}
