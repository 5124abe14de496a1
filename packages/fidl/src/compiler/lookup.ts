/**
 * Name lookup. An unqualified name is looked up in the current library, then
 * among the builtins. `X.Y` is first a member of local declaration X, then
 * declaration Y of library X (by full name or `using ... as` alias); longer
 * names take the longest library prefix that matches. Contextual members
 * (`VMO` for a handle subtype) are the caller's fallback, not handled here.
 */
import type { PrimitiveSubtype } from '../ir/types.js';
import { compoundText, type CompoundIdentifier, type RawFile } from './ast.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { BitsDecl, Decl, EnumDecl, Library } from './model.js';
import { closestName } from './names.js';

export interface Scope {
  library: Library;
  file: RawFile;
}

export const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveSubtype>([
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
]);

export const BUILTINS: ReadonlySet<string> = new Set([
  ...PRIMITIVES,
  'byte',
  'string',
  'vector',
  'array',
  'box',
  'client_end',
  'server_end',
  'MAX',
  'optional',
]);

export type LookupResult =
  | { kind: 'decl'; decl: Decl }
  | { kind: 'builtin'; name: string }
  | { kind: 'member'; decl: EnumDecl | BitsDecl; member: string };

export interface LookupEnv {
  sink: DiagnosticSink;
  /** Every library in the compilation, to tell "not imported" from "unknown". */
  libraries: ReadonlyMap<string, Library>;
}

function asMemberOwner(decl: Decl | undefined): EnumDecl | BitsDecl | undefined {
  return decl && (decl.kind === 'enum' || decl.kind === 'bits') ? decl : undefined;
}

/** Finds what `name` refers to; reports and returns null when nothing matches and `report` is set. */
export function lookup(
  name: CompoundIdentifier,
  scope: Scope,
  env: LookupEnv,
  report = true,
): LookupResult | null {
  const parts = name.parts.map((p) => p.name);
  const first = parts[0] as string;
  const local = scope.library.decls;
  const imports = scope.library.imports.get(scope.file) ?? new Map();

  if (parts.length === 1) {
    const decl = local.get(first);
    if (decl) return { kind: 'decl', decl };
    if (BUILTINS.has(first)) return { kind: 'builtin', name: first };
  } else if (parts.length === 2) {
    const owner = asMemberOwner(local.get(first));
    if (owner) return { kind: 'member', decl: owner, member: parts[1] as string };
  }

  // Longest library prefix first: `fuchsia.hardware.block.BlockInfo` must not
  // stop at a shorter library such as `fuchsia.hardware`.
  for (let k = parts.length - 1; k >= 1; k--) {
    const libName = parts.slice(0, k).join('.');
    const rest = parts.slice(k);
    if (rest.length > 2) continue;
    let lib: Library | undefined;
    const entry = imports.get(libName);
    if (entry) {
      entry.used = true;
      lib = entry.library;
    } else if (libName === scope.library.name) {
      lib = scope.library;
    }
    if (!lib) continue;
    const decl = lib.decls.get(rest[0] as string);
    if (rest.length === 1) {
      if (decl) return { kind: 'decl', decl };
    } else {
      const owner = asMemberOwner(decl);
      if (owner) return { kind: 'member', decl: owner, member: rest[1] as string };
    }
    if (report) {
      const hint = closestName(rest[0] as string, lib.decls.keys());
      env.sink.error(
        'FIDL-UNDEFINED-NAME',
        name.span,
        `library '${lib.name}' has no declaration '${rest.join('.')}'${hint ? `; did you mean '${hint}'?` : ''}`,
      );
    }
    return null;
  }

  if (!report) return null;
  // Not found: explain whether a library exists but is not imported here.
  for (let k = parts.length - 1; k >= 1; k--) {
    const libName = parts.slice(0, k).join('.');
    if (env.libraries.has(libName)) {
      env.sink.error(
        'FIDL-NOT-IMPORTED',
        name.span,
        `'${compoundText(name)}' refers to library '${libName}', which this file does not import; add 'using ${libName};' after the library line`,
      );
      return null;
    }
  }
  if (parts.length === 2 && local.has(first)) {
    env.sink.error(
      'FIDL-UNDEFINED-NAME',
      name.span,
      `'${first}' is a ${local.get(first)?.kind}, which has no members to name with '.${parts[1]}'`,
    );
    return null;
  }
  const hint = parts.length === 1 ? closestName(first, [...local.keys(), ...BUILTINS]) : undefined;
  env.sink.error(
    'FIDL-UNDEFINED-NAME',
    name.span,
    parts.length === 1
      ? `cannot find '${first}' in library '${scope.library.name}'${hint ? `; did you mean '${hint}'?` : '; declare it, or qualify it with its library and add a using line'}`
      : `cannot resolve '${compoundText(name)}': no declaration or imported library matches; check the spelling and the using lines`,
  );
  return null;
}
