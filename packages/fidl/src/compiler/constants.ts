/**
 * Constant expressions: literals, references to constants and to enum or
 * bits members, and bits ORed with `|`. Every value is checked against the
 * type it is used as (a uint8 constant must fit in 0..255, an enum-typed
 * constant must name a member of that enum).
 */
import type { IntegerSubtype, IrConstant, PrimitiveSubtype } from '../ir/types.js';
import { compoundText, type RawConstant } from './ast.js';
import type { Env } from './env.js';
import { decodeStringLiteral } from './lexer.js';
import { lookup, type Scope } from './lookup.js';
import type { BitsDecl, ConstValue, EnumDecl, FlatType, ResolvedConstant } from './model.js';
import { closestName } from './names.js';

export const INTEGER_RANGES: Record<IntegerSubtype, readonly [bigint, bigint]> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

export const MAX_UINT32 = 0xffffffff;

export function isIntegerSubtype(s: PrimitiveSubtype): s is IntegerSubtype {
  return s in INTEGER_RANGES;
}

export interface ConstantOptions {
  /** Accept the builtin `MAX` (vector and string bounds). */
  allowMax?: boolean;
}

/** The source text of a constant expression, as the IR records it. */
export function constantText(c: RawConstant): string {
  switch (c.kind) {
    case 'literal':
      return c.literal.text;
    case 'identifier':
      return compoundText(c.name);
    case 'binary':
      return `${constantText(c.left)} | ${constantText(c.right)}`;
  }
}

export function valueText(v: ConstValue): string {
  switch (v.kind) {
    case 'int':
      return v.value.toString();
    case 'float':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'string':
      return v.value;
  }
}

export function describeType(t: FlatType): string {
  switch (t.kind) {
    case 'primitive':
      return t.subtype;
    case 'string':
      return t.maxLength === null ? 'string' : `string:${t.maxLength}`;
    case 'identifier':
      return `${t.decl.library.name}/${t.decl.name}`;
    case 'vector':
      return `vector<${describeType(t.element)}>`;
    case 'array':
      return `array<${describeType(t.element)}, ${t.count}>`;
    case 'handle':
      return `${t.resource.library.name}.${t.resource.name}`;
    case 'endpoint':
      return `${t.role}_end:${t.protocol.name}`;
    case 'internal':
      return 'fidl.FrameworkErr';
    case 'error':
      return '<error>';
  }
}

/** Parses an integer literal (decimal, 0x, 0b, 0-prefixed octal); null when it is not one. */
export function parseIntegerLiteral(text: string): bigint | null {
  const t = text.replace(/_/g, '');
  if (/^-?[1-9][0-9]*$/.test(t) || t === '0' || t === '-0') return BigInt(t);
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  if (/^0[bB][01]+$/.test(t)) return BigInt(t);
  if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
  return null;
}

function isFloatLiteral(text: string): boolean {
  return !/^-?0[xXbB]/.test(text) && /[.eE]/.test(text);
}

/** `expected` members of an enum or bits type that a bare name may refer to. */
function contextualOwner(expected: FlatType): EnumDecl | BitsDecl | undefined {
  return expected.kind === 'identifier' &&
    (expected.decl.kind === 'enum' || expected.decl.kind === 'bits')
    ? expected.decl
    : undefined;
}

/** "did you mean X?" when a member is close, else the list of members (when short). */
function memberHint(decl: EnumDecl | BitsDecl, name: string): string {
  const names = decl.members.map((m) => m.name);
  const close = closestName(name, names);
  if (close) return `did you mean '${close}'?`;
  if (names.length === 0) return 'it has no members';
  return names.length <= 8
    ? `its members are ${names.join(', ')}`
    : `it has ${names.length} members, e.g. ${names.slice(0, 5).join(', ')}`;
}

export class ConstantResolver {
  constructor(readonly env: Env) {}

  /** Resolves `c` as a value of type `expected`; reports and returns null on failure. */
  resolve(
    c: RawConstant,
    expected: FlatType,
    scope: Scope,
    opts: ConstantOptions = {},
  ): ResolvedConstant | null {
    const value = this.evaluate(c, expected, scope, opts);
    if (!value) return null;
    const kind =
      c.kind === 'literal' ? 'literal' : c.kind === 'identifier' ? 'identifier' : 'binary_operator';
    const ir: IrConstant = { kind, expression: constantText(c), value: valueText(value) };
    return { value, ir };
  }

