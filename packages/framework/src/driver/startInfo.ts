/**
 * What the manager tells a host about a driver to start: plain data that
 * crosses threads by structured clone (no classes, no functions).
 */
import type { DriverVariant } from '../manifest/driverManifest.js';
import type { IncomingRoute } from '../namespace/incoming.js';
import type { NodeProperty } from '../node/nodeProperty.js';

/** A node as its driver sees it. */
export interface NodeInfo {
  readonly name: string;
  readonly path: string;
  readonly properties: readonly NodeProperty[];
  readonly offers: readonly string[];
  /** Parents by role: `default` for a plain node, the spec's roles for a composite. */
  readonly parents: readonly { readonly role: string; readonly path: string }[];
  readonly composite: boolean;
}

/** The board's fake device behind a device node (its config as the board wrote it). */
export interface DeviceInfo {
  readonly name: string;
  readonly type: string;
  readonly config: unknown;
}

export interface DriverStartInfo {
  /** Unique within a manager; a restarted driver gets a new one. */
  readonly instance: number;
  readonly name: string;
  readonly url: string;
  /** Absolute path of the module exporting the driver class. */
  readonly module: string;
  readonly export: string;
  readonly variant: DriverVariant;
  readonly host: string;
  readonly allowSyncCalls: boolean;
  readonly node: NodeInfo;
  readonly incoming: readonly IncomingRoute[];
  readonly device?: DeviceInfo;
}

/** What a driver asks for when it adds a child node. */
export interface ChildNodeRequest {
  readonly name: string;
  readonly properties: readonly NodeProperty[];
  readonly offers: readonly string[];
}
