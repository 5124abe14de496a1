/**
 * Composite node specs: "make a node whose parents are the node matching
 * these rules, and the node matching those". A board declares them (in
 * Fuchsia, the board driver adds them at run time); the assembler watches the
 * tree and builds the composite node once every parent has appeared.
 *
 * Each parent has a role name ("i2c", "gpio-int"), bind rules that pick the
 * node in the topology, and properties that a composite driver's per-parent
 * rules are matched against. When a parent gives no properties, the matched
 * node's own properties stand in for them.
 */
import { Status, StatusError } from '@fdf/zx';
import type { BindProgram } from '../bind/program.js';
import { propertyMap, type NodeProperty } from '../node/nodeProperty.js';

export interface CompositeParentSpec {
  /** The role of this parent, unique within the spec. */
  readonly name: string;
  /** Which node in the topology fills this role. */
  readonly bind: BindProgram;
  /** What composite drivers see of this parent; empty means "the node's own properties". */
  readonly properties: readonly NodeProperty[];
}

export interface CompositeSpec {
  /** The spec's name, also the name of the composite node it creates. */
  readonly name: string;
  /** The first parent is the primary one: the composite node's path is below it. */
  readonly parents: readonly CompositeParentSpec[];
}

const NAME = /^[A-Za-z0-9_.:-]+$/;

/** Checks a spec and returns a frozen copy. */
export function createCompositeSpec(spec: CompositeSpec): CompositeSpec {
  if (!NAME.test(spec.name)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `composite spec name '${spec.name}' is invalid; it names a node, so use letters, digits, '_', '-', '.' or ':'`,
    );
  }
  if (spec.parents.length === 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `composite spec '${spec.name}' has no parents; list the nodes it is made of, the primary one first`,
    );
  }
  const seen = new Set<string>();
  const parents = spec.parents.map((p) => {
    if (p.name === '') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `composite spec '${spec.name}': a parent has an empty name; name its role`,
      );
    }
    if (seen.has(p.name)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `composite spec '${spec.name}': parent '${p.name}' appears twice; give every parent a distinct role name`,
      );
    }
    seen.add(p.name);
    propertyMap(p.properties, `composite spec '${spec.name}' parent '${p.name}'`);
    return Object.freeze({
      name: p.name,
      bind: p.bind,
      properties: Object.freeze([...p.properties]),
    });
  });
  return Object.freeze({ name: spec.name, parents: Object.freeze(parents) });
}
