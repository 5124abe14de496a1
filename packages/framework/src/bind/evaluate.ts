/**
 * Runs a BindProgram against a node's properties. On a mismatch the result
 * names the first condition that failed, where it is, and what the node had
 * instead, which is what `fdf driver list` shows next to an unbound node.
 */
import { Status, StatusError } from '@fdf/zx';
import type { SourceLocation } from '../diagnostics.js';
import { formatPropertyValue, type PropertyValue } from '../node/nodeProperty.js';
import {
  bindValueEquals,
  bindValueKind,
  formatCondition,
  type BindCondition,
  type BindProgram,
  type BindRules,
  type BindStatement,
} from './program.js';

export type BindResult =
  | { readonly matched: true }
  | { readonly matched: false; readonly reason: string; readonly at?: SourceLocation };

const MATCHED: BindResult = { matched: true };

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Why `c` fails for `props`, or undefined when it holds. */
function checkCondition(
  c: BindCondition,
  props: ReadonlyMap<string, PropertyValue>,
): string | undefined {
  const actual = props.get(c.key);
  const holds = actual !== undefined && c.values.some((v) => bindValueEquals(v, actual));
  const wanted = c.op === '==' || c.op === 'accept';
  if (holds === wanted) return undefined;
  if (actual === undefined) return `the node has no property ${c.key}`;
  let reason = `the node has ${c.key} = ${formatPropertyValue(actual)}`;
  if (wanted && !c.values.some((v) => bindValueKind(v) === typeof actual)) {
    // Usually a quoting mistake: "5" against 5, or an enum against an integer.
    reason += ` (a ${typeof actual}, while the rule compares with a ${[...new Set(c.values.map(bindValueKind))].join(' or ')})`;
  }
  return reason;
}

/** `context` lists the if branches taken to get here, innermost first. */
function run(
  body: readonly BindStatement[],
  props: ReadonlyMap<string, PropertyValue>,
  context: readonly string[],
): BindResult {
  const suffix = context.length === 0 ? '' : ` (in ${context.join(', inside ')})`;
  for (const s of body) {
    switch (s.kind) {
      case 'literal':
        if (!s.value) {
          return {
            matched: false,
            reason: `${where(s.loc)}: the rules refuse here with 'false;'${suffix}`,
            at: s.loc,
          };
        }
        break;
      case 'condition': {
        const why = checkCondition(s, props);
        if (why !== undefined) {
          return {
            matched: false,
            reason: `${where(s.loc)}: ${formatCondition(s)} is not met: ${why}${suffix}`,
            at: s.loc,
          };
        }
        break;
      }
      case 'if': {
        const taken = s.branches.find((b) => checkCondition(b.condition, props) === undefined);
        const at = `${s.loc.line}:${s.loc.col}`;
        const result =
          taken === undefined
            ? run(s.otherwise, props, [`the else branch of the if at ${at}`, ...context])
            : run(taken.body, props, [
                `the branch '${formatCondition(taken.condition)}' of the if at ${at}`,
                ...context,
              ]);
        if (!result.matched) return result;
        break;
      }
    }
  }
  return MATCHED;
}

/** Evaluates rules for a single node. */
export function evaluate(
  rules: BindProgram,
  props: ReadonlyMap<string, PropertyValue>,
): BindResult {
  return run(rules.body, props, []);
}

/**
 * Evaluates rules of either kind for a single node; composite rules cannot
 * apply to one node, so they are refused with ERR_WRONG_TYPE.
 */
export function evaluateBindRules(
  rules: BindRules,
  props: ReadonlyMap<string, PropertyValue>,
): BindResult {
  if (rules.kind !== 'program') {
    throw new StatusError(
      Status.ERR_WRONG_TYPE,
      `${rules.file} holds composite bind rules, which match composite node specs, not single nodes; use matchCompositeDriver`,
    );
  }
  return evaluate(rules, props);
}
