/**
 * Builds the JSON IR (../ir/types.ts) from compiled libraries. Runs only on
 * error-free compilations, so every type here is resolved.
 */
import { Status, StatusError } from '@fdf/zx';
import {
  IR_VERSION,
  type IrAlias,
  type IrBits,
  type IrConst,
  type IrDeclKind,
  type IrEnum,
  type IrEnumMember,
  type IrLibrary,
  type IrLocation,
  type IrMethod,
  type IrProtocol,
  type IrRoot,
  type IrService,
  type IrStruct,
  type IrTable,
  type IrTableMember,
  type IrType,
  type IrUnion,
} from '../ir/types.js';
import type { RawAttribute } from './ast.js';
import { docText, findAttribute, irAttributes, stringArg } from './attributes.js';
import type { Span } from './diagnostics.js';
import {
  fqn,
  type Decl,
  type FlatType,
  type Library,
  type Method,
  type OrdinalMember,
  type ResolvedConstant,
  type ValueMember,
} from './model.js';
import type { ShapeCalculator } from './shapes.js';

function location(span: Span): IrLocation {
  return { file: span.file, line: span.line, column: span.column };
}

/** attributes, doc and location, the fields every IR element shares. */
function common(
  span: Span,
  attrs: readonly RawAttribute[],
): { location: IrLocation; attributes: ReturnType<typeof irAttributes>; doc?: string } {
  const doc = docText(attrs);
  return {
    location: location(span),
    attributes: irAttributes(attrs),
    ...(doc !== undefined ? { doc } : {}),
  };
}

function naming(decl: Decl): { namingContext?: string[] } {
  return decl.naming ? { namingContext: decl.naming.path } : {};
}

export class IrBuilder {
  constructor(readonly shapes: ShapeCalculator) {}

  build(libraries: Library[]): IrRoot {
    return { irVersion: IR_VERSION, libraries: libraries.map((l) => this.library(l)) };
  }

  type(t: FlatType): IrType {
    const shape = this.shapes.typeShape(t);
    switch (t.kind) {
      case 'primitive':
        return { kind: 'primitive', subtype: t.subtype, shape };
      case 'string':
        return { kind: 'string', maxLength: t.maxLength, nullable: t.nullable, shape };
      case 'vector':
        return {
          kind: 'vector',
          elementType: this.type(t.element),
          maxCount: t.maxCount,
          nullable: t.nullable,
          shape,
        };
      case 'array':
        return { kind: 'array', elementType: this.type(t.element), elementCount: t.count, shape };
      case 'handle':
        return {
          kind: 'handle',
          objType: t.objType,
          subtype: t.subtype,
          rights: t.rights,
          nullable: t.nullable,
          shape,
        };
      case 'endpoint':
        return {
          kind: 'endpoint',
          role: t.role,
          protocol: fqn(t.protocol),
          transport: t.protocol.transport,
          nullable: t.nullable,
          shape,
        };
      case 'identifier':
        return {
          kind: 'identifier',
          identifier: fqn(t.decl),
          declKind: t.decl.kind,
          nullable: t.nullable,
          shape,
        };
      case 'internal':
        return { kind: 'internal', subtype: t.subtype, shape };
      case 'error':
        throw new StatusError(
          Status.ERR_INTERNAL,
          'IR requested for a type that did not resolve; the compilation had errors',
        );
    }
  }