  evaluate(
    c: RawConstant,
    expected: FlatType,
    scope: Scope,
    opts: ConstantOptions,
  ): ConstValue | null {
    switch (c.kind) {
      case 'literal':
        return this.literal(c, expected);
      case 'identifier':
        return this.identifier(c, expected, scope, opts);
      case 'binary': {
        const owner = contextualOwner(expected);
        const isInt = expected.kind === 'primitive' && isIntegerSubtype(expected.subtype);
        if (!(isInt || owner?.kind === 'bits')) {
          this.env.sink.error(
            'FIDL-TYPE-MISMATCH',
            c.span,
            `'|' combines bits members or integers, but this value must be ${describeType(expected)}`,
          );
          return null;
        }
        const l = this.evaluate(c.left, expected, scope, opts);
        const r = this.evaluate(c.right, expected, scope, opts);
        if (!l || !r || l.kind !== 'int' || r.kind !== 'int') return null;
        return { kind: 'int', value: l.value | r.value };
      }
    }
  }

  /** Checks that an integer fits `expected` (a primitive or the subtype of an enum/bits). */
  fitInteger(value: bigint, expected: FlatType, span: RawConstant['span']): ConstValue | null {
    let subtype: IntegerSubtype | undefined;
    if (expected.kind === 'primitive' && isIntegerSubtype(expected.subtype))
      subtype = expected.subtype;
    if (
      expected.kind === 'primitive' &&
      (expected.subtype === 'float32' || expected.subtype === 'float64')
    ) {
      return { kind: 'float', value: Number(value) };
    }
    if (!subtype) return null;
    const [lo, hi] = INTEGER_RANGES[subtype];
    if (value < lo || value > hi) {
      this.env.sink.error(
        'FIDL-CONSTANT-OVERFLOW',
        span,
        `${value} does not fit in ${subtype} (range ${lo} to ${hi}); use a value in range or a wider type`,
      );
      return null;
    }
    return { kind: 'int', value };
  }

  literal(c: Extract<RawConstant, { kind: 'literal' }>, expected: FlatType): ConstValue | null {
    const lit = c.literal;
    const sink = this.env.sink;
    const mismatch = (what: string): null => {
      sink.error(
        'FIDL-TYPE-MISMATCH',
        c.span,
        `${what} ${lit.text} cannot be used as ${describeType(expected)}${
          contextualOwner(expected) ? `; name one of its members instead` : ''
        }`,
      );
      return null;
    };
    if (expected.kind === 'error') return null;
    switch (lit.kind) {
      case 'bool':
        if (expected.kind === 'primitive' && expected.subtype === 'bool') {
          return { kind: 'bool', value: lit.text === 'true' };
        }
        return mismatch('boolean');
      case 'string': {
        if (expected.kind !== 'string') return mismatch('string');
        const s = decodeStringLiteral(lit.text, lit.span, sink);
        if (s === null) return null;
        const bytes = Buffer.byteLength(s, 'utf8');
        if (expected.maxLength !== null && bytes > expected.maxLength) {
          sink.error(
            'FIDL-CONSTANT-OVERFLOW',
            c.span,
            `string of ${bytes} bytes does not fit in string:${expected.maxLength}; shorten it or raise the bound`,
          );
          return null;
        }
        return { kind: 'string', value: s };
      }
      case 'number': {
        if (expected.kind !== 'primitive' || expected.subtype === 'bool') return mismatch('number');
        if (isFloatLiteral(lit.text)) {
          if (expected.subtype !== 'float32' && expected.subtype !== 'float64') {
            return mismatch('floating-point number');
          }
          const v = Number(lit.text);
          if (expected.subtype === 'float32' && Math.abs(v) > 3.4028234663852886e38) {
            sink.error(
              'FIDL-CONSTANT-OVERFLOW',
              c.span,
              `${lit.text} does not fit in float32; use float64`,
            );
            return null;
          }
          return { kind: 'float', value: v };
        }
        const v = parseIntegerLiteral(lit.text);
        if (v === null) {
          sink.error(
            'FIDL-INVALID-NUMBER',
            c.span,
            `'${lit.text}' is not a valid integer; only decimal literals may be negative`,
          );
          return null;
        }
        return this.fitInteger(v, expected, c.span);
      }
    }
  }

