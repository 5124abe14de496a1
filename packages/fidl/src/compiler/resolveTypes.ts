/**
 * Type constructors to resolved types: builtins (vector, array, box,
 * client_end...), declarations, aliases (whose constraints may be extended,
 * never overridden), and constraints (`:N`, `:optional`, handle subtype and
 * rights). Optionality is checked here, where the constraint is written.
 */
import type { IntegerSubtype } from '../ir/types.js';
import { compoundText, type RawConstant, type RawLayoutParam, type RawTypeCtor } from './ast.js';
import { ConstantResolver, describeType, MAX_UINT32 } from './constants.js';
import type { Span } from './diagnostics.js';
import type { Env } from './env.js';
import { lookup, PRIMITIVES, type Scope } from './lookup.js';
import type { FlatType, ProtocolDecl, ResourceDecl } from './model.js';

const ERROR: FlatType = { kind: 'error' };
const UINT32: FlatType = { kind: 'primitive', subtype: 'uint32' };
/** zx.Rights SAME_RIGHTS: what an unconstrained handle carries. */
export const SAME_RIGHTS = 0x80000000;

export class TypeResolver {
  readonly constants: ConstantResolver;

  constructor(readonly env: Env) {
    this.constants = new ConstantResolver(env);
  }

  resolve(ctor: RawTypeCtor, scope: Scope): FlatType {
    const base = this.resolveBase(ctor, scope);
    if (base.kind === 'error') return base;
    return this.applyConstraints(base, ctor, scope);
  }

  noParams(ctor: RawTypeCtor, what: string): boolean {
    if (ctor.params === null) return true;
    this.env.sink.error(
      'FIDL-UNEXPECTED-LAYOUT-PARAMS',
      ctor.span,
      `${what} takes no layout parameters; remove the '<...>'`,
    );
    return false;
  }

  typeParam(ctor: RawTypeCtor, p: RawLayoutParam | undefined, what: string): RawTypeCtor | null {
    if (p?.kind === 'type') return p.ctor;
    this.env.sink.error(
      'FIDL-WRONG-LAYOUT-PARAMS',
      p?.constant.span ?? ctor.span,
      `${what} needs a type as its first layout parameter`,
    );
    return null;
  }

  resolveBase(ctor: RawTypeCtor, scope: Scope): FlatType {
    const sink = this.env.sink;
    if (ctor.layout.kind === 'inline') {
      if (!ctor.inlineDecl) {
        // Anonymous layouts get a name only where a naming context exists.
        if (ctor.layout.layout.kind !== 'overlay') {
          sink.error(
            'FIDL-INLINE-LAYOUT-NOT-ALLOWED',
            ctor.layout.layout.kindSpan,
            'an anonymous layout cannot be used here; declare it with `type Name = ...;` and refer to it by name',
          );
        }
        return ERROR;
      }
      if (!this.noParams(ctor, 'a layout')) return ERROR;
      const decl = ctor.inlineDecl;
      if (
        decl.kind === 'struct' ||
        decl.kind === 'table' ||
        decl.kind === 'union' ||
        decl.kind === 'enum' ||
        decl.kind === 'bits'
      ) {
        return { kind: 'identifier', decl, nullable: false };
      }
      return ERROR;
    }

    const name = ctor.layout.name;
    const text = compoundText(name);
    const found = lookup(name, scope, this.env);
    if (!found) return ERROR;
    if (found.kind === 'member') {
      sink.error(
        'FIDL-NOT-A-TYPE',
        name.span,
        `'${text}' is a member of ${found.decl.kind} '${found.decl.name}', not a type; use '${found.decl.name}' as the type`,
      );
      return ERROR;
    }
    if (found.kind === 'builtin') return this.resolveBuiltin(found.name, ctor, scope);

    const decl = found.decl;
    switch (decl.kind) {
      case 'struct':
      case 'table':
      case 'union':
      case 'enum':
      case 'bits':
        if (!this.noParams(ctor, `'${text}'`)) return ERROR;
        return { kind: 'identifier', decl, nullable: false };
      case 'alias': {
        if (!this.noParams(ctor, `alias '${text}'`)) return ERROR;
        if (decl.state === 'compiling') {
          sink.error(
            'FIDL-ALIAS-CYCLE',
            name.span,
            `alias '${decl.name}' refers to itself through '${text}'; an alias must name a real type`,
          );
          return ERROR;
        }
        this.env.ensureCompiled(decl);
        return decl.type ?? ERROR;
      }
      case 'resource':
        if (!this.noParams(ctor, `'${text}'`)) return ERROR;
        this.env.ensureCompiled(decl);
        return {
          kind: 'handle',
          resource: decl,
          objType: 0,
          subtype: 'handle',
          rights: SAME_RIGHTS,
          nullable: false,
        };
      case 'protocol':
        sink.error(
          'FIDL-NOT-A-TYPE',
          name.span,
          `protocol '${text}' is not a type; send an endpoint with 'client_end:${text}' or 'server_end:${text}'`,
        );
        return ERROR;
      case 'const':
      case 'service':
        sink.error('FIDL-NOT-A-TYPE', name.span, `'${text}' is a ${decl.kind}, not a type`);
        return ERROR;
    }
  }

