/**
 * One node of the driver framework's topology: something a driver can bind
 * to. A node is created by its parent's driver (or by the board for fake
 * devices), carries properties for bind rules, offers service instances to
 * its children, and has at most one driver bound.
 *
 * A composite node has several parents; the first is its primary parent,
 * which gives it its path and (later) its driver host.
 *
 * Nodes are changed only through their NodeTree so that every change is
 * announced to the tree's listeners; the mutators below are handed to the
 * tree module and are not part of the package's public surface.
 */
import { propertyMap, type NodeProperty, type PropertyValue } from './nodeProperty.js';

export type NodeState = 'unbound' | 'bound' | 'quarantined' | 'removed';

/** The driver bound to a node. */
export interface BoundDriver {
  readonly name: string;
  /** Where the driver comes from, as `driver list` prints it. */
  readonly url: string;
  /** The driver host it runs in, once a manager has placed it. */
  readonly host?: string;
}

/** Mutations reserved to NodeTree, so every change goes through its events. */
export interface NodeMutations {
  addChild(parent: Node, child: Node): void;
  removeChild(parent: Node, child: Node): void;
  setDriver(node: Node, driver: BoundDriver | undefined): void;
  setState(node: Node, state: NodeState, reason?: string): void;
}

export const nodeMutations = {} as NodeMutations;

export class Node {
  readonly name: string;
  /** Empty for the root; the primary parent first for composite nodes. */
  readonly parents: readonly Node[];
  readonly properties: readonly NodeProperty[];
  /** Service instances this node offers to the driver bound to it and its children. */
  readonly offers: readonly string[];
  /** The composite node spec this node was assembled from, if any. */
  readonly compositeSpec: string | undefined;
  readonly #propertyMap: ReadonlyMap<string, PropertyValue>;
  readonly #children: Node[] = [];
  #driver: BoundDriver | undefined;
  #state: NodeState = 'unbound';
  #stateReason: string | undefined;

  static {
    Object.assign(nodeMutations, {
      addChild(parent: Node, child: Node): void {
        parent.#children.push(child);
      },
      removeChild(parent: Node, child: Node): void {
        const i = parent.#children.indexOf(child);
        if (i >= 0) parent.#children.splice(i, 1);
      },
      setDriver(node: Node, driver: BoundDriver | undefined): void {
        node.#driver = driver;
      },
      setState(node: Node, state: NodeState, reason?: string): void {
        node.#state = state;
        node.#stateReason = reason;
      },
    } satisfies NodeMutations);
  }

  /** Use NodeTree.add / addComposite; a node outside a tree cannot be bound or found. */
  constructor(
    name: string,
    parents: readonly Node[],
    properties: readonly NodeProperty[],
    offers: readonly string[],
    compositeSpec?: string,
  ) {
    this.name = name;
    this.parents = [...parents];
    this.properties = properties.map((p) => ({ key: p.key, value: p.value }));
    this.#propertyMap = propertyMap(this.properties, `node '${name}'`);
    this.offers = [...offers];
    this.compositeSpec = compositeSpec;
  }

  /** The primary parent; undefined for the root. */
  get parent(): Node | undefined {
    return this.parents[0];
  }

  /** Children in creation order, composite children included (under each of their parents). */
  get children(): readonly Node[] {
    return this.#children;
  }

  /** The children whose primary parent is this node: the ones that have a path below it. */
  get ownChildren(): readonly Node[] {
    return this.#children.filter((c) => c.parent === this);
  }

  get isComposite(): boolean {
    return this.parents.length > 1 || this.compositeSpec !== undefined;
  }

  get driver(): BoundDriver | undefined {
    return this.#driver;
  }

  get state(): NodeState {
    return this.#state;
  }

  /** Why the node is quarantined, when it is. */
  get stateReason(): string | undefined {
    return this.#stateReason;
  }

  /** `root/sys/platform/ramdisk`: names along primary parents. */
  get path(): string {
    const names: string[] = [this.name];
    for (let n = this.parent; n !== undefined; n = n.parent) names.push(n.name);
    return names.reverse().join('/');
  }

  get propertyMap(): ReadonlyMap<string, PropertyValue> {
    return this.#propertyMap;
  }

  property(key: string): PropertyValue | undefined {
    return this.#propertyMap.get(key);
  }

  toString(): string {
    return this.path;
  }
}
