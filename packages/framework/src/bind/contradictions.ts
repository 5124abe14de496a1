/**
 * Finds pairs of conditions in one block that no node can satisfy together,
 * such as `k == 1; k == 2;`. Such a block silently never binds, which is the
 * hardest kind of bind bug to see, so the compiler reports it.
 */
import {
  formatBindValue,
  type BindCondition,
  type BindStatement,
  type BindValue,
} from './program.js';

export interface Contradiction {
  readonly earlier: BindCondition;
  readonly later: BindCondition;
  readonly why: string;
}

function id(v: BindValue): string {
  // Enum names and strings compare equal at evaluation, so they share an id.
  const kind = v.kind === 'enum' ? 'string' : v.kind;
  return `${kind}:${String(v.value)}`;
}

/** The set of values a condition allows, or undefined when it only excludes. */
function allowed(c: BindCondition): Set<string> | undefined {
  return c.op === '==' || c.op === 'accept' ? new Set(c.values.map(id)) : undefined;
}

function excluded(c: BindCondition): Set<string> {
  return c.op === '!=' || c.op === 'reject' ? new Set(c.values.map(id)) : new Set();
}

function clash(a: BindCondition, b: BindCondition): string | undefined {
  const allowA = allowed(a);
  const allowB = allowed(b);
  if (allowA !== undefined && allowB !== undefined) {
    const common = [...allowA].filter((v) => allowB.has(v));
    if (common.length === 0) {
      if (a.op === '==' && b.op === '==') {
        return `${a.key} cannot be both ${a.values.map(formatBindValue).join('')} and ${b.values.map(formatBindValue).join('')}`;
      }
      return `no value of ${a.key} satisfies both`;
    }
  }
  const check = (allow: Set<string> | undefined, exclude: Set<string>): boolean =>
    allow !== undefined && allow.size > 0 && [...allow].every((v) => exclude.has(v));
  if (check(allowA, excluded(b)) || check(allowB, excluded(a))) {
    const value = (allowA ?? allowB) === allowA ? a.values : b.values;
    return `${a.key} would have to be ${value.map(formatBindValue).join(' or ')} and not be it`;
  }
  return undefined;
}

export function findContradictions(block: readonly BindStatement[]): Contradiction[] {
  const conditions = block.filter((s): s is BindCondition => s.kind === 'condition');
  const out: Contradiction[] = [];
  conditions.forEach((later, i) => {
    for (const earlier of conditions.slice(0, i)) {
      if (earlier.key !== later.key) continue;
      const why = clash(earlier, later);
      if (why !== undefined) {
        out.push({ earlier, later, why });
        return; // One report per condition is enough to point at the problem.
      }
    }
  });
  return out;
}
