/**
 * Registration ("consume"): turns each library's raw declarations into flat
 * declarations, names every anonymous layout from its naming context, and
 * creates the compiler-generated declarations of protocols (result unions and
 * empty success structs). Name collisions are found here, in canonical form.
 */
import type {
  Identifier,
  RawAttribute,
  RawLayout,
  RawMethod,
  RawModifier,
  RawProtocolDecl,
  RawTypeCtor,
} from './ast.js';
import type { DiagnosticSink, Span } from './diagnostics.js';
import { decodeStringLiteral } from './lexer.js';
import type {
  BitsDecl,
  Decl,
  EnumDecl,
  LayoutDecl,
  Library,
  Method,
  OrdinalMember,
  ProtocolDecl,
  StructDecl,
  TableDecl,
  UnionDecl,
} from './model.js';
import { canonicalName, upperCamel } from './names.js';
import type { RawFile } from './ast.js';

/** Where an inline layout appears: the path for the IR and the name it would get. */
interface NameCtx {
  path: string[];
  flat: string;
}

const IDENTIFIER_RE = /^[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?$/;

export function registerLibrary(lib: Library, sink: DiagnosticSink): void {
  new Registrar(lib, sink).run();
}

class Registrar {
  readonly #canonical = new Map<string, Decl>();
  /** Set while registering a method whose name repeats: its generated names collide by construction. */
  #quiet = false;

  constructor(
    readonly lib: Library,
    readonly sink: DiagnosticSink,
  ) {}

  run(): void {
    for (const file of this.lib.files) {
      for (const raw of file.decls) {
        switch (raw.kind) {
          case 'const':
            this.add({
              kind: 'const',
              name: raw.name.name,
              library: this.lib,
              file,
              span: raw.name.span,
              attributes: raw.attributes,
              raw,
              state: 'new',
            });
            break;
          case 'alias':
            this.add({
              kind: 'alias',
              name: raw.name.name,
              library: this.lib,
              file,
              span: raw.name.span,
              attributes: raw.attributes,
              raw,
              state: 'new',
            });
            break;
          case 'type': {
            const ctor = raw.type;
            if (ctor.layout.kind !== 'inline') {
              this.sink.error(
                'FIDL-NEW-TYPE-UNSUPPORTED',
                ctor.span,
                `'type ${raw.name.name} = <type>' declares a new-type, which is experimental and not supported; use 'alias ${raw.name.name} = ...;' or write a layout such as 'struct { ... }'`,
              );
              break;
            }
            if (ctor.params || ctor.constraints) {
              this.sink.error(
                'FIDL-INVALID-CONSTRAINT',
                ctor.span,
                `a type declaration cannot carry layout parameters or constraints; apply them where '${raw.name.name}' is used`,
              );
            }
            const layout = ctor.layout.layout;
            const attributes = this.mergeAttributes(raw.attributes, layout.attributes);
            ctor.inlineDecl = this.registerLayout(file, layout, raw.name, attributes, undefined, {
              path: [raw.name.name],
              flat: raw.name.name,
            });
            break;
          }
          case 'protocol':
            this.registerProtocol(file, raw);
            break;
          case 'service': {
            this.add({
              kind: 'service',
              name: raw.name.name,
              library: this.lib,
              file,
              span: raw.name.span,
              attributes: raw.attributes,
              raw,
              state: 'new',
              members: raw.members.map((m) => ({
                name: m.name.name,
                span: m.name.span,
                attributes: m.attributes,
                ctor: m.type,
              })),
            });
            break;
          }
          case 'resource_definition':
            this.add({
              kind: 'resource',
              name: raw.name.name,
              library: this.lib,
              file,
              span: raw.name.span,
              attributes: raw.attributes,
              raw,
              state: 'new',
            });
            break;
        }
      }
    }
  }

  /** `@attr type X = @attr struct {}`: attributes may sit in one place, not both. */
  mergeAttributes(outer: RawAttribute[], inner: RawAttribute[]): RawAttribute[] {
    const outerReal = outer.filter((a) => a.docText === undefined);
    const innerReal = inner.filter((a) => a.docText === undefined);
    if (outerReal.length > 0 && innerReal.length > 0) {
      this.sink.error(
        'FIDL-REDUNDANT-ATTRIBUTE-PLACEMENT',
        (innerReal[0] as RawAttribute).span,
        'attributes are written both before `type` and before the layout; put them all in one place (before `type`)',
      );
    }
    return [...outer, ...inner];
  }

  add(decl: Decl): boolean {
    const key = canonicalName(decl.name);
    const prev = this.#canonical.get(key);
    if (prev) {
      if (this.#quiet) return false;
      const where = `${prev.span.file}:${prev.span.line}:${prev.span.column}`;
      const generated = decl.naming
        ? ` (the name was generated for an anonymous layout; rename the member or give the layout @generated_name("..."))`
        : '';
      const msg =
        prev.name === decl.name
          ? `'${decl.name}' is declared more than once in library '${this.lib.name}' (first at ${where}); rename one of them${generated}`
          : `'${decl.name}' collides with '${prev.name}' (declared at ${where}): names must differ after conversion to snake_case ('${key}'); rename one of them${generated}`;
      this.sink.error('FIDL-NAME-COLLISION', decl.span, msg);
      return false;
    }
    this.#canonical.set(key, decl);
    this.lib.decls.set(decl.name, decl);
    this.lib.declOrder.push(decl);
    return true;
  }

  modifierSet(
    mods: RawModifier[],
    allowed: ReadonlySet<string>,
    what: string,
    hint: Record<string, string>,
  ): Set<string> {
    const seen = new Set<string>();
    for (const m of mods) {
      const n = m.name.name;
      if (!allowed.has(n)) {
        this.sink.error(
          'FIDL-INVALID-MODIFIER',
          m.name.span,
          `'${n}' cannot be applied to ${what}${hint[n] ? `; ${hint[n]}` : ''}`,
        );
        continue;
      }
      if (seen.has(n)) {
        this.sink.error(
          'FIDL-DUPLICATE-MODIFIER',
          m.name.span,
          `modifier '${n}' is repeated; write it once`,
        );
        continue;
      }
      const opposites: Record<string, string[]> = {
        strict: ['flexible'],
        flexible: ['strict'],
        open: ['ajar', 'closed'],
        ajar: ['open', 'closed'],
        closed: ['open', 'ajar'],
      };
      const clash = (opposites[n] ?? []).find((o) => seen.has(o));
      if (clash) {
        this.sink.error(
          'FIDL-CONFLICTING-MODIFIERS',
          m.name.span,
          `'${n}' conflicts with '${clash}'; keep only one of them`,
        );
        continue;
      }
      seen.add(n);
    }
    return seen;
  }

  generatedName(layout: RawLayout): string | undefined {
    const attr = layout.attributes.find((a) => a.name.name === 'generated_name');
    if (!attr) return undefined;
    const arg = attr.args[0];
    const lit = arg?.value.kind === 'literal' ? arg.value.literal : undefined;
    if (attr.args.length !== 1 || !lit || lit.kind !== 'string') {
      this.sink.error(
        'FIDL-INVALID-GENERATED-NAME',
        attr.span,
        '@generated_name takes one string argument, the name to give this layout: @generated_name("MyName")',
      );
      return undefined;
    }
    const name = decodeStringLiteral(lit.text, lit.span, this.sink);
    if (name === null) return undefined;
    if (!IDENTIFIER_RE.test(name)) {
      this.sink.error(
        'FIDL-INVALID-GENERATED-NAME',
        lit.span,
        `'${name}' is not a valid identifier for @generated_name; use letters, digits and inner underscores`,
      );
      return undefined;
    }
    return name;
  }

  registerLayout(
    file: RawFile,
    layout: RawLayout,
    name: Identifier,
    attributes: RawAttribute[],
    naming: string[] | undefined,
    ctx: NameCtx,
  ): LayoutDecl {
    const common = {
      name: name.name,
      library: this.lib,
      file,
      span: name.span,
      attributes,
      state: 'new' as const,
      ...(naming ? { naming: { path: naming } } : {}),
    };
    let decl: LayoutDecl;
    switch (layout.kind) {
      case 'struct': {
        const mods = this.modifierSet(layout.modifiers, new Set(['resource']), 'a struct', {
          strict: 'structs are always strict',
          flexible: 'structs are always strict; use a table for an extensible record',
        });
        decl = {
          ...common,
          kind: 'struct',
          layout,
          resource: mods.has('resource'),
          members: layout.members.flatMap((m) =>
            m.kind === 'struct'
              ? [
                  {
                    name: m.name.name,
                    span: m.name.span,
                    attributes: m.attributes,
                    ctor: m.type,
                    type: { kind: 'error' as const },
                    defaultRaw: m.defaultValue,
                  },
                ]
              : [],
          ),
        } satisfies StructDecl;
        break;
      }
      case 'table':
      case 'union':
      case 'overlay': {
        if (layout.kind === 'overlay') {
          this.sink.error(
            'FIDL-UNSUPPORTED',
            layout.kindSpan,
            "'overlay' is an experimental layout and is not supported; use a union",
          );
        }
        const members: OrdinalMember[] = layout.members.flatMap((m) =>
          m.kind === 'ordinal'
            ? [
                {
                  ordinal: parseOrdinal(m.ordinal.text),
                  ordinalSpan: m.ordinal.span,
                  name: m.name?.name ?? null,
                  span: m.name?.span ?? m.ordinal.span,
                  attributes: m.attributes,
                  ctor: m.type,
                  type: null,
                },
              ]
            : [],
        );
        if (layout.kind === 'table') {
          const mods = this.modifierSet(layout.modifiers, new Set(['resource']), 'a table', {
            strict: 'tables are always flexible',
            flexible: 'tables are always flexible, so the modifier is not needed',
          });
          decl = {
            ...common,
            kind: 'table',
            layout,
            resource: mods.has('resource'),
            members,
          } satisfies TableDecl;
        } else {
          const mods = this.modifierSet(
            layout.modifiers,
            new Set(['resource', 'strict', 'flexible']),
            'a union',
            {},
          );
          decl = {
            ...common,
            kind: 'union',
            layout,
            strict: mods.has('strict'),
            resource: mods.has('resource'),
            members,
            isResult: false,
          } satisfies UnionDecl;
        }
        break;
      }
      case 'enum':
      case 'bits': {
        const mods = this.modifierSet(
          layout.modifiers,
          new Set(['strict', 'flexible']),
          `${layout.kind === 'enum' ? 'an enum' : 'bits'}`,
          {
            resource: `${layout.kind} values never hold handles`,
          },
        );
        const members = layout.members.flatMap((m) =>
          m.kind === 'value'
            ? [{ name: m.name.name, span: m.name.span, attributes: m.attributes, raw: m.value }]
            : [],
        );
        if (layout.kind === 'enum') {
          decl = {
            ...common,
            kind: 'enum',
            layout,
            strict: mods.has('strict'),
            subtype: 'uint32',
            members,
          } satisfies EnumDecl;
        } else {
          decl = {
            ...common,
            kind: 'bits',
            layout,
            strict: mods.has('strict'),
            subtype: 'uint32',
            members,
            mask: 0n,
          } satisfies BitsDecl;
        }
        break;
      }
    }
    // Even a colliding declaration keeps walking its members, so the one
    // collision is the only error reported for it.
    this.add(decl);
    for (const m of layout.members) {
      if (m.kind === 'value' || !m.type || !m.name) continue;
      this.walkCtor(file, m.type, {
        path: [...ctx.path, m.name.name],
        flat: upperCamel(m.name.name),
      });
    }
    return decl;
  }

  /** Registers inline layouts found in a type constructor (and its layout parameters). */
  walkCtor(file: RawFile, ctor: RawTypeCtor, ctx: NameCtx): void {
    if (ctor.layout.kind === 'inline') {
      const layout = ctor.layout.layout;
      const name = this.generatedName(layout) ?? ctx.flat;
      ctor.inlineDecl = this.registerLayout(
        file,
        layout,
        { name, span: layout.kindSpan },
        layout.attributes,
        ctx.path,
        { path: ctx.path, flat: name },
      );
    }
    for (const p of ctor.params ?? []) {
      if (p.kind === 'type') this.walkCtor(file, p.ctor, ctx);
    }
  }

  registerProtocol(file: RawFile, raw: RawProtocolDecl): void {
    const mods = this.modifierSet(
      raw.modifiers,
      new Set(['open', 'ajar', 'closed']),
      'a protocol',
      {},
    );
    const openness = mods.has('closed') ? 'closed' : mods.has('ajar') ? 'ajar' : 'open';
    const decl: ProtocolDecl = {
      kind: 'protocol',
      name: raw.name.name,
      library: this.lib,
      file,
      span: raw.name.span,
      attributes: raw.attributes,
      state: 'new',
      raw,
      openness,
      transport: 'Channel',
      methods: [],
      composed: [],
    };
    if (!this.add(decl)) return;
    const names = new Set<string>();
    for (const m of raw.methods) {
      // A repeated method name is reported once, when the protocol compiles.
      const key = canonicalName(m.name.name);
      this.#quiet = names.has(key);
      names.add(key);
      decl.methods.push(this.registerMethod(file, decl, m));
      this.#quiet = false;
    }
  }

  registerMethod(file: RawFile, proto: ProtocolDecl, raw: RawMethod): Method {
    const mods = this.modifierSet(raw.modifiers, new Set(['strict', 'flexible']), 'a method', {});
    const strict = mods.has('strict');
    const kind = raw.request === null ? 'event' : raw.response === null ? 'one-way' : 'two-way';
    const P = proto.name;
    const M = raw.name.name;
    const method: Method = {
      name: M,
      span: raw.name.span,
      raw,
      attributes: raw.attributes,
      strict,
      kind,
      requestCtor: null,
      successCtor: null,
      errorCtor: null,
      resultUnion: null,
      emptySuccess: null,
      declaredIn: proto,
    };
    if (raw.request?.type) {
      method.requestCtor = raw.request.type;
      this.walkCtor(file, raw.request.type, {
        path: [P, M, 'Request'],
        flat: `${upperCamel(P)}${upperCamel(M)}Request`,
      });
    }
    if (kind === 'event' && raw.response?.type) {
      // An event's payload travels server to client like a request does, hence the suffix.
      method.requestCtor = raw.response.type;
      this.walkCtor(file, raw.response.type, {
        path: [P, M, 'Request'],
        flat: `${upperCamel(P)}${upperCamel(M)}Request`,
      });
      return method;
    }
    if (kind !== 'two-way' || !raw.response) return method;

    const hasError = raw.error !== null;
    const hasFrameworkError = !strict;
    if (!hasError && !hasFrameworkError) {
      if (raw.response.type) {
        method.successCtor = raw.response.type;
        this.walkCtor(file, raw.response.type, {
          path: [P, M, 'Response'],
          flat: `${upperCamel(P)}${upperCamel(M)}Response`,
        });
      }
      return method;
    }

    // The response becomes `P_M_Result`; the names keep underscores because the
    // error syntax predates anonymous layouts and bindings rely on them.
    const successName = `${P}_${M}_Response`;
    const span: Span = raw.response.span;
    if (raw.response.type) {
      method.successCtor = raw.response.type;
      this.walkCtor(file, raw.response.type, {
        path: [P, M, 'Response', 'response'],
        flat: successName,
      });
    } else {
      const empty: StructDecl = {
        kind: 'struct',
        name: successName,
        library: this.lib,
        file,
        span,
        attributes: [],
        state: 'new',
        naming: { path: [P, M, 'Response', 'response'] },
        layout: null,
        resource: false,
        members: [],
      };
      if (this.add(empty)) method.emptySuccess = empty;
    }
    if (raw.error) {
      method.errorCtor = raw.error;
      this.walkCtor(file, raw.error, { path: [P, M, 'Response', 'err'], flat: `${P}_${M}_Error` });
    }
    const noSpan = span;
    const members: OrdinalMember[] = [
      {
        ordinal: 1,
        ordinalSpan: noSpan,
        name: 'response',
        span,
        attributes: [],
        ctor: method.successCtor,
        ...(method.emptySuccess
          ? {
              fixedType: {
                kind: 'identifier' as const,
                decl: method.emptySuccess,
                nullable: false,
              },
            }
          : {}),
        type: null,
      },
      hasError
        ? {
            ordinal: 2,
            ordinalSpan: noSpan,
            name: 'err',
            span,
            attributes: [],
            ctor: raw.error,
            type: null,
          }
        : {
            ordinal: 2,
            ordinalSpan: noSpan,
            name: null,
            span,
            attributes: [],
            ctor: null,
            type: null,
          },
    ];
    if (hasFrameworkError) {
      members.push({
        ordinal: 3,
        ordinalSpan: noSpan,
        name: 'framework_err',
        span,
        attributes: [],
        ctor: null,
        fixedType: { kind: 'internal', subtype: 'framework_error' },
        type: null,
      });
    }
    const result: UnionDecl = {
      kind: 'union',
      name: `${P}_${M}_Result`,
      library: this.lib,
      file,
      span,
      attributes: [],
      state: 'new',
      naming: { path: [P, M, 'Response'] },
      layout: null,
      strict: true,
      resource: false,
      members,
      isResult: true,
    };
    if (this.add(result)) method.resultUnion = result;
    return method;
  }
}

/** Ordinals are small decimal (or hex) integers; NaN marks a malformed one. */
export function parseOrdinal(text: string): number {
  const t = text.replace(/_/g, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return Number(t);
  return NaN;
}
