/**
 * The topology: a tree of nodes rooted at `root`, with composite nodes that
 * hang under several parents. It is the model a driver manager drives: it
 * adds nodes, binds drivers, removes subtrees, and listens for the events the
 * tree emits to decide what to match, start or stop next.
 *
 * Events are delivered in the order the changes happened, even when a
 * listener changes the tree while handling one (the composite assembler adds
 * a composite node from inside a `node-added` event): such changes are queued
 * and delivered after the current event has reached every listener.
 */
import { Status, StatusError } from '@fdf/zx';
import { didYouMean, listOrNone } from '../diagnostics.js';
import { Node, nodeMutations, type BoundDriver } from './node.js';
import { propertiesFromRecord, type NodeProperty, type PropertyValue } from './nodeProperty.js';

export type NodeTreeEvent =
  | { readonly type: 'node-added'; readonly node: Node }
  | { readonly type: 'node-removed'; readonly node: Node }
  | { readonly type: 'driver-bound'; readonly node: Node; readonly driver: BoundDriver }
  | { readonly type: 'driver-unbound'; readonly node: Node; readonly driver: BoundDriver }
  | { readonly type: 'node-quarantined'; readonly node: Node; readonly reason: string };

export type NodeTreeListener = (event: NodeTreeEvent) => void;

export type PropertiesInput = readonly NodeProperty[] | Readonly<Record<string, PropertyValue>>;

const NODE_NAME = /^[A-Za-z0-9_.:-]+$/;

function checkName(name: string): void {
  if (!NODE_NAME.test(name)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `node name '${name}' is invalid; use one or more letters, digits, '_', '-', '.' or ':' (no '/' or spaces)`,
    );
  }
}

function checkOffers(name: string, offers: readonly string[]): void {
  const seen = new Set<string>();
  for (const offer of offers) {
    if (offer.trim() === '') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `node '${name}': an offer is empty; name the service instance offered`,
      );
    }
    if (seen.has(offer)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `node '${name}': offer '${offer}' is listed twice; list each offer once`,
      );
    }
    seen.add(offer);
  }
}

function toProperties(input: PropertiesInput): readonly NodeProperty[] {
  return Array.isArray(input)
    ? (input as readonly NodeProperty[])
    : propertiesFromRecord(input as Record<string, PropertyValue>);
}

export class NodeTree {
  readonly root: Node;
  readonly #nodes = new Set<Node>();
  readonly #listeners: NodeTreeListener[] = [];
  readonly #pending: NodeTreeEvent[] = [];
  #delivering = false;

  constructor(rootName = 'root') {
    checkName(rootName);
    this.root = new Node(rootName, [], [], []);
    this.#nodes.add(this.root);
  }

  /** Number of live nodes, root included. */
  get size(): number {
    return this.#nodes.size;
  }

  /**
   * Calls `listener` for every later change. Returns the function that
   * unsubscribes it.
   */
  subscribe(listener: NodeTreeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  #emit(event: NodeTreeEvent): void {
    this.#pending.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let e = this.#pending.shift(); e !== undefined; e = this.#pending.shift()) {
        for (const listener of [...this.#listeners]) listener(e);
      }
    } finally {
      this.#delivering = false;
      // A throwing listener must not leave later events stuck for the next change.
      this.#pending.length = 0;
    }
  }

