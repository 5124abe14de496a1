/**
 * Attributes are opaque key/value data except for the few the compiler
 * itself reads (@doc, @transport, @selector, @discoverable, @generated_name,
 * @unknown, @available). Those get their arguments checked; every attribute
 * list is checked for duplicates.
 */
import type { IrAttribute, IrAttributeArg, Transport } from '../ir/types.js';
import type { RawAttribute } from './ast.js';
import { constantText } from './constants.js';
import { DiagnosticSink } from './diagnostics.js';
import { decodeStringLiteral } from './lexer.js';
import { canonicalName } from './names.js';

export const TRANSPORTS: readonly Transport[] = ['Channel', 'Driver', 'Banjo', 'Syscall'];

const LIBRARY_RE = '[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*';
const IDENT_RE = '[A-Za-z]([A-Za-z0-9_]*[A-Za-z0-9])?';
export const SELECTOR_FQN_RE = new RegExp(`^${LIBRARY_RE}/${IDENT_RE}\\.${IDENT_RE}$`);
const SELECTOR_NAME_RE = new RegExp(`^${IDENT_RE}$`);
const DISCOVERABLE_RE = new RegExp(`^${LIBRARY_RE}\\.${IDENT_RE}$`);

/** Decoded text of an attribute argument: strings unquoted, everything else as written. */
export function argText(arg: RawAttribute['args'][number]): string {
  const v = arg.value;
  if (v.kind === 'literal' && v.literal.kind === 'string') {
    return (
      decodeStringLiteral(v.literal.text, v.span, new DiagnosticSink()) ??
      v.literal.text.slice(1, -1)
    );
  }
  return constantText(v);
}

export function findAttribute(
  attrs: readonly RawAttribute[],
  name: string,
): RawAttribute | undefined {
  return attrs.find((a) => a.name.name === name);
}

/** The single string argument of `@name("...")` (positional or `value=`). */
export function stringArg(attr: RawAttribute, argName = 'value'): string | undefined {
  const arg = attr.args.find((a) => (a.name?.name ?? 'value') === argName);
  if (!arg || arg.value.kind !== 'literal' || arg.value.literal.kind !== 'string') return undefined;
  return argText(arg);
}

export function docText(attrs: readonly RawAttribute[]): string | undefined {
  const parts: string[] = [];
  for (const a of attrs) {
    if (a.docText !== undefined) parts.push(a.docText);
    else if (a.name.name === 'doc') {
      const s = stringArg(a);
      if (s !== undefined) parts.push(s);
    }
  }
  return parts.length ? parts.join('\n') : undefined;
}

export function checkAttributes(attrs: readonly RawAttribute[], sink: DiagnosticSink): void {
  const seen = new Map<string, RawAttribute>();
  for (const a of attrs) {
    const key = canonicalName(a.name.name);
    const prev = seen.get(key);
    if (prev) {
      const what =
        a.docText !== undefined || prev.docText !== undefined
          ? 'documentation (/// and @doc)'
          : `@${a.name.name}`;
      sink.error(
        'FIDL-DUPLICATE-ATTRIBUTE',
        a.span,
        `${what} is given twice on the same element (first at line ${prev.span.line}); keep one`,
      );
      continue;
    }
    seen.set(key, a);
    if (a.docText !== undefined) continue;
    checkKnownAttribute(a, sink);
  }
}

function needOneString(a: RawAttribute, sink: DiagnosticSink, example: string): string | undefined {
  const s = a.args.length === 1 ? stringArg(a, a.args[0]?.name?.name ?? 'value') : undefined;
  if (s === undefined) {
    sink.error(
      'FIDL-INVALID-ATTRIBUTE-ARG',
      a.span,
      `@${a.name.name} takes exactly one string argument, e.g. ${example}`,
    );
  }
  return s;
}

function checkKnownAttribute(a: RawAttribute, sink: DiagnosticSink): void {
  switch (a.name.name) {
    case 'doc':
      needOneString(a, sink, '@doc("Explains the element.")');
      return;
    case 'transport': {
      const s = needOneString(a, sink, '@transport("Driver")');
      if (s !== undefined && !(TRANSPORTS as readonly string[]).includes(s)) {
        sink.error(
          'FIDL-INVALID-TRANSPORT',
          a.span,
          `unknown transport "${s}"; use one of ${TRANSPORTS.map((t) => `"${t}"`).join(', ')}`,
        );
      }
      return;
    }
    case 'selector': {
      const s = needOneString(a, sink, '@selector("fuchsia.io/Node.Close")');
      if (
        s !== undefined &&
        !(s.includes('/') ? SELECTOR_FQN_RE.test(s) : SELECTOR_NAME_RE.test(s))
      ) {
        sink.error(
          'FIDL-INVALID-SELECTOR',
          a.span,
          `@selector("${s}") is invalid; give a method name ("Clone") or a full selector ("fuchsia.io/Node.Close")`,
        );
      }
      return;
    }
    case 'discoverable': {
      for (const arg of a.args) {
        const key = arg.name?.name ?? 'name';
        const isString = arg.value.kind === 'literal' && arg.value.literal.kind === 'string';
        if (!['name', 'client', 'server'].includes(key) || !isString) {
          sink.error(
            'FIDL-INVALID-ATTRIBUTE-ARG',
            arg.span,
            '@discoverable takes optional string arguments name=, client= and server=',
          );
          continue;
        }
        if (key === 'name' && !DISCOVERABLE_RE.test(argText(arg))) {
          sink.error(
            'FIDL-INVALID-ATTRIBUTE-ARG',
            arg.span,
            `discoverable name "${argText(arg)}" is invalid; write it as library.Protocol, e.g. "fuchsia.hardware.block.Block"`,
          );
        }
      }
      return;
    }
    case 'unknown':
      if (a.args.length > 0) {
        sink.error('FIDL-INVALID-ATTRIBUTE-ARG', a.span, '@unknown takes no arguments');
      }
      return;
    case 'available':
      for (const arg of a.args) {
        if (!arg.name) {
          sink.error(
            'FIDL-INVALID-ATTRIBUTE-ARG',
            arg.span,
            '@available takes named arguments, e.g. @available(added=12, removed=HEAD)',
          );
        }
      }
      return;
    default:
      return;
  }
}

export function irAttributes(attrs: readonly RawAttribute[]): IrAttribute[] {
  return attrs.map((a) => {
    const args: IrAttributeArg[] =
      a.docText !== undefined
        ? [{ name: 'value', value: a.docText }]
        : a.args.map((arg) => ({ name: arg.name?.name ?? 'value', value: argText(arg) }));
    return {
      name: a.name.name,
      args,
      location: { file: a.span.file, line: a.span.line, column: a.span.column },
    };
  });
}
