/**
 * The compiled form of bind rules: a small tree of statements that `evaluate`
 * walks. Both the text language and the YAML condition list compile to it, so
 * matching, diagnostics and `driver list` output do not care where rules came
 * from.
 */
import type { SourceLocation } from '../diagnostics.js';
import type { PropertyValue } from '../node/nodeProperty.js';

/**
 * A value in a rule. `enum` values are fully qualified identifiers compared as
 * strings; they keep their kind only so that they print without quotes.
 */
export type BindValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'enum'; readonly value: string };

/**
 * `==` and `!=` hold one value; `accept` and `reject` a list. `reject` has no
 * spelling in the text language: it comes from the YAML form, where composite
 * parent specs need "none of these values".
 */
export type BindOp = '==' | '!=' | 'accept' | 'reject';

export interface BindCondition {
  readonly kind: 'condition';
  readonly key: string;
  readonly op: BindOp;
  readonly values: readonly BindValue[];
  readonly loc: SourceLocation;
}

export interface BindBranch {
  readonly condition: BindCondition;
  readonly body: readonly BindStatement[];
}

export interface BindIf {
  readonly kind: 'if';
  readonly branches: readonly BindBranch[];
  readonly otherwise: readonly BindStatement[];
  readonly loc: SourceLocation;
}

/** `true;` binds unconditionally, `false;` aborts. */
export interface BindLiteral {
  readonly kind: 'literal';
  readonly value: boolean;
  readonly loc: SourceLocation;
}

export type BindStatement = BindCondition | BindIf | BindLiteral;

export interface BindUsing {
  readonly library: string;
  readonly alias?: string;
}

/** Rules for one node: every statement of `body` must hold. */
export interface BindProgram {
  readonly kind: 'program';
  readonly file: string;
  readonly usings: readonly BindUsing[];
  readonly body: readonly BindStatement[];
}

export interface CompositeBindParent {
  readonly name: string;
  readonly primary: boolean;
  readonly optional: boolean;
  readonly program: BindProgram;
  readonly loc: SourceLocation;
}

/**
 * Rules of a composite driver: one program per parent. They are matched
 * against the parents of a composite node spec, never against a single node.
 */
export interface CompositeBindRules {
  readonly kind: 'composite';
  readonly file: string;
  readonly name?: string;
  readonly usings: readonly BindUsing[];
  readonly parents: readonly CompositeBindParent[];
}

export type BindRules = BindProgram | CompositeBindRules;

/** True when a rule value equals a property value: same kind, same value. */
export function bindValueEquals(rule: BindValue, property: PropertyValue): boolean {
  switch (rule.kind) {
    case 'int':
      return typeof property === 'number' && property === rule.value;
    case 'bool':
      return typeof property === 'boolean' && property === rule.value;
    case 'string':
    case 'enum':
      return typeof property === 'string' && property === rule.value;
  }
}

/** The property kind a rule value compares with, for "wrong kind" hints. */
export function bindValueKind(value: BindValue): 'number' | 'string' | 'boolean' {
  if (value.kind === 'int') return 'number';
  if (value.kind === 'bool') return 'boolean';
  return 'string';
}

export function formatBindValue(value: BindValue): string {
  switch (value.kind) {
    case 'int':
      return String(value.value);
    case 'bool':
      return String(value.value);
    case 'enum':
      return value.value;
    case 'string':
      return JSON.stringify(value.value);
  }
}

/** A condition as one line of source: `k == v`, `accept k { a, b }`. */
export function formatCondition(c: BindCondition): string {
  if (c.op === '==' || c.op === '!=') {
    return `${c.key} ${c.op} ${c.values.map(formatBindValue).join(', ')}`;
  }
  return `${c.op} ${c.key} { ${c.values.map(formatBindValue).join(', ')} }`;
}

function formatStatements(body: readonly BindStatement[], indent: string, out: string[]): void {
  for (const s of body) {
    if (s.kind === 'literal') out.push(`${indent}${s.value};`);
    else if (s.kind === 'condition') {
      out.push(`${indent}${formatCondition(s)}${s.op === '==' || s.op === '!=' ? ';' : ''}`);
    } else {
      s.branches.forEach((b, i) => {
        const head = `${i === 0 ? 'if' : '} else if'} ${formatCondition(b.condition)} {`;
        out.push(`${indent}${head}`);
        formatStatements(b.body, `${indent}  `, out);
      });
      out.push(`${indent}} else {`);
      formatStatements(s.otherwise, `${indent}  `, out);
      out.push(`${indent}}`);
    }
  }
}

/**
 * Renders rules back as bind language text (YAML rules included), for `driver
 * show` and for diffing what was compiled. `reject` prints as a pseudo
 * statement since the text language has no spelling for it.
 */
export function formatBindRules(rules: BindRules): string {
  const out: string[] = [];
  if (rules.kind === 'composite' && rules.name !== undefined) out.push(`composite ${rules.name};`);
  for (const u of rules.usings) {
    out.push(`using ${u.library}${u.alias === undefined ? '' : ` as ${u.alias}`};`);
  }
  if (rules.kind === 'program') {
    formatStatements(rules.body, '', out);
  } else {
    for (const p of rules.parents) {
      const flag = p.primary ? 'primary ' : p.optional ? 'optional ' : '';
      out.push(`${flag}parent ${JSON.stringify(p.name)} {`);
      formatStatements(p.program.body, '  ', out);
      out.push('}');
    }
  }
  return `${out.join('\n')}\n`;
}