  resolveBuiltin(builtin: string, ctor: RawTypeCtor, scope: Scope): FlatType {
    const sink = this.env.sink;
    if (PRIMITIVES.has(builtin) || builtin === 'byte') {
      if (!this.noParams(ctor, builtin)) return ERROR;
      return {
        kind: 'primitive',
        subtype: builtin === 'byte' ? 'uint8' : (builtin as IntegerSubtype),
      };
    }
    const params = ctor.params ?? [];
    switch (builtin) {
      case 'string':
        if (!this.noParams(ctor, 'string')) return ERROR;
        return { kind: 'string', maxLength: null, nullable: false };
      case 'vector': {
        if (params.length !== 1) {
          sink.error(
            'FIDL-WRONG-LAYOUT-PARAMS',
            ctor.span,
            'vector takes exactly one layout parameter: vector<T>',
          );
          return ERROR;
        }
        const elemCtor = this.typeParam(ctor, params[0], 'vector');
        if (!elemCtor) return ERROR;
        const element = this.resolve(elemCtor, scope);
        if (element.kind === 'error') return ERROR;
        return { kind: 'vector', element, maxCount: null, nullable: false };
      }
      case 'array': {
        if (params.length !== 2) {
          sink.error(
            'FIDL-WRONG-LAYOUT-PARAMS',
            ctor.span,
            'array takes exactly two layout parameters: array<T, N>',
          );
          return ERROR;
        }
        const elemCtor = this.typeParam(ctor, params[0], 'array');
        if (!elemCtor) return ERROR;
        const element = this.resolve(elemCtor, scope);
        const sizeConst = paramAsConstant(params[1] as RawLayoutParam);
        if (!sizeConst) {
          sink.error(
            'FIDL-WRONG-LAYOUT-PARAMS',
            ctor.span,
            'the second array parameter must be a size constant',
          );
          return ERROR;
        }
        const size = this.constants.resolve(sizeConst, UINT32, scope);
        if (element.kind === 'error' || !size || size.value.kind !== 'int') return ERROR;
        if (size.value.value === 0n) {
          sink.error(
            'FIDL-ZERO-SIZE',
            sizeConst.span,
            'an array must have at least one element; use a size of 1 or more',
          );
          return ERROR;
        }
        return { kind: 'array', element, count: Number(size.value.value) };
      }
      case 'box': {
        if (params.length !== 1) {
          sink.error(
            'FIDL-WRONG-LAYOUT-PARAMS',
            ctor.span,
            'box takes exactly one layout parameter: box<S>',
          );
          return ERROR;
        }
        const innerCtor = this.typeParam(ctor, params[0], 'box');
        if (!innerCtor) return ERROR;
        const inner = this.resolve(innerCtor, scope);
        if (inner.kind === 'error') return ERROR;
        if (inner.kind !== 'identifier' || inner.decl.kind !== 'struct' || inner.nullable) {
          sink.error(
            'FIDL-INVALID-BOX',
            innerCtor.span,
            `only structs can be boxed, not ${describeType(inner)}${
              inner.kind === 'identifier' && inner.decl.kind === 'union'
                ? `; write '${inner.decl.name}:optional' for an optional union`
                : ''
            }`,
          );
          return ERROR;
        }
        return { ...inner, nullable: true };
      }
      case 'client_end':
      case 'server_end': {
        if (!this.noParams(ctor, builtin)) return ERROR;
        const first = (ctor.constraints ?? []).find((c) => !this.isOptional(c, scope));
        if (!first) {
          sink.error(
            'FIDL-MISSING-CONSTRAINT',
            ctor.span,
            `${builtin} needs a protocol: write '${builtin}:MyProtocol'`,
          );
          return ERROR;
        }
        const protocol = this.protocolConstraint(first, scope);
        if (!protocol) return ERROR;
        return {
          kind: 'endpoint',
          role: builtin === 'client_end' ? 'client' : 'server',
          protocol,
          nullable: false,
        };
      }
      default:
        sink.error('FIDL-NOT-A-TYPE', ctor.span, `'${builtin}' is a constant, not a type`);
        return ERROR;
    }
  }

