/**
 * Hand-written recursive-descent parser for current FIDL syntax.
 *
 * FIDL has no reserved words (a member may be called `type`, `struct` or
 * `protocol`), so every decision is made on identifier text plus a token or
 * two of lookahead. On a syntax error the parser reports it, skips to the end
 * of the broken member (`;` at the member's brace depth) or declaration, and
 * carries on, so a file with several mistakes reports all of them.
 */
import type {
  CompoundIdentifier,
  Identifier,
  LayoutKind,
  RawAttribute,
  RawAttributeArg,
  RawCompose,
  RawConstant,
  RawDecl,
  RawFile,
  RawLayout,
  RawLayoutMember,
  RawLayoutParam,
  RawMethod,
  RawModifier,
  RawParamList,
  RawProtocolDecl,
  RawResourceDecl,
  RawServiceDecl,
  RawTypeCtor,
  RawUsing,
} from './ast.js';
import type { DiagnosticSink, Span } from './diagnostics.js';
import { tokenize, type DocComment, type Token } from './lexer.js';

/** Thrown inside the parser to unwind to the nearest recovery point; never escapes. */
class ParseAbort {}

const LAYOUT_KINDS = new Set<string>(['struct', 'table', 'union', 'enum', 'bits', 'overlay']);
const LAYOUT_MODIFIERS = new Set(['strict', 'flexible', 'resource']);
const PROTOCOL_MODIFIERS = new Set(['open', 'ajar', 'closed']);
const METHOD_MODIFIERS = new Set(['strict', 'flexible']);
const IDENTIFIER_RE = /^[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?$/;
const LIBRARY_COMPONENT_RE = /^[a-z][a-z0-9]*$/;

export function spanJoin(a: Span, b: Span): Span {
  return {
    file: a.file,
    line: a.line,
    column: a.column,
    endLine: b.endLine,
    endColumn: b.endColumn,
  };
}

export function parseFidl(path: string, text: string, sink: DiagnosticSink): RawFile {
  return new Parser(path, tokenize(path, text, sink), sink).parseFile();
}

class Parser {
  #i = 0;
  #depth = 0;
  #prev: Token | undefined;
  readonly #docsTaken = new Set<DocComment>();

  constructor(
    readonly file: string,
    readonly tokens: Token[],
    readonly sink: DiagnosticSink,
  ) {}

  // ---- token helpers

  peek(k = 0): Token {
    return this.tokens[Math.min(this.#i + k, this.tokens.length - 1)] as Token;
  }

  get eof(): boolean {
    return this.peek().kind === 'eof';
  }

  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }

  isIdent(text?: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && (text === undefined || t.text === text);
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.#i++;
    if (t.kind === 'punct') {
      if (t.text === '{') this.#depth++;
      else if (t.text === '}') this.#depth = Math.max(0, this.#depth - 1);
    }
    this.#prev = t;
    return t;
  }

  describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    return `'${t.text}'`;
  }

  fail(expected: string, t: Token = this.peek()): never {
    this.sink.error(
      'FIDL-UNEXPECTED-TOKEN',
      t.span,
      `expected ${expected}, found ${this.describe(t)}`,
    );
    throw new ParseAbort();
  }

  expectPunct(p: string, what: string): Token {
    if (this.isPunct(p)) return this.next();
    return this.fail(`'${p}' ${what}`);
  }

  /**
   * A missing `;` at the end of a line is reported at the end of the previous
   * token and parsing continues, which avoids a cascade of follow-on errors.
   */
  expectSemicolon(what: string): void {
    if (this.isPunct(';')) {
      this.next();
      return;
    }
    const t = this.peek();
    if (
      this.#prev &&
      (t.startsLine || t.kind === 'eof' || (t.kind === 'punct' && t.text === '}'))
    ) {
      const end = this.#prev.span;
      this.sink.error(
        'FIDL-UNEXPECTED-TOKEN',
        {
          file: end.file,
          line: end.endLine,
          column: end.endColumn,
          endLine: end.endLine,
          endColumn: end.endColumn + 1,
        },
        `expected ';' ${what}`,
      );
      return;
    }
    this.fail(`';' ${what}`);
  }

  expectIdent(what: string): Identifier {
    const t = this.peek();
    if (t.kind !== 'ident') return this.fail(what);
    this.next();
    if (!IDENTIFIER_RE.test(t.text)) {
      this.sink.error(
        'FIDL-INVALID-IDENTIFIER',
        t.span,
        `'${t.text}' is not a valid identifier; identifiers start with a letter and may not start or end with '_'`,
      );
    }
    return { name: t.text, span: t.span };
  }

  parseCompoundIdentifier(what: string): CompoundIdentifier {
    const parts = [this.expectIdent(what)];
    while (this.isPunct('.') && this.isIdent(undefined, 1)) {
      this.next();
      parts.push(this.expectIdent('an identifier after "."'));
    }
    const first = parts[0] as Identifier;
    const last = parts[parts.length - 1] as Identifier;
    return { parts, span: spanJoin(first.span, last.span) };
  }

  spanFrom(start: Token): Span {
    const end = this.#prev ?? start;
    return spanJoin(start.span, end.span);
  }

  // ---- recovery

  /** True when tokens at the cursor unmistakably begin a top-level declaration. */
  looksLikeDeclStart(): boolean {
    const t = this.peek();
    if (!t.startsLine || t.kind !== 'ident') return false;
    const a = this.peek(1);
    const b = this.peek(2);
    const identThen = (p: string): boolean =>
      a.kind === 'ident' && b.kind === 'punct' && b.text === p;
    switch (t.text) {
      case 'type':
      case 'alias':
        return identThen('=');
      case 'const':
        return a.kind === 'ident' && b.kind === 'ident';
      case 'protocol':
      case 'service':
        return identThen('{');
      case 'open':
      case 'ajar':
      case 'closed':
        return a.kind === 'ident' && a.text === 'protocol';
      case 'resource_definition':
        return a.kind === 'ident';
      default:
        return false;
    }
  }

  recoverDecl(): void {
    while (!this.eof) {
      const t = this.peek();
      if (this.#depth === 0 && t.kind === 'punct' && t.text === ';') {
        this.next();
        return;
      }
      if (this.looksLikeDeclStart()) {
        this.#depth = 0;
        return;
      }
      this.next();
    }
  }

  recoverMember(depth: number): void {
    while (!this.eof) {
      const t = this.peek();
      if (this.#depth < depth) return;
      if (this.#depth === depth && t.kind === 'punct') {
        if (t.text === ';') {
          this.next();
          return;
        }
        if (t.text === '}') return;
      }
      if (this.looksLikeDeclStart()) return;
      this.next();
    }
  }

  /** Runs `body` for each member until `}`; a broken member is skipped, not fatal. */
  parseMembers(what: string, body: () => void): void {
    const depth = this.#depth;
    while (!this.isPunct('}')) {
      if (this.eof || this.looksLikeDeclStart()) {
        this.fail(`'}' to close ${what}`);
      }
      const before = this.#i;
      try {
        body();
      } catch (e) {
        if (!(e instanceof ParseAbort)) throw e;
        this.recoverMember(depth);
        if (this.#i === before) this.next();
        if (this.#depth < depth) return;
      }
    }
    this.next();
  }

  // ---- attributes and constants

  takeDoc(t: Token, into: RawAttribute[]): void {
    const doc = t.doc;
    if (!doc || this.#docsTaken.has(doc)) return;
    this.#docsTaken.add(doc);
    into.push({
      name: { name: 'doc', span: doc.span },
      args: [],
      span: doc.span,
      docText: doc.lines.join('\n'),
    });
  }

  parseAttributeList(): RawAttribute[] {
    const attrs: RawAttribute[] = [];
    for (;;) {
      this.takeDoc(this.peek(), attrs);
      if (!this.isPunct('@')) return attrs;
      const at = this.next();
      const name = this.expectIdent('an attribute name after "@"');
      const args: RawAttributeArg[] = [];
      if (this.isPunct('(')) {
        this.next();
        args.push(...this.parseArgs('attribute'));
      }
      attrs.push({ name, args, span: this.spanFrom(at) });
    }
  }

  /** `value` or `name=value, name2=value2` up to and including ')'. */
  parseArgs(what: string): RawAttributeArg[] {
    const args: RawAttributeArg[] = [];
    if (this.isPunct(')')) {
      this.next();
      return args;
    }
    for (;;) {
      const start = this.peek();
      let name: Identifier | null = null;
      if (this.isIdent() && this.isPunct('=', 1)) {
        name = this.expectIdent('an argument name');
        this.next();
      }
      const value = this.parseConstant();
      args.push({ name, value, span: this.spanFrom(start) });
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expectPunct(')', `to close the ${what} arguments`);
      return args;
    }
  }

  parseConstant(): RawConstant {
    let left = this.parsePrimaryConstant();
    while (this.isPunct('|')) {
      this.next();
      const right = this.parsePrimaryConstant();
      left = { kind: 'binary', op: '|', left, right, span: spanJoin(left.span, right.span) };
    }
    return left;
  }

  parsePrimaryConstant(): RawConstant {
    const t = this.peek();
    if (t.kind === 'number' || t.kind === 'string') {
      this.next();
      return {
        kind: 'literal',
        literal: { kind: t.kind, text: t.text, span: t.span },
        span: t.span,
      };
    }
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false') && !this.isPunct('.', 1)) {
      this.next();
      return {
        kind: 'literal',
        literal: { kind: 'bool', text: t.text, span: t.span },
        span: t.span,
      };
    }
    if (t.kind === 'ident') {
      const name = this.parseCompoundIdentifier('a constant');
      return { kind: 'identifier', name, span: name.span };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.parseConstant();
      this.expectPunct(')', 'to close the parenthesized constant');
      return inner;
    }
    return this.fail('a constant (a literal or a name)');
  }

  /** Modifiers such as `strict`, `resource(added=NEXT)`; stops at the first non-modifier. */
  parseModifiers(allowed: ReadonlySet<string>, isModifierHere: () => boolean): RawModifier[] {
    const mods: RawModifier[] = [];
    while (this.isIdent() && allowed.has(this.peek().text) && isModifierHere()) {
      const name = this.expectIdent('a modifier');
      const args: RawAttributeArg[] = [];
      if (this.isPunct('(')) {
        this.next();
        args.push(...this.parseArgs('modifier'));
      }
      mods.push({ name, args });
    }
    return mods;
  }

  /** Index just past a balanced `( ... )` starting at offset k, or -1. */
  skipParens(k: number): number {
    if (!this.isPunct('(', k)) return -1;
    let depth = 0;
    for (let j = k; ; j++) {
      const t = this.peek(j);
      if (t.kind === 'eof') return -1;
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
  }

  /** A modifier followed by `(`: only when the parens hold `name=` availability args. */
  modifierArgsAhead(k: number): boolean {
    return this.isPunct('(', k) && this.isIdent(undefined, k + 1) && this.isPunct('=', k + 2);
  }

  /**
   * Does a type position at offset k hold an inline layout? It does when it
   * starts with `@`, or (after modifiers) with a layout keyword followed by `{`
   * (or `:` for an enum or bits subtype).
   */
  inlineLayoutAhead(k = 0): boolean {
    if (this.isPunct('@', k)) return true;
    let j = k;
    while (this.isIdent(undefined, j) && LAYOUT_MODIFIERS.has(this.peek(j).text)) {
      if (this.modifierArgsAhead(j + 1)) {
        const after = this.skipParens(j + 1);
        if (after < 0) return false;
        j = after;
      } else {
        j++;
      }
    }
    const kw = this.peek(j);
    if (kw.kind !== 'ident' || !LAYOUT_KINDS.has(kw.text)) return false;
    if (this.isPunct('{', j + 1)) return true;
    return (kw.text === 'enum' || kw.text === 'bits') && this.isPunct(':', j + 1);
  }

  // ---- file

  parseFile(): RawFile {
    const file: RawFile = { path: this.file, attributes: [], library: null, usings: [], decls: [] };
    try {
      file.attributes = this.parseAttributeList();
      if (this.isIdent('library')) {
        this.next();
        file.library = this.parseCompoundIdentifier('a library name');
        this.checkLibraryName(file.library);
        this.expectSemicolon('after the library name');
      } else {
        this.sink.error(
          'FIDL-MISSING-LIBRARY',
          this.peek().span,
          "every FIDL file must start with a library declaration, e.g. 'library fuchsia.example;'",
        );
      }
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      this.recoverDecl();
    }

    while (!this.eof) {
      const before = this.#i;
      try {
        const attributes = this.parseAttributeList();
        if (this.eof) {
          if (attributes.some((a) => a.docText === undefined)) {
            this.fail('a declaration after the attributes');
          }
          break;
        }
        if (this.isIdent('using') && this.isIdent(undefined, 1)) {
          const using = this.parseUsing(attributes);
          if (file.decls.length > 0) {
            this.sink.error(
              'FIDL-UNEXPECTED-TOKEN',
              using.span,
              "'using' must come before all declarations; move it up under the library line",
            );
          }
          file.usings.push(using);
        } else {
          const decl = this.parseDecl(attributes);
          if (decl) file.decls.push(decl);
        }
      } catch (e) {
        if (!(e instanceof ParseAbort)) throw e;
        this.recoverDecl();
        if (this.#i === before) this.next();
      }
    }
    this.reportOrphanDocs();
    return file;
  }

  reportOrphanDocs(): void {
    for (const t of this.tokens) {
      if (t.doc && !this.#docsTaken.has(t.doc)) {
        this.sink.warning(
          'FIDL-ORPHAN-DOC-COMMENT',
          t.doc.span,
          'this `///` doc comment documents nothing; put it right before a declaration or member, or use `//`',
        );
      }
    }
  }

  checkLibraryName(name: CompoundIdentifier): void {
    for (const part of name.parts) {
      if (!LIBRARY_COMPONENT_RE.test(part.name)) {
        this.sink.error(
          'FIDL-INVALID-LIBRARY-NAME',
          part.span,
          `library name component '${part.name}' is invalid; components are lowercase letters and digits starting with a letter, e.g. 'fuchsia.hardware.block'`,
        );
      }
    }
  }

  parseUsing(attributes: RawAttribute[]): RawUsing {
    const start = this.next();
    const library = this.parseCompoundIdentifier('a library name after "using"');
    let alias: Identifier | null = null;
    if (this.isIdent('as')) {
      this.next();
      alias = this.expectIdent('an alias name after "as"');
    } else if (this.isPunct('=')) {
      this.fail("';' (the old `using X = T;` alias syntax is gone; write `alias X = T;`)");
    }
    const span = this.spanFrom(start);
    this.expectSemicolon('after the using declaration');
    return { attributes, library, alias, span };
  }

  parseDecl(attributes: RawAttribute[]): RawDecl | null {
    const t = this.peek();
    if (t.kind !== 'ident')
      return this.fail('a declaration (type, const, alias, protocol, service)');
    let decl: RawDecl;
    switch (t.text) {
      case 'const': {
        this.next();
        const name = this.expectIdent('a constant name');
        const type = this.parseTypeCtor();
        this.expectPunct('=', 'between the constant type and its value');
        const value = this.parseConstant();
        decl = { kind: 'const', attributes, name, type, value, span: this.spanFrom(t) };
        break;
      }
      case 'alias': {
        this.next();
        const name = this.expectIdent('an alias name');
        this.expectPunct('=', 'after the alias name');
        const type = this.parseTypeCtor();
        decl = { kind: 'alias', attributes, name, type, span: this.spanFrom(t) };
        break;
      }
      case 'type': {
        this.next();
        const name = this.expectIdent('a type name');
        this.expectPunct('=', 'after the type name');
        const type = this.parseTypeCtor();
        decl = { kind: 'type', attributes, name, type, span: this.spanFrom(t) };
        break;
      }
      case 'service':
        decl = this.parseService(attributes);
        break;
      case 'resource_definition':
        decl = this.parseResource(attributes);
        break;
      default: {
        this.rejectOldLayoutSyntax();
        if (PROTOCOL_MODIFIERS.has(t.text) || t.text === 'protocol') {
          decl = this.parseProtocol(attributes);
          break;
        }
        return this.fail('a declaration (type, const, alias, protocol, service)');
      }
    }
    this.expectSemicolon(`after the ${decl.kind === 'type' ? 'type' : decl.kind} declaration`);
    return decl;
  }

  /** `struct Foo {...}` / `strict union Foo {...}`: the pre-2021 syntax, with a fix-it message. */
  rejectOldLayoutSyntax(): void {
    let j = 0;
    while (this.isIdent(undefined, j) && LAYOUT_MODIFIERS.has(this.peek(j).text)) j++;
    const kw = this.peek(j);
    if (kw.kind !== 'ident' || !(LAYOUT_KINDS.has(kw.text) || kw.text === 'xunion')) return;
    if (!this.isIdent(undefined, j + 1)) return;
    const name = this.peek(j + 1).text;
    const mods = Array.from({ length: j }, (_, m) => this.peek(m).text + ' ').join('');
    const kind = kw.text === 'xunion' ? 'flexible union' : kw.text;
    this.sink.error(
      'FIDL-OLD-SYNTAX',
      this.peek().span,
      `this is the old declaration syntax; write 'type ${name} = ${mods}${kind} { ... };' with members as 'name type;'`,
    );
    throw new ParseAbort();
  }

  // ---- types and layouts

  parseTypeCtor(): RawTypeCtor {
    const start = this.peek();
    let layout: RawTypeCtor['layout'];
    if (this.inlineLayoutAhead()) {
      const attributes = this.parseAttributeList();
      const modifiers = this.parseModifiers(LAYOUT_MODIFIERS, () => true);
      const kw = this.expectIdent('a layout kind (struct, table, union, enum, bits)');
      if (!LAYOUT_KINDS.has(kw.name)) {
        this.fail('a layout kind (struct, table, union, enum, bits)', this.tokens[this.#i - 1]);
      }
      layout = { kind: 'inline', layout: this.parseLayoutBody(kw, attributes, modifiers, start) };
    } else {
      layout = { kind: 'named', name: this.parseCompoundIdentifier('a type') };
    }
    let params: RawLayoutParam[] | null = null;
    if (this.isPunct('<')) {
      this.next();
      params = [];
      for (;;) {
        const p = this.peek();
        if (p.kind === 'number' || p.kind === 'string') {
          params.push({ kind: 'literal', constant: this.parsePrimaryConstant() });
        } else {
          params.push({ kind: 'type', ctor: this.parseTypeCtor() });
        }
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        this.expectPunct('>', 'to close the layout parameters');
        break;
      }
    }
    let constraints: RawConstant[] | null = null;
    if (this.isPunct(':')) {
      this.next();
      constraints = [];
      if (this.isPunct('<')) {
        this.next();
        for (;;) {
          constraints.push(this.parseConstant());
          if (this.isPunct(',')) {
            this.next();
            continue;
          }
          this.expectPunct('>', 'to close the constraint list');
          break;
        }
      } else {
        constraints.push(this.parseConstant());
      }
    }
    return { layout, params, constraints, span: this.spanFrom(start) };
  }

  parseLayoutBody(
    kw: Identifier,
    attributes: RawAttribute[],
    modifiers: RawModifier[],
    start: Token,
  ): RawLayout {
    const kind = kw.name as LayoutKind;
    let subtype: RawTypeCtor | null = null;
    if (this.isPunct(':')) {
      if (kind !== 'enum' && kind !== 'bits') this.fail(`'{' after '${kind}'`);
      this.next();
      subtype = this.parseTypeCtor();
    }
    this.expectPunct('{', `to open the ${kind} body`);
    const members: RawLayoutMember[] = [];
    this.parseMembers(`the ${kind}`, () => {
      const m = this.parseLayoutMember(kind);
      if (m) members.push(m);
    });
    return {
      kind,
      attributes,
      modifiers,
      subtype,
      members,
      kindSpan: kw.span,
      span: this.spanFrom(start),
    };
  }

  parseLayoutMember(kind: LayoutKind): RawLayoutMember | null {
    const start = this.peek();
    const attributes = this.parseAttributeList();
    if (kind === 'struct') {
      const name = this.expectIdent('a member name');
      if (this.isPunct(';')) {
        this.fail(`a type after member name '${name.name}' (members are written 'name type;')`);
      }
      const type = this.parseTypeCtor();
      let defaultValue: RawConstant | null = null;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.parseConstant();
      }
      const span = this.spanFrom(start);
      this.expectSemicolon('after the struct member');
      return { kind: 'struct', attributes, name, type, defaultValue, span };
    }
    if (kind === 'enum' || kind === 'bits') {
      const name = this.expectIdent('a member name');
      this.expectPunct(
        '=',
        `after ${kind} member '${name.name}' (members are written 'NAME = value;')`,
      );
      const value = this.parseConstant();
      const span = this.spanFrom(start);
      this.expectSemicolon(`after the ${kind} member`);
      return { kind: 'value', attributes, name, value, span };
    }
    const ord = this.peek();
    if (ord.kind !== 'number') {
      this.fail(`an ordinal (${kind} members are written 'N: name type;' or 'N: reserved;')`);
    }
    this.next();
    this.expectPunct(':', 'after the member ordinal');
    if (this.isIdent('reserved') && (this.isPunct(';', 1) || this.peek(1).startsLine)) {
      this.next();
      const span = this.spanFrom(start);
      this.expectSemicolon('after the reserved member');
      return {
        kind: 'ordinal',
        attributes,
        ordinal: { text: ord.text, span: ord.span },
        name: null,
        type: null,
        span,
      };
    }
    const name = this.expectIdent('a member name or "reserved"');
    const type = this.parseTypeCtor();
    const span = this.spanFrom(start);
    this.expectSemicolon(`after the ${kind} member`);
    return {
      kind: 'ordinal',
      attributes,
      ordinal: { text: ord.text, span: ord.span },
      name,
      type,
      span,
    };
  }

  // ---- protocols, services, resources

  parseProtocol(attributes: RawAttribute[]): RawProtocolDecl {
    const start = this.peek();
    const modifiers = this.parseModifiers(PROTOCOL_MODIFIERS, () => true);
    if (!this.isIdent('protocol')) this.fail("'protocol'");
    this.next();
    const name = this.expectIdent('a protocol name');
    this.expectPunct('{', 'to open the protocol body');
    const composes: RawCompose[] = [];
    const methods: RawMethod[] = [];
    this.parseMembers('the protocol', () => {
      const mStart = this.peek();
      const memberAttrs = this.parseAttributeList();
      if (this.isIdent('compose') && this.isIdent(undefined, 1)) {
        this.next();
        const target = this.parseCompoundIdentifier('a protocol name after "compose"');
        const span = this.spanFrom(mStart);
        this.expectSemicolon('after the compose statement');
        composes.push({ attributes: memberAttrs, name: target, span });
        return;
      }
      methods.push(this.parseMethod(memberAttrs, mStart));
    });
    return {
      kind: 'protocol',
      attributes,
      modifiers,
      name,
      composes,
      methods,
      span: this.spanFrom(start),
    };
  }

  parseMethod(attributes: RawAttribute[], start: Token): RawMethod {
    const modifiers = this.parseModifiers(METHOD_MODIFIERS, () => {
      // `strict Foo(...)`, `flexible -> OnBar(...)`, `strict(removed=2) Foo()`;
      // but `strict(...)` alone is a method named strict.
      return this.isIdent(undefined, 1) || this.isPunct('->', 1) || this.modifierArgsAhead(1);
    });
    if (this.isPunct('->')) {
      this.next();
      const name = this.expectIdent('an event name after "->"');
      const response = this.parseParamList();
      if (this.isIdent('error')) {
        this.sink.error(
          'FIDL-EVENT-ERROR-SYNTAX',
          this.peek().span,
          `event '${name.name}' cannot use error syntax; events have no reply to carry an error. Put the error in the event payload instead`,
        );
        this.next();
        this.parseTypeCtor();
      }
      const span = this.spanFrom(start);
      this.expectSemicolon('after the event');
      return { attributes, modifiers, name, request: null, response, error: null, span };
    }
    const name = this.expectIdent('a method name');
    const request = this.parseParamList();
    let response: RawParamList | null = null;
    let error: RawTypeCtor | null = null;
    if (this.isPunct('->')) {
      this.next();
      response = this.parseParamList();
      if (this.isIdent('error')) {
        this.next();
        error = this.parseTypeCtor();
      }
    }
    const span = this.spanFrom(start);
    this.expectSemicolon('after the method');
    return { attributes, modifiers, name, request, response, error, span };
  }

  parseParamList(): RawParamList {
    const start = this.peek();
    this.expectPunct('(', 'to open the parameter list');
    if (this.isPunct(')')) {
      this.next();
      return { type: null, span: this.spanFrom(start) };
    }
    if (this.isIdent() && this.isIdent(undefined, 1) && !this.inlineLayoutAhead()) {
      this.fail(
        "')' (a payload is one type such as 'struct { a uint32; }'; the old 'Foo(uint32 a)' parameter syntax is gone)",
        this.peek(1),
      );
    }
    const type = this.parseTypeCtor();
    this.expectPunct(')', 'to close the parameter list');
    return { type, span: this.spanFrom(start) };
  }

  parseService(attributes: RawAttribute[]): RawServiceDecl {
    const start = this.next();
    const name = this.expectIdent('a service name');
    this.expectPunct('{', 'to open the service body');
    const members: RawServiceDecl['members'] = [];
    this.parseMembers('the service', () => {
      const mStart = this.peek();
      const memberAttrs = this.parseAttributeList();
      const memberName = this.expectIdent('a service member name');
      const type = this.parseTypeCtor();
      const span = this.spanFrom(mStart);
      this.expectSemicolon('after the service member');
      members.push({ attributes: memberAttrs, name: memberName, type, span });
    });
    return { kind: 'service', attributes, name, members, span: this.spanFrom(start) };
  }

  parseResource(attributes: RawAttribute[]): RawResourceDecl {
    const start = this.next();
    const name = this.expectIdent('a resource name');
    let subtype: RawTypeCtor | null = null;
    if (this.isPunct(':')) {
      this.next();
      subtype = this.parseTypeCtor();
    }
    this.expectPunct('{', 'to open the resource_definition body');
    const properties: RawResourceDecl['properties'] = [];
    this.parseMembers('the resource_definition', () => {
      if (!this.isIdent('properties')) this.fail("'properties'");
      this.next();
      this.expectPunct('{', "to open 'properties'");
      this.parseMembers('the properties', () => {
        const mStart = this.peek();
        const propAttrs = this.parseAttributeList();
        const propName = this.expectIdent('a property name');
        const type = this.parseTypeCtor();
        const span = this.spanFrom(mStart);
        this.expectSemicolon('after the property');
        properties.push({ attributes: propAttrs, name: propName, type, span });
      });
      this.expectSemicolon("after the 'properties' block");
    });
    return {
      kind: 'resource_definition',
      attributes,
      name,
      subtype,
      properties,
      span: this.spanFrom(start),
    };
  }
}
