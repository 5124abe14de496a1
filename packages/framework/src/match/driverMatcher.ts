/**
 * Which driver binds to a node, and why the others do not.
 *
 * Priority, first match wins:
 *  1. Composite specs. A node that satisfies a parent of any composite node
 *     spec is claimed for the composite(s) and no driver binds to it directly
 *     (as Fuchsia's driver index does, so a composite's parents are not taken
 *     by an ordinary driver first).
 *  2. Non-fallback drivers, in the order given (the board's drivers list).
 *  3. Fallback drivers (`fallback: true`), in the order given.
 * Composite drivers only bind composite nodes; other drivers only bind
 * single nodes. When several drivers of the winning tier match, the first
 * wins and the others are listed in `ambiguous` (Fuchsia refuses such a
 * match outright; we bind and report it so the board can be fixed).
 */
import { evaluate } from '../bind/evaluate.js';
import type { BindRules } from '../bind/program.js';
import type { CompositeRole, CompositeSpecSource } from '../composite/compositeAssembler.js';
import type { Node } from '../node/node.js';
import { matchCompositeRules, type CompositeAssignment } from './compositeDriverMatch.js';

/** What matching needs of a driver; DriverManifest satisfies it. */
export interface DriverCandidate {
  readonly name: string;
  readonly bind: BindRules;
  readonly fallback?: boolean;
}

export interface Rejection {
  readonly driver: string;
  readonly reason: string;
}

export type MatchOutcome<D extends DriverCandidate> =
  | { readonly kind: 'composite-parent'; readonly roles: readonly CompositeRole[] }
  | { readonly kind: 'driver'; readonly driver: D; readonly composite?: CompositeAssignment }
  | { readonly kind: 'none' };

export interface NodeMatch<D extends DriverCandidate> {
  readonly node: Node;
  readonly outcome: MatchOutcome<D>;
  /** Every driver whose rules accept the node, in priority order. */
  readonly matched: readonly D[];
  /** Other drivers of the winner's tier that also matched. */
  readonly ambiguous: readonly string[];
  /** Why each remaining driver does not bind. */
  readonly rejected: readonly Rejection[];
}

export interface MatchOptions {
  /** Composite specs: claim their parents first, and bind composite nodes. */
  readonly composites?: CompositeSpecSource;
}

function tier(d: DriverCandidate): number {
  return d.fallback === true ? 1 : 0;
}

export function matchNode<D extends DriverCandidate>(
  node: Node,
  drivers: readonly D[],
  options: MatchOptions = {},
): NodeMatch<D> {
  const roles = options.composites?.rolesFor(node) ?? [];
  const matched: { driver: D; composite?: CompositeAssignment }[] = [];
  const rejected: Rejection[] = [];
  const spec =
    node.isComposite && node.compositeSpec !== undefined
      ? options.composites?.specFor(node.compositeSpec)
      : undefined;

  for (const driver of drivers) {
    const rules = driver.bind;
    if (node.isComposite) {
      if (rules.kind !== 'composite') {
        rejected.push({
          driver: driver.name,
          reason: `binds single nodes; composite node '${node.name}' needs a composite driver`,
        });
      } else if (spec === undefined) {
        rejected.push({
          driver: driver.name,
          reason: `the spec of composite node '${node.name}' is unknown; pass the composite assembler in the match options`,
        });
      } else {
        const r = matchCompositeRules(rules, spec, node.parents);
        if (r.matched) matched.push({ driver, composite: r.assignment });
        else rejected.push({ driver: driver.name, reason: r.reason });
      }
      continue;
    }
    if (rules.kind === 'composite') {
      rejected.push({
        driver: driver.name,
        reason: 'composite driver: binds only composite nodes built from a spec',
      });
      continue;
    }
    const r = evaluate(rules, node.propertyMap);
    if (r.matched) matched.push({ driver });
    else rejected.push({ driver: driver.name, reason: r.reason });
  }

  // Stable sort keeps the given order within a tier.
  matched.sort((a, b) => tier(a.driver) - tier(b.driver));
  const inOrder = matched.map((m) => m.driver);
  if (roles.length > 0) {
    return {
      node,
      outcome: { kind: 'composite-parent', roles },
      matched: inOrder,
      ambiguous: [],
      rejected,
    };
  }
  const winner = matched[0];
  if (winner === undefined)
    return { node, outcome: { kind: 'none' }, matched: [], ambiguous: [], rejected };
  const ambiguous = matched
    .slice(1)
    .filter((m) => tier(m.driver) === tier(winner.driver))
    .map((m) => m.driver.name);
  const outcome: MatchOutcome<D> =
    winner.composite === undefined
      ? { kind: 'driver', driver: winner.driver }
      : { kind: 'driver', driver: winner.driver, composite: winner.composite };
  return { node, outcome, matched: inOrder, ambiguous, rejected };
}

/** A NodeMatch as text for `fdf driver list`: the decision, then each non-match and its reason. */
export function formatNodeMatch(match: NodeMatch<DriverCandidate>): string {
  const lines: string[] = [];
  const o = match.outcome;
  if (o.kind === 'composite-parent') {
    lines.push(
      `${match.node.path}: parent of composite ${o.roles.map((r) => `'${r.spec}' (as '${r.parent}')`).join(', ')}`,
    );
  } else if (o.kind === 'driver') {
    lines.push(`${match.node.path}: binds '${o.driver.name}'`);
    if (match.ambiguous.length > 0) {
      lines.push(
        `  also matched by ${match.ambiguous.map((n) => `'${n}'`).join(', ')}: make their bind rules exclusive or mark all but one fallback`,
      );
    }
  } else {
    lines.push(`${match.node.path}: no driver matches`);
  }
  for (const r of match.rejected) lines.push(`  ${r.driver}: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}
