/**
 * Compiles protocols and services: payload and error types, openness versus
 * method strictness, composition (only protocols at least as closed, no
 * cycles), selectors and ordinals, and uniqueness of method names and
 * ordinals across own and composed methods.
 */
import type { Transport } from '../ir/types.js';
import { checkAttributes, findAttribute, stringArg, TRANSPORTS } from './attributes.js';
import { describeType } from './constants.js';
import type { CompileCtx } from './compileLayouts.js';
import { compoundText, type RawTypeCtor } from './ast.js';
import type { Span } from './diagnostics.js';
import { lookup, type Scope } from './lookup.js';
import type { FlatType, Method, ProtocolDecl, ServiceDecl } from './model.js';
import { canonicalName } from './names.js';
import { methodOrdinal, methodSelector } from './ordinals.js';

const CLOSEDNESS = { closed: 0, ajar: 1, open: 2 } as const;

export function protocolTransport(decl: ProtocolDecl): Transport {
  const attr = findAttribute(decl.attributes, 'transport');
  const value = attr ? stringArg(attr) : undefined;
  return (TRANSPORTS as readonly string[]).includes(value ?? '') ? (value as Transport) : 'Channel';
}

export function compileProtocol(decl: ProtocolDecl, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(decl.attributes, sink);
  decl.transport = protocolTransport(decl);
  const scope: Scope = { library: decl.library, file: decl.file };

  for (const c of decl.raw.composes) {
    checkAttributes(c.attributes, sink);
    const found = lookup(c.name, scope, ctx.env);
    if (!found) continue;
    if (found.kind !== 'decl' || found.decl.kind !== 'protocol') {
      sink.error(
        'FIDL-COMPOSE-NOT-PROTOCOL',
        c.name.span,
        `'${compoundText(c.name)}' is not a protocol; only protocols can be composed`,
      );
      continue;
    }
    const target = found.decl;
    if (target.state === 'compiling') {
      sink.error(
        'FIDL-COMPOSE-CYCLE',
        c.name.span,
        `composing '${compoundText(c.name)}' into '${decl.name}' makes a cycle of protocols composing each other`,
      );
      continue;
    }
    if (decl.composed.includes(target)) {
      sink.error(
        'FIDL-DUPLICATE-COMPOSE',
        c.name.span,
        `'${compoundText(c.name)}' is composed twice; remove one`,
      );
      continue;
    }
    ctx.env.ensureCompiled(target);
    if (CLOSEDNESS[target.openness] > CLOSEDNESS[decl.openness]) {
      sink.error(
        'FIDL-COMPOSE-OPENNESS',
        c.name.span,
        `${decl.openness} protocol '${decl.name}' cannot compose ${target.openness} protocol '${target.name}'; a protocol may only compose protocols at least as closed as itself (closed < ajar < open)`,
      );
    }
    decl.composed.push(target);
  }

  for (const m of decl.methods) compileMethod(decl, m, scope, ctx);

  // Own methods first, then composed ones; a protocol reached twice through
  // composition (a diamond) contributes its methods once.
  const all: Method[] = [...decl.methods];
  for (const c of decl.composed) {
    for (const m of c.allMethods ?? []) if (!all.includes(m)) all.push(m);
  }
  decl.allMethods = all;

  const names = new Map<string, Method>();
  const ordinals = new Map<bigint, Method>();
  for (const m of all) {
    const where = (m2: Method): Span =>
      m2.declaredIn === decl
        ? m2.span
        : (decl.raw.composes.find((c) =>
            lookupsTo(
              c.name.parts.map((p) => p.name),
              m2.declaredIn,
              decl,
            ),
          )?.span ?? decl.span);
    const key = canonicalName(m.name);
    const prev = names.get(key);
    if (prev) {
      sink.error(
        'FIDL-DUPLICATE-METHOD-NAME',
        where(m),
        `method '${m.name}' (from ${m.declaredIn.name}) clashes with '${prev.name}' (from ${prev.declaredIn.name}) in protocol '${decl.name}'; rename one of them`,
      );
      continue; // same name, same ordinal: one error is enough
    }
    names.set(key, m);
    if (m.ordinal === undefined) continue;
    const prevOrd = ordinals.get(m.ordinal);
    if (prevOrd && prevOrd !== m) {
      sink.error(
        'FIDL-DUPLICATE-METHOD-ORDINAL',
        where(m),
        `method '${m.name}' has the same ordinal (0x${m.ordinal.toString(16)}) as '${prevOrd.name}' in protocol '${decl.name}'; give one of them a different @selector`,
      );
    } else {
      ordinals.set(m.ordinal, m);
    }
  }
}

/** Does the compose path name `target`'s protocol (or one composing it)? Used only to pick an error location. */
function lookupsTo(parts: string[], target: ProtocolDecl, from: ProtocolDecl): boolean {
  const last = parts[parts.length - 1];
  const direct = from.composed.find((c) => c.name === last);
  if (!direct) return false;
  return direct === target || (direct.allMethods ?? []).some((m) => m.declaredIn === target);
}

