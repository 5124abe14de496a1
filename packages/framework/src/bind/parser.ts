/**
 * Recursive descent parser for bind rules, producing a syntax tree with
 * positions. It recovers after an error by skipping to the end of the
 * statement (`;`) or block (`}`), so one typo does not hide the next.
 *
 * Grammar (see README.md for the reference):
 *
 *   file      = [ "composite" IDENT ";" ] { using } ( { statement } | { parent } )
 *   using     = "using" compound [ "as" IDENT ] ";"
 *   parent    = [ "primary" | "optional" ] "parent" STRING block
 *   statement = condition ";" | accept | if | ( "true" | "false" ) ";"
 *   condition = compound ( "==" | "!=" ) value
 *   accept    = "accept" compound "{" value { "," value } [ "," ] "}"
 *   if        = "if" condition block { "else" "if" condition block } "else" block
 *   block     = "{" { statement } "}"
 *   value     = compound | STRING | NUMBER | "true" | "false"
 */
import type { Diagnostic } from '../diagnostics.js';
import { tokenize, type Token } from './lexer.js';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export interface IdentNode extends Pos {
  readonly name: string;
}

export interface ValueNode extends Pos {
  readonly kind: 'int' | 'string' | 'bool' | 'ident';
  readonly text: string;
  readonly value: number | string | boolean;
}

export interface ConditionNode extends Pos {
  readonly kind: 'condition';
  readonly key: IdentNode;
  readonly op: '==' | '!=';
  readonly value: ValueNode;
}

export interface AcceptNode extends Pos {
  readonly kind: 'accept';
  readonly key: IdentNode;
  readonly values: readonly ValueNode[];
}

export interface BlockNode extends Pos {
  readonly statements: readonly StatementNode[];
}

export interface IfNode extends Pos {
  readonly kind: 'if';
  readonly branches: readonly { readonly condition: ConditionNode; readonly body: BlockNode }[];
  readonly otherwise: BlockNode | undefined;
}

export interface LiteralNode extends Pos {
  readonly kind: 'literal';
  readonly value: boolean;
}

export type StatementNode = ConditionNode | AcceptNode | IfNode | LiteralNode;

export interface UsingNode extends Pos {
  readonly library: IdentNode;
  readonly alias: IdentNode | undefined;
}

export interface ParentNode extends Pos {
  readonly name: string;
  readonly primary: boolean;
  readonly optional: boolean;
  readonly body: BlockNode;
}