  identifier(
    c: Extract<RawConstant, { kind: 'identifier' }>,
    expected: FlatType,
    scope: Scope,
    opts: ConstantOptions,
  ): ConstValue | null {
    const sink = this.env.sink;
    const text = compoundText(c.name);
    const owner = contextualOwner(expected);
    let found = lookup(c.name, scope, this.env, false);
    // A bare member name resolves against the expected enum or bits type
    // (`zx.Handle:VMO`), but only when nothing else by that name is in scope.
    if ((!found || found.kind === 'builtin') && owner && c.name.parts.length === 1) {
      if (owner.members.some((m) => m.name === text))
        found = { kind: 'member', decl: owner, member: text };
    }
    if (!found) {
      if (owner && c.name.parts.length === 1) {
        // Most likely a misspelt contextual member such as a handle subtype.
        sink.error(
          'FIDL-UNDEFINED-NAME',
          c.span,
          `'${text}' is neither a declaration of library '${scope.library.name}' nor a member of ${owner.kind} '${owner.name}'; ${memberHint(owner, text)}`,
        );
        return null;
      }
      lookup(c.name, scope, this.env, true);
      return null;
    }
    if (expected.kind === 'error') return null;
    switch (found.kind) {
      case 'builtin':
        if (found.name === 'MAX' && opts.allowMax)
          return { kind: 'int', value: BigInt(0xffffffff) };
        sink.error(
          'FIDL-TYPE-MISMATCH',
          c.span,
          found.name === 'MAX'
            ? `'MAX' is only meaningful as a vector or string bound`
            : `'${text}' is a type, not a constant value`,
        );
        return null;
      case 'member': {
        const decl = found.decl;
        this.env.ensureCompiled(decl);
        const member = decl.members.find((m) => m.name === found.member);
        if (!member) {
          sink.error(
            'FIDL-UNDEFINED-NAME',
            c.span,
            `${decl.kind} '${decl.name}' has no member '${found.member}'; ${memberHint(decl, found.member)}`,
          );
          return null;
        }
        if (member.value === undefined) {
          if (decl.state === 'compiling') {
            sink.error(
              'FIDL-CONSTANT-CYCLE',
              c.span,
              `'${text}' refers back to a member that is still being defined; members cannot depend on each other in a cycle`,
            );
          }
          return null;
        }
        const sameDecl = expected.kind === 'identifier' && expected.decl === decl;
        // Enum and bits members of the enum's own subtype are accepted where
        // that primitive is expected (member values defined from other members).
        if (!sameDecl) {
          sink.error(
            'FIDL-TYPE-MISMATCH',
            c.span,
            `'${text}' is a member of ${decl.kind} '${decl.name}', but a value of type ${describeType(expected)} is needed here`,
          );
          return null;
        }
        return { kind: 'int', value: member.value };
      }
      case 'decl': {
        const decl = found.decl;
        if (decl.kind !== 'const') {
          sink.error(
            'FIDL-TYPE-MISMATCH',
            c.span,
            `'${text}' is a ${decl.kind === 'resource' ? 'resource_definition' : decl.kind}, not a constant`,
          );
          return null;
        }
        if (decl.state === 'compiling') {
          sink.error(
            'FIDL-CONSTANT-CYCLE',
            c.span,
            `constant '${decl.name}' is defined in terms of itself; break the cycle`,
          );
          return null;
        }
        this.env.ensureCompiled(decl);
        if (!decl.value || !decl.type) return null;
        return this.convert(decl.value.value, decl.type, expected, c, text);
      }
    }
  }

  /** Uses a constant of type `from` where `to` is expected. */
  convert(
    value: ConstValue,
    from: FlatType,
    to: FlatType,
    c: RawConstant,
    text: string,
  ): ConstValue | null {
    const mismatch = (): null => {
      this.env.sink.error(
        'FIDL-TYPE-MISMATCH',
        c.span,
        `constant '${text}' has type ${describeType(from)}, which cannot be used as ${describeType(to)}`,
      );
      return null;
    };
    if (to.kind === 'identifier') {
      return from.kind === 'identifier' && from.decl === to.decl ? value : mismatch();
    }
    if (from.kind === 'identifier') return mismatch();
    if (to.kind === 'string') {
      if (value.kind !== 'string') return mismatch();
      const bytes = Buffer.byteLength(value.value, 'utf8');
      if (to.maxLength !== null && bytes > to.maxLength) {
        this.env.sink.error(
          'FIDL-CONSTANT-OVERFLOW',
          c.span,
          `constant '${text}' is ${bytes} bytes long, more than string:${to.maxLength} allows`,
        );
        return null;
      }
      return value;
    }
    if (to.kind !== 'primitive') return mismatch();
    if (value.kind === 'bool') return to.subtype === 'bool' ? value : mismatch();
    if (value.kind === 'int')
      return to.subtype === 'bool'
        ? mismatch()
        : (this.fitInteger(value.value, to, c.span) ?? null);
    if (value.kind === 'float')
      return to.subtype === 'float32' || to.subtype === 'float64' ? value : mismatch();
    return mismatch();
  }
}
