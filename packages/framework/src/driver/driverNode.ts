/**
 * A driver's view of the node it is bound to: its name, path, properties and
 * offers, and the one thing a driver does with it: add child nodes (with
 * properties for bind rules and offers of services from its outgoing
 * directory). The manager owns the tree; adding a child is a request to it.
 */
import { Status, StatusError } from '@fdf/zx';
import { listOrNone } from '../diagnostics.js';
import {
  propertiesFromRecord,
  propertyMap,
  type NodeProperty,
  type PropertyValue,
} from '../node/nodeProperty.js';
import type { PropertiesInput } from '../node/nodeTree.js';
import type { ChildNodeRequest, NodeInfo } from './startInfo.js';

/** How a driver's node reaches the manager; the host implements it. */
export interface NodeLink {
  addChild(request: ChildNodeRequest): Promise<NodeInfo>;
  removeNode(path: string): Promise<void>;
}

/** What a node needs of the outgoing directory (OutgoingDirectory has it). */
export interface ServedOffers {
  has(offer: string): boolean;
  offers(): string[];
}

export interface ChildNodeArgs {
  readonly name: string;
  readonly properties?: PropertiesInput;
  /** Offers from this driver's outgoing directory, as `outgoing.addService` returned them. */
  readonly offers?: readonly string[];
}

/** A node this driver added. */
export class ChildNode {
  readonly #info: NodeInfo;
  readonly #link: NodeLink;
  readonly #forget: (child: ChildNode) => void;
  #removed = false;

  constructor(info: NodeInfo, link: NodeLink, forget: (child: ChildNode) => void) {
    this.#info = info;
    this.#link = link;
    this.#forget = forget;
  }

  get name(): string {
    return this.#info.name;
  }

  get path(): string {
    return this.#info.path;
  }

  get properties(): readonly NodeProperty[] {
    return this.#info.properties;
  }

  get offers(): readonly string[] {
    return this.#info.offers;
  }

  /** Removes the node; the drivers below it are stopped first, children first. */
  async remove(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    this.#forget(this);
    await this.#link.removeNode(this.#info.path);
  }
}

export class DriverNode {
  readonly #info: NodeInfo;
  readonly #link: NodeLink;
  readonly #served: ServedOffers;
  readonly #owner: string;
  readonly #children: ChildNode[] = [];
  readonly #properties: ReadonlyMap<string, PropertyValue>;

  /** `served` is the driver's outgoing directory, so a child cannot offer what nobody serves. */
  constructor(owner: string, info: NodeInfo, link: NodeLink, served: ServedOffers) {
    this.#owner = owner;
    this.#info = info;
    this.#link = link;
    this.#served = served;
    this.#properties = new Map(info.properties.map((p) => [p.key, p.value]));
  }

  get name(): string {
    return this.#info.name;
  }

  get path(): string {
    return this.#info.path;
  }

  get properties(): readonly NodeProperty[] {
    return this.#info.properties;
  }

  /** What the parents offer through this node (see the incoming namespace for clients). */
  get offers(): readonly string[] {
    return this.#info.offers;
  }

  get parents(): NodeInfo['parents'] {
    return this.#info.parents;
  }

  get isComposite(): boolean {
    return this.#info.composite;
  }

  /** The children this driver added and has not removed. */
  get children(): readonly ChildNode[] {
    return this.#children;
  }

  property(key: string): PropertyValue | undefined {
    return this.#properties.get(key);
  }

  /**
   * Adds a child node under this one. Resolves once the manager added it (a
   * driver may bind to it right after, in this host or another one).
   */
  async addChild(args: ChildNodeArgs): Promise<ChildNode> {
    const properties = Array.isArray(args.properties)
      ? (args.properties as readonly NodeProperty[])
      : propertiesFromRecord((args.properties ?? {}) as Record<string, PropertyValue>);
    // Checked here so the error points at the driver's call, not at a message from the manager.
    propertyMap(properties, `${this.#owner}: child node '${args.name}'`);
    const offers = [...(args.offers ?? [])];
    for (const offer of offers) {
      if (!this.#served.has(offer)) {
        throw new StatusError(
          Status.ERR_NOT_FOUND,
          `${this.#owner}: child node '${args.name}' offers '${offer}', which the driver's outgoing directory does not serve (it serves: ${listOrNone(this.#served.offers())}); add the service with outgoing.addService first and offer the name it returns`,
        );
      }
    }
    const info = await this.#link.addChild({
      name: args.name,
      properties: properties.map((p) => ({ key: p.key, value: p.value })),
      offers,
    });
    const child = new ChildNode(info, this.#link, (c) => {
      const i = this.#children.indexOf(c);
      if (i >= 0) this.#children.splice(i, 1);
    });
    this.#children.push(child);
    return child;
  }
}