  library(lib: Library): IrLibrary {
    const doc = docText(lib.attributes);
    const out: IrLibrary = {
      name: lib.name,
      attributes: irAttributes(lib.attributes),
      ...(doc !== undefined ? { doc } : {}),
      files: lib.files.map((f) => f.path),
      dependencies: [...lib.dependencies].map((d) => d.name),
      declarations: {},
      consts: [],
      enums: [],
      bits: [],
      structs: [],
      tables: [],
      unions: [],
      aliases: [],
      protocols: [],
      services: [],
    };
    const declare = (d: Decl, kind: IrDeclKind): void => {
      out.declarations[fqn(d)] = kind;
    };
    for (const d of lib.declOrder) {
      const base = { name: fqn(d), ...common(d.span, d.attributes) };
      switch (d.kind) {
        case 'const':
          declare(d, 'const');
          out.consts.push({
            ...base,
            type: this.type(d.type as FlatType),
            value: (d.value as ResolvedConstant).ir,
          } satisfies IrConst);
          break;
        case 'alias':
          declare(d, 'alias');
          out.aliases.push({ ...base, type: this.type(d.type as FlatType) } satisfies IrAlias);
          break;
        case 'enum': {
          declare(d, 'enum');
          const e: IrEnum = {
            ...base,
            subtype: d.subtype,
            strict: d.strict,
            members: d.members.map((m) => this.valueMember(m)),
            ...naming(d),
          };
          if (!d.strict && d.unknownValue !== undefined) e.unknownValue = d.unknownValue.toString();
          out.enums.push(e);
          break;
        }
        case 'bits':
          declare(d, 'bits');
          out.bits.push({
            ...base,
            subtype: d.subtype as IrBits['subtype'],
            strict: d.strict,
            mask: d.mask.toString(),
            members: d.members.map((m) => this.valueMember(m)),
            ...naming(d),
          } satisfies IrBits);
          break;
        case 'struct': {
          declare(d, 'struct');
          const layout = this.shapes.structLayout(d);
          out.structs.push({
            ...base,
            resource: d.resource,
            members: d.members.map((m, i) => ({
              name: m.name,
              type: this.type(m.type),
              offset: layout.offsets[i] as number,
              padding: layout.paddings[i] as number,
              ...(m.defaultValue ? { defaultValue: m.defaultValue.ir } : {}),
              ...common(m.span, m.attributes),
            })),
            shape: this.shapes.declShape(d),
            ...naming(d),
          } satisfies IrStruct);
          break;
        }
        case 'table':
          declare(d, 'table');
          out.tables.push({
            ...base,
            resource: d.resource,
            members: d.members.map((m) => this.ordinalMember(m)),
            shape: this.shapes.declShape(d),
            ...naming(d),
          } satisfies IrTable);
          break;
        case 'union':
          declare(d, 'union');
          out.unions.push({
            ...base,
            resource: d.resource,
            strict: d.strict,
            members: d.members.map((m) => this.ordinalMember(m)),
            shape: this.shapes.declShape(d),
            isResult: d.isResult,
            ...naming(d),
          } satisfies IrUnion);
          break;
        case 'protocol': {
          declare(d, 'protocol');
          const disc = findAttribute(d.attributes, 'discoverable');
          const p: IrProtocol = {
            ...base,
            openness: d.openness,
            transport: d.transport,
            composed: d.composed.map((c) => fqn(c)),
            methods: (d.allMethods ?? d.methods).map((m) => this.method(m)),
          };
          if (disc)
            p.discoverableName =
              stringArg(disc, 'name') ?? stringArg(disc) ?? `${lib.name}.${d.name}`;
          out.protocols.push(p);
          break;
        }
        case 'service':
          declare(d, 'service');
          out.services.push({
            ...base,
            members: d.members.map((m) => ({
              name: m.name,
              type: this.type(m.type as FlatType),
              ...common(m.span, m.attributes),
            })),
          } satisfies IrService);
          break;
        case 'resource':
          // resource_definition has no IR form: it shows up as handle types.
          break;
      }
    }
    return out;
  }

  valueMember(m: ValueMember): IrEnumMember {
    return { name: m.name, value: (m.value ?? 0n).toString(), ...common(m.span, m.attributes) };
  }

  ordinalMember(m: OrdinalMember): IrTableMember {
    const base = { ordinal: m.ordinal, ...common(m.span, m.attributes) };
    if (m.name === null || !m.type) return { ...base, reserved: true };
    return { ...base, name: m.name, type: this.type(m.type), reserved: false };
  }

  method(m: Method): IrMethod {
    const out: IrMethod = {
      name: m.name,
      ordinal: (m.ordinal ?? 0n).toString(),
      selector: m.selector ?? '',
      strict: m.strict,
      kind: m.kind,
      hasError: m.errorCtor !== null,
      declaredIn: fqn(m.declaredIn),
      ...common(m.span, m.attributes),
    };
    if (m.request) out.requestPayload = this.type(m.request);
    if (m.resultUnion) {
      out.responsePayload = this.type({ kind: 'identifier', decl: m.resultUnion, nullable: false });
    } else if (m.success) {
      out.responsePayload = this.type(m.success);
    }
    if (m.success && m.successCtor) out.successPayload = this.type(m.success);
    if (m.error) out.errorType = this.type(m.error);
    return out;
  }
}
