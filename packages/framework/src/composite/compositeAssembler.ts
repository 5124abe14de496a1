/**
 * Watches a NodeTree and assembles composite nodes: each new node is matched
 * against the unfilled parents of every spec, and when the last parent of a
 * spec is filled the composite node is added under all of them. When a
 * parent goes away, the composite goes with it (the tree removes it first)
 * and the role is filled again by the next node that matches.
 */
import { Status, StatusError } from '@fdf/zx';
import { evaluate } from '../bind/evaluate.js';
import type { Node } from '../node/node.js';
import type { NodeProperty } from '../node/nodeProperty.js';
import type { NodeTree, NodeTreeEvent } from '../node/nodeTree.js';
import {
  createCompositeSpec,
  type CompositeParentSpec,
  type CompositeSpec,
} from './compositeSpec.js';

/** A spec parent that a node's properties satisfy. */
export interface CompositeRole {
  readonly spec: string;
  readonly parent: string;
}

export interface CompositeStatus {
  readonly spec: CompositeSpec;
  /** The node filling each parent role, in the spec's order; undefined while missing. */
  readonly parents: readonly { readonly name: string; readonly node: Node | undefined }[];
  /** The composite node, once every parent is filled. */
  readonly composite: Node | undefined;
  /** Why the composite node could not be added, if it could not. */
  readonly error: string | undefined;
}

/** What driver matching needs to know about composites; CompositeAssembler provides it. */
export interface CompositeSpecSource {
  /** The roles `node` satisfies, filled or not, in every spec. */
  rolesFor(node: Node): CompositeRole[];
  /** The spec a composite node was built from. */
  specFor(name: string): CompositeSpec | undefined;
}

interface Entry {
  readonly spec: CompositeSpec;
  readonly filled: (Node | undefined)[];
  composite: Node | undefined;
  error: string | undefined;
}

/** The properties composite drivers see for a parent: the spec's, or else the node's. */
export function effectiveParentProperties(
  parent: CompositeParentSpec,
  node: Node | undefined,
): readonly NodeProperty[] {
  return parent.properties.length > 0 || node === undefined ? parent.properties : node.properties;
}

export class CompositeAssembler implements CompositeSpecSource {
  readonly #tree: NodeTree;
  readonly #entries = new Map<string, Entry>();
  readonly #unsubscribe: () => void;

  constructor(tree: NodeTree, specs: readonly CompositeSpec[] = []) {
    this.#tree = tree;
    this.#unsubscribe = tree.subscribe((e) => this.#onEvent(e));
    for (const spec of specs) this.addSpec(spec);
  }

  /** Stops watching the tree. Composite nodes already built stay. */
  dispose(): void {
    this.#unsubscribe();
  }

  /** Adds a spec and fills its parents from the nodes already in the tree. */
  addSpec(input: CompositeSpec): void {
    const spec = createCompositeSpec(input);
    if (this.#entries.has(spec.name)) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `composite spec '${spec.name}' is already registered; give the new spec another name`,
      );
    }
    const entry: Entry = {
      spec,
      filled: spec.parents.map(() => undefined),
      composite: undefined,
      error: undefined,
    };
    this.#entries.set(spec.name, entry);
    for (const node of this.#tree.nodes()) this.#offer(entry, node);
  }

  specFor(name: string): CompositeSpec | undefined {
    return this.#entries.get(name)?.spec;
  }

  rolesFor(node: Node): CompositeRole[] {
    const roles: CompositeRole[] = [];
    for (const { spec } of this.#entries.values()) {
      if (node.compositeSpec === spec.name) continue; // A composite is never its own parent.
      for (const p of spec.parents) {
        if (evaluate(p.bind, node.propertyMap).matched)
          roles.push({ spec: spec.name, parent: p.name });
      }
    }
    return roles;
  }

  status(): CompositeStatus[] {
    return [...this.#entries.values()].map((e) => ({
      spec: e.spec,
      parents: e.spec.parents.map((p, i) => ({ name: p.name, node: e.filled[i] })),
      composite: e.composite,
      error: e.error,
    }));
  }

  /** Parent roles still waiting for a node, per spec: for `driver list` diagnostics. */
  pending(): { readonly spec: string; readonly missing: readonly string[] }[] {
    return [...this.#entries.values()]
      .filter((e) => e.composite === undefined)
      .map((e) => ({
        spec: e.spec.name,
        missing: e.spec.parents.filter((_, i) => e.filled[i] === undefined).map((p) => p.name),
      }));
  }

  #onEvent(e: NodeTreeEvent): void {
    if (e.type === 'node-added') {
      for (const entry of this.#entries.values()) this.#offer(entry, e.node);
    } else if (e.type === 'node-removed') {
      for (const entry of this.#entries.values()) this.#forget(entry, e.node);
    }
  }

  /** Gives `node` the first unfilled role of `entry` it matches; builds the composite when complete. */
  #offer(entry: Entry, node: Node): void {
    if (entry.composite !== undefined || node.state === 'removed') return;
    if (node.compositeSpec === entry.spec.name || entry.filled.includes(node)) return;
    const i = entry.spec.parents.findIndex(
      (p, k) => entry.filled[k] === undefined && evaluate(p.bind, node.propertyMap).matched,
    );
    if (i < 0) return;
    entry.filled[i] = node;
    if (entry.filled.every((n) => n !== undefined)) this.#assemble(entry);
  }

  #assemble(entry: Entry): void {
    const parents = entry.filled.filter((n): n is Node => n !== undefined);
    const primary = entry.spec.parents[0];
    const properties = primary === undefined ? [] : effectiveParentProperties(primary, parents[0]);
    try {
      entry.error = undefined;
      entry.composite = this.#tree.addComposite(
        entry.spec.name,
        parents,
        properties,
        [],
        entry.spec.name,
      );
    } catch (err) {
      // A failure here must not surface from the unrelated tree.add() that triggered it.
      if (!(err instanceof StatusError)) throw err;
      entry.error = err.message;
    }
  }

  #forget(entry: Entry, node: Node): void {
    if (entry.composite === node) {
      entry.composite = undefined;
      return;
    }
    const i = entry.filled.indexOf(node);
    if (i < 0) return;
    entry.filled[i] = undefined;
    entry.error = undefined;
    // Another node already in the tree may fit the freed role.
    for (const candidate of this.#tree.nodes()) {
      if (entry.filled[i] !== undefined) break;
      this.#offer(entry, candidate);
    }
  }
}