function compileMethod(decl: ProtocolDecl, m: Method, scope: Scope, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(m.attributes, sink);

  if (decl.openness === 'closed' && !m.strict) {
    sink.error(
      'FIDL-FLEXIBLE-IN-CLOSED',
      m.span,
      `flexible ${m.kind === 'event' ? 'event' : 'method'} '${m.name}' is not allowed in closed protocol '${decl.name}'; mark it 'strict', or make the protocol ajar or open`,
    );
  } else if (decl.openness === 'ajar' && !m.strict && m.kind === 'two-way') {
    sink.error(
      'FIDL-FLEXIBLE-TWO-WAY-IN-AJAR',
      m.span,
      `flexible two-way method '${m.name}' is not allowed in ajar protocol '${decl.name}'; mark it 'strict' or make the protocol open`,
    );
  }

  if (m.requestCtor) {
    const t = ctx.types.resolve(m.requestCtor, scope);
    if (checkPayload(t, m.requestCtor, m, ctx)) m.request = t;
  }
  if (m.successCtor) {
    const t = ctx.types.resolve(m.successCtor, scope);
    if (checkPayload(t, m.successCtor, m, ctx)) m.success = t;
  } else if (m.emptySuccess) {
    m.success = { kind: 'identifier', decl: m.emptySuccess, nullable: false };
  }
  if (m.errorCtor) {
    const t = ctx.types.resolve(m.errorCtor, scope);
    if (t.kind !== 'error') {
      const ok =
        (t.kind === 'primitive' && (t.subtype === 'int32' || t.subtype === 'uint32')) ||
        (t.kind === 'identifier' &&
          t.decl.kind === 'enum' &&
          !t.nullable &&
          (ctx.env.ensureCompiled(t.decl),
          t.decl.subtype === 'int32' || t.decl.subtype === 'uint32'));
      if (ok) m.error = t;
      else
        sink.error(
          'FIDL-INVALID-ERROR-TYPE',
          m.errorCtor.span,
          `the error type must be int32, uint32 or an enum of one of them (such as zx.Status), not ${describeType(t)}`,
        );
    }
  }
  if (m.resultUnion) {
    // The result union's variants are the types just resolved; reuse them
    // instead of resolving the same constructors (and reporting) twice.
    const [success, err] = m.resultUnion.members;
    if (success) success.fixedType = m.success ?? { kind: 'error' };
    if (err?.ctor) err.fixedType = m.error ?? { kind: 'error' };
    ctx.env.ensureCompiled(m.resultUnion);
  }

  const selectorAttr = findAttribute(m.attributes, 'selector');
  const selector = methodSelector(
    decl.library.name,
    decl.name,
    m.name,
    selectorAttr ? stringArg(selectorAttr) : undefined,
  );
  m.selector = selector;
  m.ordinal = methodOrdinal(selector);
  if (m.ordinal === 0n) {
    sink.error(
      'FIDL-ZERO-ORDINAL',
      m.span,
      `method '${m.name}' hashes to ordinal 0, which is reserved; give it a @selector`,
    );
  }
}

/** Payloads are a struct, table or union, never optional, and never an empty struct. */
function checkPayload(t: FlatType, ctor: RawTypeCtor, m: Method, ctx: CompileCtx): boolean {
  const sink = ctx.env.sink;
  if (t.kind === 'error') return false;
  const isLayout =
    t.kind === 'identifier' &&
    (t.decl.kind === 'struct' || t.decl.kind === 'table' || t.decl.kind === 'union');
  if (!isLayout) {
    sink.error(
      'FIDL-INVALID-PAYLOAD-TYPE',
      ctor.span,
      `method payloads must be a struct, table or union, not ${describeType(t)}; wrap it, e.g. '(struct { value ${describeType(t)}; })'`,
    );
    return false;
  }
  if (t.nullable) {
    sink.error(
      'FIDL-INVALID-PAYLOAD-TYPE',
      ctor.span,
      `method payloads cannot be optional; use a non-optional struct, table or union`,
    );
    return false;
  }
  if (t.decl.kind === 'struct' && t.decl.members.length === 0) {
    sink.error(
      'FIDL-EMPTY-PAYLOAD-STRUCT',
      ctor.span,
      `method '${m.name}' has an empty struct payload; write '()' for no payload`,
    );
    return false;
  }
  return true;
}

export function compileService(decl: ServiceDecl, ctx: CompileCtx): void {
  const sink = ctx.env.sink;
  checkAttributes(decl.attributes, sink);
  const scope: Scope = { library: decl.library, file: decl.file };
  let transport: { value: Transport; member: string } | undefined;
  const seen = new Map<string, string>();
  for (const m of decl.members) {
    checkAttributes(m.attributes, sink);
    const key = canonicalName(m.name);
    if (seen.has(key)) {
      sink.error(
        'FIDL-DUPLICATE-MEMBER-NAME',
        m.span,
        `service '${decl.name}' already has a member named '${seen.get(key)}'; rename one of them`,
      );
    }
    seen.set(key, m.name);
    const t = ctx.types.resolve(m.ctor, scope);
    if (t.kind === 'error') continue;
    if (t.kind !== 'endpoint' || t.role !== 'client' || t.nullable) {
      sink.error(
        'FIDL-INVALID-SERVICE-MEMBER',
        m.ctor.span,
        `service members must be non-optional 'client_end:Protocol', not ${describeType(t)}${
          t.kind === 'endpoint' && t.nullable ? ':optional' : ''
        }`,
      );
      continue;
    }
    m.type = t;
    ctx.env.ensureCompiled(t.protocol);
    const tr = t.protocol.transport;
    if (transport && transport.value !== tr) {
      sink.error(
        'FIDL-SERVICE-TRANSPORT-MISMATCH',
        m.ctor.span,
        `member '${m.name}' uses the ${tr} transport but '${transport.member}' uses ${transport.value}; all members of a service must share one transport`,
      );
    }
    transport ??= { value: tr, member: m.name };
  }
}