  #live(node: Node, what: string): void {
    if (!this.#nodes.has(node)) {
      const why = node.state === 'removed' ? 'it was removed' : 'it belongs to another tree';
      throw new StatusError(Status.ERR_BAD_STATE, `cannot ${what} node '${node.path}': ${why}`);
    }
  }

  #resolve(nodeOrPath: Node | string): Node {
    return typeof nodeOrPath === 'string' ? this.get(nodeOrPath) : nodeOrPath;
  }

  #checkFreeName(parent: Node, name: string): void {
    if (parent.ownChildren.some((c) => c.name === name)) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `node '${parent.path}/${name}' already exists; give the new child another name`,
      );
    }
  }

  /** Adds a child node. `parent` is a node of this tree or its path. */
  add(
    parent: Node | string,
    name: string,
    properties: PropertiesInput = [],
    offers: readonly string[] = [],
  ): Node {
    const p = this.#resolve(parent);
    this.#live(p, 'add a child to');
    checkName(name);
    checkOffers(name, offers);
    this.#checkFreeName(p, name);
    const node = new Node(name, [p], toProperties(properties), offers);
    nodeMutations.addChild(p, node);
    this.#nodes.add(node);
    this.#emit({ type: 'node-added', node });
    return node;
  }

  /**
   * Adds a composite node under all of `parents`; the first is its primary
   * parent and gives it its path. It is removed as soon as any parent is.
   */
  addComposite(
    name: string,
    parents: readonly Node[],
    properties: PropertiesInput = [],
    offers: readonly string[] = [],
    spec?: string,
  ): Node {
    const primary = parents[0];
    if (primary === undefined) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `composite node '${name}' needs at least one parent`,
      );
    }
    for (const p of parents) this.#live(p, 'add a composite child to');
    if (new Set(parents).size !== parents.length) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `composite node '${name}' lists a parent twice; each parent node must fill one role`,
      );
    }
    checkName(name);
    checkOffers(name, offers);
    this.#checkFreeName(primary, name);
    const node = new Node(name, parents, toProperties(properties), offers, spec ?? name);
    for (const p of parents) nodeMutations.addChild(p, node);
    this.#nodes.add(node);
    this.#emit({ type: 'node-added', node });
    return node;
  }

  /** The node at `path`, or undefined. */
  find(path: string): Node | undefined {
    const [first, ...rest] = path.split('/');
    if (first !== this.root.name) return undefined;
    let node: Node | undefined = this.root;
    for (const name of rest) {
      node = node.ownChildren.find((c) => c.name === name);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The node at `path`; ERR_NOT_FOUND names the deepest existing ancestor and its children. */
  get(path: string): Node {
    const found = this.find(path);
    if (found !== undefined) return found;
    const [first, ...rest] = path.split('/');
    if (first !== this.root.name) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `no node at '${path}'; paths start at the root ('${this.root.name}/...')`,
      );
    }
    let node = this.root;
    for (const name of rest) {
      const next = node.ownChildren.find((c) => c.name === name);
      if (next === undefined) {
        const names = node.ownChildren.map((c) => c.name);
        throw new StatusError(
          Status.ERR_NOT_FOUND,
          `no node at '${path}': '${node.path}' has no child '${name}'; ${didYouMean(name, names)}its children: ${listOrNone(names)}`,
        );
      }
      node = next;
    }
    return node;
  }

  /** Every live node, depth first from the root, each once (composites under their primary parent). */
  nodes(): Node[] {
    const out: Node[] = [];
    const walk = (n: Node): void => {
      out.push(n);
      for (const c of n.ownChildren) walk(c);
    };
    walk(this.root);
    return out;
  }

  /**
   * The nodes removing `node` would remove, children before parents, each
   * once: a composite child is listed before any of its parents. A manager
   * stops drivers in this order before calling remove().
   */
  removalOrder(nodeOrPath: Node | string): Node[] {
    const node = this.#resolve(nodeOrPath);
    this.#live(node, 'plan the removal of');
    const out: Node[] = [];
    const seen = new Set<Node>();
    const visit = (n: Node): void => {
      if (seen.has(n)) return;
      seen.add(n);
      for (const c of n.children) visit(c);
      out.push(n);
    };
    visit(node);
    return out;
  }

  /** Removes `node` and everything below it, children first; returns the removed nodes in order. */
  remove(nodeOrPath: Node | string): Node[] {
    const node = this.#resolve(nodeOrPath);
    if (node === this.root) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        'the root node cannot be removed; remove its children instead',
      );
    }
    const order = this.removalOrder(node);
    for (const n of order) {
      for (const p of n.parents) nodeMutations.removeChild(p, n);
      nodeMutations.setState(n, 'removed');
      this.#nodes.delete(n);
    }
    for (const n of order) this.#emit({ type: 'node-removed', node: n });
    return order;
  }

  bindDriver(nodeOrPath: Node | string, driver: BoundDriver): void {
    const node = this.#resolve(nodeOrPath);
    this.#live(node, 'bind a driver to');
    if (node.state !== 'unbound') {
      const holder = node.driver === undefined ? '' : ` (driver '${node.driver.name}')`;
      throw new StatusError(
        Status.ERR_ALREADY_BOUND,
        `node '${node.path}' is ${node.state}${holder}; unbind it before binding '${driver.name}'`,
      );
    }
    nodeMutations.setDriver(node, { ...driver });
    nodeMutations.setState(node, 'bound');
    this.#emit({ type: 'driver-bound', node, driver });
  }

  /** Unbinds the driver of a bound or quarantined node, returning it. */
  unbindDriver(nodeOrPath: Node | string): BoundDriver {
    const node = this.#resolve(nodeOrPath);
    this.#live(node, 'unbind');
    const driver = node.driver;
    if (driver === undefined) {
      throw new StatusError(Status.ERR_BAD_STATE, `node '${node.path}' has no driver to unbind`);
    }
    nodeMutations.setDriver(node, undefined);
    nodeMutations.setState(node, 'unbound');
    this.#emit({ type: 'driver-unbound', node, driver });
    return driver;
  }

  /**
   * Marks a bound node as quarantined: its driver failed and will not be
   * restarted. The driver stays recorded so `driver list` shows which one.
   */
  quarantine(nodeOrPath: Node | string, reason: string): void {
    const node = this.#resolve(nodeOrPath);
    this.#live(node, 'quarantine');
    if (node.state !== 'bound') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `node '${node.path}' is ${node.state}; only a bound node can be quarantined`,
      );
    }
    nodeMutations.setState(node, 'quarantined', reason);
    this.#emit({ type: 'node-quarantined', node, reason });
  }
}