  protocolConstraint(c: RawConstant, scope: Scope): ProtocolDecl | null {
    if (c.kind !== 'identifier') {
      this.env.sink.error(
        'FIDL-INVALID-CONSTRAINT',
        c.span,
        'an endpoint constraint must name a protocol',
      );
      return null;
    }
    const found = lookup(c.name, scope, this.env);
    if (!found) return null;
    if (found.kind !== 'decl' || found.decl.kind !== 'protocol') {
      this.env.sink.error(
        'FIDL-INVALID-CONSTRAINT',
        c.span,
        `'${compoundText(c.name)}' is not a protocol; client_end and server_end take a protocol`,
      );
      return null;
    }
    return found.decl;
  }

  /** The builtin `optional` (unless the library declares something with that name). */
  isOptional(c: RawConstant, scope: Scope): boolean {
    return (
      c.kind === 'identifier' &&
      c.name.parts.length === 1 &&
      c.name.parts[0]?.name === 'optional' &&
      !scope.library.decls.has('optional')
    );
  }

  applyConstraints(base: FlatType, ctor: RawTypeCtor, scope: Scope): FlatType {
    const constraints = ctor.constraints;
    if (!constraints || constraints.length === 0) return base;
    const sink = this.env.sink;
    let t: FlatType = base;
    let slot = 0;
    // Endpoints already consumed their protocol constraint in resolveBuiltin,
    // unless the base came through an alias (then the protocol is fixed).
    const fromBuiltinEndpoint =
      base.kind === 'endpoint' &&
      ctor.layout.kind === 'named' &&
      ['client_end', 'server_end'].includes(compoundText(ctor.layout.name));
    let sawOptional = false;

    for (const c of constraints) {
      if (this.isOptional(c, scope)) {
        if (
          sawOptional ||
          ('nullable' in t && t.nullable && !(t.kind === 'identifier' && t.decl.kind === 'struct'))
        ) {
          sink.error(
            'FIDL-DUPLICATE-CONSTRAINT',
            c.span,
            'the type is already optional; remove the extra optional',
          );
          continue;
        }
        sawOptional = true;
        t = this.makeOptional(t, c.span);
        if (t.kind === 'error') return t;
        continue;
      }
      switch (t.kind) {
        case 'string':
        case 'vector': {
          if (slot > 0 || (t.kind === 'string' ? t.maxLength : t.maxCount) !== null) {
            sink.error(
              'FIDL-DUPLICATE-CONSTRAINT',
              c.span,
              `${t.kind} already has a size bound; write at most one bound, e.g. ${t.kind === 'string' ? 'string' : 'vector<T>'}:<N, optional>`,
            );
            return ERROR;
          }
          slot++;
          const bound = this.constants.resolve(c, UINT32, scope, { allowMax: true });
          if (!bound || bound.value.kind !== 'int') return ERROR;
          const n = Number(bound.value.value);
          if (n === 0) {
            sink.error(
              'FIDL-ZERO-SIZE',
              c.span,
              `a ${t.kind} bound must be at least 1; drop the bound or use MAX for unbounded`,
            );
            return ERROR;
          }
          const max = n === MAX_UINT32 ? null : n;
          t = t.kind === 'string' ? { ...t, maxLength: max } : { ...t, maxCount: max };
          break;
        }
        case 'handle':
          t = this.handleConstraint(t, c, slot++, scope) ?? ERROR;
          if (t.kind === 'error') return t;
          break;
        case 'endpoint':
          if (fromBuiltinEndpoint && slot === 0) {
            slot++;
            break;
          }
          sink.error(
            'FIDL-TOO-MANY-CONSTRAINTS',
            c.span,
            `${t.role}_end takes a protocol and optionally 'optional': ${t.role}_end:<P, optional>`,
          );
          return ERROR;
        default:
          sink.error(
            'FIDL-INVALID-CONSTRAINT',
            c.span,
            `${describeType(t)} accepts no constraint here${
              t.kind === 'identifier' && t.decl.kind === 'union' ? " other than 'optional'" : ''
            }`,
          );
          return ERROR;
      }
    }
    return t;
  }

