import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { compileBindProgram, compileBindRules } from '../bind/compiler.js';
import type { CompositeBindRules } from '../bind/program.js';
import type { CompositeSpec } from '../composite/compositeSpec.js';
import { NodeTree } from '../node/nodeTree.js';
import { matchCompositeRules } from './compositeDriverMatch.js';

function composite(source: string): CompositeBindRules {
  const rules = compileBindRules(source, 'c.bind');
  if (rules.kind !== 'composite')
    throw new StatusError(Status.ERR_INTERNAL, 'expected composite rules');
  return rules;
}

const ANY = compileBindProgram('true;', 'any.bind');

function spec(...parents: [string, Record<string, string>][]): CompositeSpec {
  return {
    name: 's',
    parents: parents.map(([name, props]) => ({
      name,
      bind: ANY,
      properties: Object.entries(props).map(([key, value]) => ({ key, value })),
    })),
  };
}

describe('matchCompositeRules', () => {
  // Both driver parents accept "a"; only "x" accepts "b": the pairing must backtrack.
  const RULES = composite(
    'primary parent "x" {\n  accept fuchsia.P { "a", "b" }\n}\nparent "y" {\n  fuchsia.P == "a";\n}\n',
  );

  it('finds a one-to-one pairing even when the first choice is wrong', () => {
    const r = matchCompositeRules(
      RULES,
      spec(['first', { 'fuchsia.P': 'a' }], ['second', { 'fuchsia.P': 'b' }]),
    );
    expect(r.matched).toBe(true);
    if (!r.matched) return;
    expect([...r.assignment.parents]).toEqual([
      ['first', 'y'],
      ['second', 'x'],
    ]);
    expect(r.assignment.primary).toBe('second');
  });

  it('fails when no pairing exists', () => {
    const r = matchCompositeRules(
      RULES,
      spec(['first', { 'fuchsia.P': 'b' }], ['second', { 'fuchsia.P': 'b' }]),
    );
    expect(r).toEqual({
      matched: false,
      reason: "the driver's parent 'y' fits no parent of spec 's'",
    });
  });

  it('needs every required driver parent but not the optional ones', () => {
    const withOptional = composite(
      'primary parent "x" {\n  fuchsia.P == "a";\n}\noptional parent "z" {\n  fuchsia.P == "c";\n}\n',
    );
    expect(matchCompositeRules(withOptional, spec(['only', { 'fuchsia.P': 'a' }])).matched).toBe(
      true,
    );
    expect(matchCompositeRules(RULES, spec(['only', { 'fuchsia.P': 'a' }]))).toEqual({
      matched: false,
      reason: "the driver needs 2 parents (x, y) but spec 's' has 1",
    });
  });

  it("uses the matched node's properties for a spec parent that declares none", () => {
    const t = new NodeTree();
    const a = t.add(t.root, 'a', { 'fuchsia.P': 'a' });
    const b = t.add(t.root, 'b', { 'fuchsia.P': 'b' });
    expect(matchCompositeRules(RULES, spec(['first', {}], ['second', {}]), [a, b]).matched).toBe(
      true,
    );
  });
});
