/**
 * Matching a composite driver to a composite node spec. A composite driver's
 * rules have one program per parent; they are evaluated against the
 * properties each spec parent presents (its own, or its node's). A driver
 * matches when every spec parent pairs with a distinct driver parent whose
 * rules accept it, and every non-optional driver parent is paired.
 */
import { evaluate } from '../bind/evaluate.js';
import type { CompositeBindRules } from '../bind/program.js';
import { effectiveParentProperties } from '../composite/compositeAssembler.js';
import type { CompositeSpec } from '../composite/compositeSpec.js';
import type { Node } from '../node/node.js';
import { propertyMap } from '../node/nodeProperty.js';

export interface CompositeAssignment {
  /** Spec parent name -> the driver's parent name it is paired with. */
  readonly parents: ReadonlyMap<string, string>;
  /** The spec parent paired with the driver's primary parent. */
  readonly primary: string | undefined;
}

export type CompositeRulesMatch =
  | { readonly matched: true; readonly assignment: CompositeAssignment }
  | { readonly matched: false; readonly reason: string };

/**
 * Tries to pair the spec's parents with the driver's. `nodes` are the nodes
 * filling the spec's parents, in spec order, when known; their properties
 * stand in for spec parents that declare none.
 */
export function matchCompositeRules(
  rules: CompositeBindRules,
  spec: CompositeSpec,
  nodes: readonly (Node | undefined)[] = [],
): CompositeRulesMatch {
  const driverParents = rules.parents;
  const props = spec.parents.map((p, i) => propertyMap(effectiveParentProperties(p, nodes[i])));
  // fits[i][j]: does driver parent j accept spec parent i? Keep the reason for reports.
  const fits = props.map((p) => driverParents.map((d) => evaluate(d.program, p)));

  const required = driverParents.filter((d) => !d.optional);
  if (spec.parents.length < required.length) {
    return {
      matched: false,
      reason: `the driver needs ${required.length} parents (${required.map((d) => d.name).join(', ')}) but spec '${spec.name}' has ${spec.parents.length}`,
    };
  }
  for (const [i, row] of fits.entries()) {
    if (row.every((r) => !r.matched)) {
      const why = row
        .map((r, j) => `${driverParents[j]?.name ?? '?'}: ${r.matched ? 'fits' : r.reason}`)
        .join('; ');
      return {
        matched: false,
        reason: `spec parent '${spec.parents[i]?.name ?? '?'}' fits none of the driver's parents (${why})`,
      };
    }
  }
  for (const [j, d] of driverParents.entries()) {
    if (!d.optional && fits.every((row) => !row[j]?.matched)) {
      return {
        matched: false,
        reason: `the driver's parent '${d.name}' fits no parent of spec '${spec.name}'`,
      };
    }
  }

  // Backtracking is fine: a composite has a handful of parents.
  const used = new Set<number>();
  const pick: number[] = [];
  const solve = (i: number): boolean => {
    if (i === spec.parents.length) return required.every((d) => used.has(driverParents.indexOf(d)));
    for (const [j, r] of (fits[i] ?? []).entries()) {
      if (!r.matched || used.has(j)) continue;
      used.add(j);
      pick[i] = j;
      if (solve(i + 1)) return true;
      used.delete(j);
    }
    return false;
  };
  if (!solve(0)) {
    return {
      matched: false,
      reason: `no one-to-one pairing of spec '${spec.name}' parents with the driver's parents exists`,
    };
  }
  const parents = new Map<string, string>();
  let primary: string | undefined;
  spec.parents.forEach((p, i) => {
    const d = driverParents[pick[i] ?? -1];
    if (d === undefined) return;
    parents.set(p.name, d.name);
    if (d.primary) primary = p.name;
  });
  return { matched: true, assignment: { parents, primary } };
}