  makeOptional(t: FlatType, span: Span): FlatType {
    const sink = this.env.sink;
    switch (t.kind) {
      case 'string':
      case 'vector':
      case 'handle':
      case 'endpoint':
        return { ...t, nullable: true };
      case 'identifier':
        if (t.decl.kind === 'union') return { ...t, nullable: true };
        if (t.decl.kind === 'struct') {
          sink.error(
            'FIDL-STRUCT-OPTIONAL-USE-BOX',
            span,
            t.nullable
              ? 'box<S> is always optional; remove the optional constraint'
              : `structs cannot be optional with ':optional'; write 'box<${t.decl.name}>' instead`,
          );
          return ERROR;
        }
        sink.error(
          'FIDL-CANNOT-BE-OPTIONAL',
          span,
          `${t.decl.kind} '${t.decl.name}' cannot be optional${
            t.decl.kind === 'table'
              ? '; tables are never absent, their fields are optional already'
              : ''
          }`,
        );
        return ERROR;
      case 'primitive':
      case 'array':
        sink.error(
          'FIDL-CANNOT-BE-OPTIONAL',
          span,
          `${describeType(t)} cannot be optional; wrap it in a struct and use box<S>, or use a table field`,
        );
        return ERROR;
      default:
        return ERROR;
    }
  }

  handleConstraint(
    t: Extract<FlatType, { kind: 'handle' }>,
    c: RawConstant,
    slot: number,
    scope: Scope,
  ): FlatType | null {
    const sink = this.env.sink;
    const res: ResourceDecl = t.resource;
    this.env.ensureCompiled(res);
    if (slot === 0) {
      const subtypeEnum = res.subtypeEnum;
      if (!subtypeEnum) return null;
      const v = this.constants.resolve(
        c,
        { kind: 'identifier', decl: subtypeEnum, nullable: false },
        scope,
      );
      if (!v || v.value.kind !== 'int') return null;
      const value = v.value.value;
      const member = subtypeEnum.members.find((m) => m.value === value);
      return { ...t, objType: Number(value), subtype: member?.name ?? constantName(c) };
    }
    if (slot === 1) {
      const rights = res.rightsBits;
      if (!rights) {
        sink.error(
          'FIDL-TOO-MANY-CONSTRAINTS',
          c.span,
          `resource '${res.name}' has no rights property, so it takes only a subtype and 'optional'`,
        );
        return null;
      }
      const v = this.constants.resolve(
        c,
        { kind: 'identifier', decl: rights, nullable: false },
        scope,
      );
      if (!v || v.value.kind !== 'int') return null;
      return { ...t, rights: Number(v.value.value) };
    }
    sink.error(
      'FIDL-TOO-MANY-CONSTRAINTS',
      c.span,
      `a handle takes at most a subtype, rights and 'optional': ${res.name}:<VMO, zx.Rights.READ, optional>`,
    );
    return null;
  }
}

function constantName(c: RawConstant): string {
  return c.kind === 'identifier' ? (c.name.parts[c.name.parts.length - 1]?.name ?? '') : '';
}

/** `array<T, N>`: the parser reads N as a type name when it is an identifier. */
function paramAsConstant(p: RawLayoutParam): RawConstant | null {
  if (p.kind === 'literal') return p.constant;
  const ctor = p.ctor;
  if (ctor.layout.kind !== 'named' || ctor.params || ctor.constraints) return null;
  return { kind: 'identifier', name: ctor.layout.name, span: ctor.span };
}