export interface FileNode {
  readonly composite: IdentNode | undefined;
  readonly usings: readonly UsingNode[];
  readonly statements: readonly StatementNode[];
  readonly parents: readonly ParentNode[];
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'accept',
  'as',
  'else',
  'false',
  'if',
  'true',
  'using',
  'composite',
  'parent',
  'primary',
  'optional',
]);

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'string':
      return `the string "${t.text}"`;
    case 'ident':
      return KEYWORDS.has(t.text) ? `the keyword '${t.text}'` : `'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private peek(offset = 0): Token {
    // The token list always ends with 'eof', so clamping keeps every peek defined.
    const t = this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
    if (t === undefined) return { kind: 'eof', text: '', line: 1, col: 1 };
    return t;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === word;
  }

  private error(at: Pos, message: string, fix?: string): void {
    const d: Diagnostic = { file: this.file, line: at.line, col: at.col, message };
    this.diagnostics.push(fix === undefined ? d : { ...d, fix });
  }

  /** The position just after the previous token: where a missing ';' belongs. */
  private afterPrevious(): Pos {
    const prev = this.tokens[this.pos - 1];
    if (prev === undefined) return this.peek();
    const width = prev.kind === 'string' ? prev.text.length + 2 : prev.text.length;
    return { line: prev.line, col: prev.col + width };
  }

  /**
   * Skips the rest of a broken statement: to just after the next ';' or
   * balanced `{ ... }` block, or to the '}' that closes the enclosing block.
   * Skipping whole blocks keeps their '}' from being reported as unmatched;
   * inside a broken if, `continueAtElse` also skips its else branches.
   */
  private synchronize(continueAtElse = false): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === '}' && depth === 0) return;
      this.next();
      if (t.kind === '{') depth++;
      else if (t.kind === '}' && --depth === 0) {
        if (!continueAtElse || !this.isKeyword('else')) return;
      } else if (t.kind === ';' && depth === 0) return;
    }
  }

  private expectSemicolon(after: string): void {
    if (this.peek().kind === ';') {
      this.next();
      return;
    }
    this.error(
      this.afterPrevious(),
      `missing ';' after ${after}`,
      "end each condition, using and true/false with ';'",
    );
  }

  parseFile(): FileNode {
    let composite: IdentNode | undefined;
    const usings: UsingNode[] = [];
    const statements: StatementNode[] = [];
    const parents: ParentNode[] = [];

    if (this.isKeyword('composite')) {
      this.next();
      const name = this.peek();
      if (name.kind === 'ident' && !KEYWORDS.has(name.text)) {
        this.next();
        composite = { name: name.text, line: name.line, col: name.col };
        this.expectSemicolon('the composite name');
      } else {
        this.error(
          name,
          `expected the composite's name after 'composite', found ${describe(name)}`,
          'write `composite my_device;`',
        );
        this.synchronize();
      }
    }

    let sawBody = false;
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (this.isKeyword('using')) {
        if (sawBody) {
          this.error(
            t,
            "'using' after the first statement",
            'move every using line to the top of the file',
          );
        }
        const u = this.parseUsing();
        if (u !== undefined) usings.push(u);
        continue;
      }
      sawBody = true;
      if (this.isKeyword('parent') || this.isKeyword('primary') || this.isKeyword('optional')) {
        const p = this.parseParent();
        if (p !== undefined) parents.push(p);
        continue;
      }
      if (t.kind === '}') {
        this.error(t, "unmatched '}'", "remove it, or add the '{' it closes");
        this.next();
        continue;
      }
      const s = this.parseStatement();
      if (s !== undefined) statements.push(s);
    }
    return { composite, usings, statements, parents };
  }

  private parseUsing(): UsingNode | undefined {
    const start = this.next();
    const lib = this.peek();
    if (lib.kind !== 'ident' || KEYWORDS.has(lib.text)) {
      this.error(
        lib,
        `expected a library name after 'using', found ${describe(lib)}`,
        'write `using fuchsia.block;`',
      );
      this.synchronize();
      return undefined;
    }
    this.next();
    let alias: IdentNode | undefined;
    if (this.isKeyword('as')) {
      this.next();
      const a = this.peek();
      if (a.kind !== 'ident' || KEYWORDS.has(a.text) || a.text.includes('.')) {
        this.error(
          a,
          `expected a short alias after 'as', found ${describe(a)}`,
          'write `using fuchsia.usb as usb;`',
        );
        this.synchronize();
        return undefined;
      }
      this.next();
      alias = { name: a.text, line: a.line, col: a.col };
    }
    this.expectSemicolon('the using line');
    return {
      library: { name: lib.text, line: lib.line, col: lib.col },
      alias,
      line: start.line,
      col: start.col,
    };
  }

  private parseParent(): ParentNode | undefined {
    const start = this.peek();
    let primary = false;
    let optional = false;
    if (this.isKeyword('primary')) {
      primary = true;
      this.next();
    } else if (this.isKeyword('optional')) {
      optional = true;
      this.next();
    }
    if (!this.isKeyword('parent')) {
      this.error(
        this.peek(),
        `expected 'parent' after '${start.text}', found ${describe(this.peek())}`,
        `write \`${start.text} parent "name" { ... }\``,
      );
      this.synchronize();
      return undefined;
    }
    this.next();
    const name = this.peek();
    if (name.kind !== 'string') {
      this.error(
        name,
        `expected the parent's name as a string, found ${describe(name)}`,
        'write `parent "i2c" { ... }`',
      );
      this.synchronize();
      return undefined;
    }
    this.next();
    const body = this.parseBlock(`parent "${name.text}"`);
    return { name: name.text, primary, optional, body, line: start.line, col: start.col };
  }

  private parseStatement(): StatementNode | undefined {
    const t = this.peek();
    if (this.isKeyword('if')) return this.parseIf();
    if (this.isKeyword('accept')) return this.parseAccept();
    if (this.isKeyword('true') || this.isKeyword('false')) {
      this.next();
      this.expectSemicolon(`'${t.text}'`);
      return { kind: 'literal', value: t.text === 'true', line: t.line, col: t.col };
    }
    if (this.isKeyword('else')) {
      this.error(t, "'else' without an 'if'", "put 'else' right after the '}' of an if block");
      this.next();
      this.synchronize();
      return undefined;
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.text)) {
      const c = this.parseCondition();
      if (c === undefined) {
        this.synchronize();
        return undefined;
      }
      this.expectSemicolon(`the condition on ${c.key.name}`);
      return c;
    }
    this.error(
      t,
      `expected a statement, found ${describe(t)}`,
      'a statement is `key == value;`, `key != value;`, `accept key { ... }`, an if, or `true;`/`false;`',
    );
    if (t.kind !== '}') this.next();
    this.synchronize();
    return undefined;
  }

  private parseCondition(): ConditionNode | undefined {
    const keyTok = this.next();
    const key = { name: keyTok.text, line: keyTok.line, col: keyTok.col };
    const op = this.peek();
    if (op.kind !== '==' && op.kind !== '!=') {
      this.error(
        op,
        `expected '==' or '!=' after '${key.name}', found ${describe(op)}`,
        'write `key == value` or `key != value`',
      );
      return undefined;
    }
    this.next();
    const value = this.parseValue();
    if (value === undefined) return undefined;
    return { kind: 'condition', key, op: op.kind, value, line: keyTok.line, col: keyTok.col };
  }

  private parseValue(): ValueNode | undefined {
    const t = this.peek();
    const at = { line: t.line, col: t.col };
    if (t.kind === 'number') {
      this.next();
      return { kind: 'int', text: t.text, value: t.number ?? 0, ...at };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'string', text: t.text, value: t.text, ...at };
    }
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) {
      this.next();
      return { kind: 'bool', text: t.text, value: t.text === 'true', ...at };
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.text)) {
      this.next();
      return { kind: 'ident', text: t.text, value: t.text, ...at };
    }
    this.error(
      t,
      `expected a value, found ${describe(t)}`,
      'a value is a number, a "string", true, false, or an enum name like fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL',
    );
    return undefined;
  }

  private parseAccept(): AcceptNode | undefined {
    const start = this.next();
    const keyTok = this.peek();
    if (keyTok.kind !== 'ident' || KEYWORDS.has(keyTok.text)) {
      this.error(
        keyTok,
        `expected a key after 'accept', found ${describe(keyTok)}`,
        'write `accept key { value1, value2 }`',
      );
      this.synchronize();
      return undefined;
    }
    this.next();
    const open = this.peek();
    if (open.kind !== '{') {
      this.error(
        open,
        `expected '{' after 'accept ${keyTok.text}', found ${describe(open)}`,
        'write `accept key { value1, value2 }`',
      );
      this.synchronize();
      return undefined;
    }
    this.next();
    const values: ValueNode[] = [];
    while (this.peek().kind !== '}' && this.peek().kind !== 'eof') {
      const v = this.parseValue();
      if (v === undefined) {
        // Skip the bad token, then continue with the rest of the list.
        this.next();
        continue;
      }
      values.push(v);
      if (this.peek().kind === ',') this.next();
      else if (this.peek().kind !== '}') {
        this.error(
          this.afterPrevious(),
          "missing ',' between accepted values",
          'separate values with commas',
        );
      }
    }
    if (this.peek().kind !== '}') {
      this.error(
        this.peek(),
        `missing '}' to close the accept list opened at ${open.line}:${open.col}`,
        "add '}'",
      );
    } else {
      this.next();
    }
    if (values.length === 0) {
      this.error(
        open,
        `accept ${keyTok.text} lists no values`,
        'list at least one value, or remove the statement',
      );
    }
    if (this.peek().kind === ';') this.next(); // Tolerated, as in the upstream examples.
    return {
      kind: 'accept',
      key: { name: keyTok.text, line: keyTok.line, col: keyTok.col },
      values,
      line: start.line,
      col: start.col,
    };
  }

  private parseIf(): IfNode | undefined {
    const start = this.next();
    const branches: { condition: ConditionNode; body: BlockNode }[] = [];
    for (;;) {
      const keyTok = this.peek();
      if (keyTok.kind !== 'ident' || KEYWORDS.has(keyTok.text)) {
        this.error(
          keyTok,
          `expected a condition after 'if', found ${describe(keyTok)}`,
          'write `if key == value { ... }`',
        );
        this.synchronize(true);
        return undefined;
      }
      const condition = this.parseCondition();
      if (condition === undefined) {
        this.synchronize(true);
        return undefined;
      }
      branches.push({
        condition,
        body: this.parseBlock(
          `the branch 'if ${condition.key.name} ${condition.op} ${condition.value.text}'`,
        ),
      });
      if (this.isKeyword('else') && this.isKeyword('if', 1)) {
        this.next();
        this.next();
        continue;
      }
      break;
    }
    let otherwise: BlockNode | undefined;
    if (this.isKeyword('else')) {
      this.next();
      otherwise = this.parseBlock('the else branch');
    } else {
      this.error(
        this.peek(),
        `the if at ${start.line}:${start.col} has no else block`,
        'add `else { false; }` to refuse (or `else { true; }` to bind) when no branch applies',
      );
    }
    return { kind: 'if', branches, otherwise, line: start.line, col: start.col };
  }

  private parseBlock(what: string): BlockNode {
    const open = this.peek();
    if (open.kind !== '{') {
      this.error(open, `expected '{' to open ${what}, found ${describe(open)}`, "add '{'");
      this.synchronize();
      return { statements: [], line: open.line, col: open.col };
    }
    this.next();
    const statements: StatementNode[] = [];
    while (this.peek().kind !== '}' && this.peek().kind !== 'eof') {
      const before = this.pos;
      const s = this.parseStatement();
      if (s !== undefined) statements.push(s);
      if (this.pos === before) this.next(); // Guarantees progress on any input.
    }
    if (this.peek().kind === '}') this.next();
    else
      this.error(
        this.peek(),
        `missing '}' to close ${what} opened at ${open.line}:${open.col}`,
        "add '}'",
      );
    return { statements, line: open.line, col: open.col };
  }
}

/** Maps a position in the rule text to a position in the file that holds it. */
export type PositionMap = (line: number, col: number) => Pos;

/**
 * Parses `source`; syntax errors are appended to `diagnostics`. `map` places
 * rules embedded in another file (a YAML block in a manifest) at their real
 * position in that file, so every later location is already right.
 */
export function parseBindSource(
  source: string,
  file: string,
  diagnostics: Diagnostic[],
  map?: PositionMap,
): FileNode {
  const lexical: Diagnostic[] = [];
  let tokens = tokenize(source, file, lexical);
  if (map !== undefined) {
    tokens = tokens.map((t) => ({ ...t, ...map(t.line, t.col) }));
    for (const d of lexical) diagnostics.push({ ...d, ...map(d.line, d.col) });
  } else {
    diagnostics.push(...lexical);
  }
  return new Parser(tokens, file, diagnostics).parseFile();
}
