/**
 * Resource-ness and transports. A value type (no `resource` modifier) must
 * not contain handles or endpoints, directly or through other layouts,
 * because value types may be copied freely. Generated result unions are
 * resource exactly when their payload is. Each transport carries only some
 * handle classes: a Channel protocol cannot carry Driver endpoints.
 */
import type { Transport } from '../ir/types.js';
import { describeType } from './constants.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { FlatType, LayoutDecl, Library, ProtocolDecl } from './model.js';

/** Why a type is a resource, for the message; undefined when it is not. */
export function resourceReason(t: FlatType | null | undefined): string | undefined {
  if (!t) return undefined;
  switch (t.kind) {
    case 'handle':
      return `a handle (${describeType(t)})`;
    case 'endpoint':
      return `an endpoint (${describeType(t)})`;
    case 'vector':
    case 'array':
      return resourceReason(t.element);
    case 'identifier':
      if (
        (t.decl.kind === 'struct' || t.decl.kind === 'table' || t.decl.kind === 'union') &&
        t.decl.resource
      ) {
        return `resource ${t.decl.kind} '${t.decl.name}'`;
      }
      return undefined;
    default:
      return undefined;
  }
}

export function checkResourceness(libraries: Library[], sink: DiagnosticSink): void {
  for (const lib of libraries) {
    for (const d of lib.declOrder) {
      if (d.kind === 'union' && d.isResult) {
        d.resource = d.members.some((m) => resourceReason(m.type) !== undefined);
      }
    }
  }
  for (const lib of libraries) {
    for (const d of lib.declOrder) {
      if (d.kind !== 'struct' && d.kind !== 'table' && d.kind !== 'union') continue;
      if (d.resource || (d.kind === 'union' && d.isResult)) continue;
      const members: readonly {
        name: string | null;
        span: LayoutDecl['span'];
        type: FlatType | null;
      }[] = d.members;
      for (const m of members) {
        const why = resourceReason(m.type);
        if (!why) continue;
        const fix = d.naming
          ? `add 'resource' before '${d.kind}' in its inline declaration`
          : `declare it as 'type ${d.name} = resource ${d.kind} { ... }'`;
        sink.error(
          'FIDL-TYPE-MUST-BE-RESOURCE',
          m.span,
          `${d.kind} '${d.name}' is a value type, but member '${m.name}' holds ${why}; ${fix}`,
        );
      }
    }
  }
}

type HandleClass = 'zircon' | 'driver' | 'banjo';

const ALLOWED: Record<Transport, readonly HandleClass[]> = {
  Channel: ['zircon'],
  Syscall: ['zircon'],
  Driver: ['zircon', 'driver'],
  Banjo: ['zircon', 'banjo'],
};

function endpointClass(t: Transport): HandleClass {
  return t === 'Driver' ? 'driver' : t === 'Banjo' ? 'banjo' : 'zircon';
}

/** Finds an endpoint in `t` (through layouts) whose handle class the transport cannot carry. */
function forbiddenEndpoint(
  t: FlatType | null | undefined,
  allowed: readonly HandleClass[],
  seen: Set<LayoutDecl>,
): Extract<FlatType, { kind: 'endpoint' }> | undefined {
  if (!t) return undefined;
  switch (t.kind) {
    case 'endpoint':
      return allowed.includes(endpointClass(t.protocol.transport)) ? undefined : t;
    case 'vector':
    case 'array':
      return forbiddenEndpoint(t.element, allowed, seen);
    case 'identifier': {
      const d = t.decl;
      if (seen.has(d) || d.kind === 'enum' || d.kind === 'bits') return undefined;
      seen.add(d);
      const members: readonly { type: FlatType | null }[] = d.members;
      for (const m of members) {
        const bad = forbiddenEndpoint(m.type, allowed, seen);
        if (bad) return bad;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

export function checkTransports(libraries: Library[], sink: DiagnosticSink): void {
  for (const lib of libraries) {
    for (const d of lib.declOrder) {
      if (d.kind !== 'protocol') continue;
      checkProtocolTransport(d, sink);
    }
  }
}

function checkProtocolTransport(p: ProtocolDecl, sink: DiagnosticSink): void {
  const allowed = ALLOWED[p.transport];
  for (const m of p.methods) {
    for (const t of [m.request, m.success, m.error]) {
      const bad = forbiddenEndpoint(t, allowed, new Set());
      if (!bad) continue;
      sink.error(
        'FIDL-TRANSPORT-HANDLE',
        m.span,
        `method '${m.name}' of ${p.transport} protocol '${p.name}' carries ${describeType(bad)}, an endpoint of the ${bad.protocol.transport} transport, which ${p.transport} cannot carry; change the protocol's @transport or the endpoint's protocol`,
      );
      break;
    }
  }
}
