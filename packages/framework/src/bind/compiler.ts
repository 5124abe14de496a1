/**
 * Turns bind rule source into a BindProgram (or CompositeBindRules), checking
 * what the grammar cannot: the language's restrictions (no empty blocks, an if
 * ends its block, `true;`/`false;` stand alone), that every library a name
 * refers to is imported, and conditions that contradict each other.
 */
import { Status, StatusError } from '@fdf/zx';
import { didYouMean, throwIfAny, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type {
  BindCondition,
  BindProgram,
  BindRules,
  BindStatement,
  BindUsing,
  BindValue,
  CompositeBindParent,
  CompositeBindRules,
} from './program.js';
import {
  parseBindSource,
  type AcceptNode,
  type BlockNode,
  type ConditionNode,
  type IdentNode,
  type Pos,
  type PositionMap,
  type StatementNode,
  type UsingNode,
  type ValueNode,
} from './parser.js';
import { findContradictions } from './contradictions.js';

export interface CompileOptions {
  /** Where the rule text sits in `file`, when it is embedded in another document. */
  readonly position?: PositionMap;
  /** How to name the rules in messages; the file name by default. */
  readonly what?: string;
}

/** Library of the built-in keys (`fuchsia.BIND_PROTOCOL`), available without a using line. */
const BUILTIN_LIBRARY = 'fuchsia';

class Compiler {
  private readonly aliases = new Map<string, string>();
  private readonly libraries = new Set<string>([BUILTIN_LIBRARY]);

  constructor(
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private loc(p: Pos): SourceLocation {
    return { file: this.file, line: p.line, col: p.col };
  }

  private error(at: Pos, message: string, fix?: string): void {
    const d: Diagnostic = { ...this.loc(at), message };
    this.diagnostics.push(fix === undefined ? d : { ...d, fix });
  }

  usings(nodes: readonly UsingNode[]): BindUsing[] {
    const out: BindUsing[] = [];
    for (const u of nodes) {
      const lib = u.library.name;
      if (this.libraries.has(lib) && lib !== BUILTIN_LIBRARY) {
        this.error(
          u.library,
          `library '${lib}' is imported twice`,
          'remove one of the using lines',
        );
        continue;
      }
      this.libraries.add(lib);
      if (u.alias === undefined) {
        out.push({ library: lib });
        continue;
      }
      const alias = u.alias.name;
      const previous = this.aliases.get(alias);
      if (previous !== undefined) {
        this.error(
          u.alias,
          `alias '${alias}' already names library '${previous}'`,
          'pick another alias',
        );
        continue;
      }
      this.aliases.set(alias, lib);
      out.push({ library: lib, alias });
    }
    return out;
  }

  /** Replaces a leading alias with the library it stands for. */
  private expand(name: string): string {
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const lib = this.aliases.get(head);
    return lib === undefined ? name : lib + (dot < 0 ? '' : name.slice(dot));
  }

  /**
   * Checks that the library part of a qualified name is imported. A key is
   * `<library>.<KEY>`; an enum value is `<library>.<KEY>.<VALUE>`.
   */
  private checkLibrary(at: Pos, written: string, full: string, trailing: 1 | 2): void {
    const segments = full.split('.');
    if (segments.length <= trailing) {
      if (trailing === 2) {
        this.error(
          at,
          `enum value '${written}' is not qualified with its library and key`,
          'write <library>.<KEY>.<VALUE> (e.g. fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL) or quote it as a "string"',
        );
      }
      return;
    }
    const library = segments.slice(0, segments.length - trailing).join('.');
    if (this.libraries.has(library)) return;
    const hint = didYouMean(library, this.libraries);
    this.error(
      at,
      `'${written}' refers to library '${library}', which is not imported`,
      hint === ''
        ? `add \`using ${library};\` at the top of the file`
        : `${hint}otherwise add \`using ${library};\` at the top of the file`,
    );
  }

  private key(ident: IdentNode): string {
    const full = this.expand(ident.name);
    this.checkLibrary(ident, ident.name, full, 1);
    return full;
  }

  private value(v: ValueNode): BindValue {
    switch (v.kind) {
      case 'int':
        return { kind: 'int', value: v.value as number };
      case 'string':
        return { kind: 'string', value: v.value as string };
      case 'bool':
        return { kind: 'bool', value: v.value as boolean };
      case 'ident': {
        const full = this.expand(v.text);
        this.checkLibrary(v, v.text, full, 2);
        return { kind: 'enum', value: full };
      }
    }
  }

  private condition(c: ConditionNode): BindCondition {
    return {
      kind: 'condition',
      key: this.key(c.key),
      op: c.op,
      values: [this.value(c.value)],
      loc: this.loc(c),
    };
  }

  private accept(a: AcceptNode): BindCondition {
    const key = this.key(a.key);
    const seen = new Map<string, ValueNode>();
    const values: BindValue[] = [];
    for (const v of a.values) {
      const value = this.value(v);
      const id = `${typeof value.value}:${String(value.value)}`;
      const first = seen.get(id);
      if (first !== undefined) {
        this.error(
          v,
          `value ${v.text} is listed twice in accept ${a.key.name}`,
          `remove the copy (first at ${first.line}:${first.col})`,
        );
        continue;
      }
      seen.set(id, v);
      values.push(value);
    }
    return { kind: 'condition', key, op: 'accept', values, loc: this.loc(a) };
  }

  /** Compiles a block (or a file's top level), enforcing the language's restrictions. */
  block(statements: readonly StatementNode[], where: Pos, what: string): BindStatement[] {
    if (statements.length === 0) {
      this.error(
        where,
        `${what} is empty`,
        'say explicitly what happens: put `true;` inside to bind or `false;` to refuse',
      );
      return [];
    }
    const out: BindStatement[] = [];
    statements.forEach((s, i) => {
      const previous = statements[i - 1];
      if (previous !== undefined && previous.kind === 'if') {
        this.error(
          s,
          `statement after the if at ${previous.line}:${previous.col}`,
          'an if must be the last statement of its block: move this statement above the if, or into each branch',
        );
      }
      if (s.kind === 'literal' && statements.length > 1) {
        this.error(
          s,
          `'${s.value};' must be the only statement in its block`,
          s.value
            ? 'remove it: the other conditions already decide whether to bind'
            : 'remove the other statements, or remove `false;` and let the conditions decide',
        );
      }
      out.push(this.statement(s));
    });
    for (const c of findContradictions(out)) {
      this.error(
        c.later.loc,
        `this condition can never hold together with the one at ${c.earlier.loc.line}:${c.earlier.loc.col} (${c.why})`,
        'no node can match both: remove or correct one of them',
      );
    }
    return out;
  }

  private statement(s: StatementNode): BindStatement {
    switch (s.kind) {
      case 'literal':
        return { kind: 'literal', value: s.value, loc: this.loc(s) };
      case 'condition':
        return this.condition(s);
      case 'accept':
        return this.accept(s);
      case 'if': {
        const branches = s.branches.map((b) => ({
          condition: this.condition(b.condition),
          body: this.block(b.body.statements, b.body, 'this block'),
        }));
        const otherwise =
          s.otherwise === undefined ? [] : this.blockOf(s.otherwise, 'this else block');
        return { kind: 'if', branches, otherwise, loc: this.loc(s) };
      }
    }
  }

  private blockOf(b: BlockNode, what: string): BindStatement[] {
    return this.block(b.statements, b, what);
  }
}

/**
 * Compiles bind rules written in the bind language. All problems in the file
 * are reported together in one DiagnosticsError (ERR_INVALID_ARGS).
 */
export function compileBindRules(
  source: string,
  file: string,
  options: CompileOptions = {},
): BindRules {
  const diagnostics: Diagnostic[] = [];
  const ast = parseBindSource(source, file, diagnostics, options.position);
  const start = options.position?.(1, 1) ?? { line: 1, col: 1 };
  const compiler = new Compiler(file, diagnostics);
  const usings = compiler.usings(ast.usings);
  const isComposite = ast.composite !== undefined || ast.parents.length > 0;
  let rules: BindRules;

  if (!isComposite) {
    const body = compiler.block(ast.statements, start, options.what ?? file);
    rules = { kind: 'program', file, usings, body };
  } else {
    const first = ast.statements[0];
    if (first !== undefined) {
      diagnostics.push({
        file,
        line: first.line,
        col: first.col,
        message: 'composite bind rules cannot have statements outside a parent block',
        fix: 'move this statement into the parent block it constrains',
      });
    }
    const at = ast.composite ?? start;
    if (ast.parents.length === 0) {
      diagnostics.push({
        file,
        line: at.line,
        col: at.col,
        message: `composite '${ast.composite?.name ?? ''}' declares no parents`,
        fix: 'add `primary parent "name" { ... }` and one block per other parent',
      });
    }
    const parents: CompositeBindParent[] = [];
    const seen = new Map<string, Pos>();
    for (const p of ast.parents) {
      const earlier = seen.get(p.name);
      if (earlier !== undefined) {
        diagnostics.push({
          file,
          line: p.line,
          col: p.col,
          message: `parent "${p.name}" is declared twice (first at ${earlier.line}:${earlier.col})`,
          fix: 'give every parent a distinct name',
        });
      }
      seen.set(p.name, p);
      const body = compiler.block(p.body.statements, p.body, `parent "${p.name}"`);
      parents.push({
        name: p.name,
        primary: p.primary,
        optional: p.optional,
        program: { kind: 'program', file, usings, body },
        loc: { file, line: p.line, col: p.col },
      });
    }
    const primaries = ast.parents.filter((p) => p.primary);
    if (ast.parents.length > 0 && primaries.length !== 1) {
      const where = primaries[1] ?? ast.parents[0] ?? at;
      diagnostics.push({
        file,
        line: where.line,
        col: where.col,
        message:
          primaries.length === 0
            ? 'composite bind rules need exactly one primary parent, and none is marked'
            : `composite bind rules need exactly one primary parent, found ${primaries.length}`,
        fix: 'mark the parent whose driver host the composite driver should run in with `primary parent`',
      });
    }
    const composite: CompositeBindRules =
      ast.composite === undefined
        ? { kind: 'composite', file, usings, parents }
        : { kind: 'composite', file, name: ast.composite.name, usings, parents };
    rules = composite;
  }
  throwIfAny(`bind rules ${options.what ?? file}`, diagnostics);
  return rules;
}

/** Like compileBindRules, for places where only rules for a single node make sense. */
export function compileBindProgram(
  source: string,
  file: string,
  options: CompileOptions = {},
): BindProgram {
  const rules = compileBindRules(source, file, options);
  if (rules.kind !== 'program') {
    throw new StatusError(
      Status.ERR_WRONG_TYPE,
      `${file} holds composite bind rules, but rules for a single node are needed here; remove the parent blocks`,
    );
  }
  return rules;
}
