/**
 * Everything a driver gets from its host when it is created: its node, the
 * services its parents offer (incoming), the directory it serves from
 * (outgoing), its default dispatcher, a logger and counters. The same shape
 * in a worker host and in the test harness.
 */
import type { Dispatcher, DispatcherOptions } from '@fdf/runtime';
import type { DriverVariant } from '../manifest/driverManifest.js';
import type { IncomingNamespace } from '../namespace/incoming.js';
import type { OutgoingDirectory } from '../namespace/outgoing.js';
import type { DriverCounters } from './counters.js';
import type { DriverNode } from './driverNode.js';
import type { DriverLogger } from './logger.js';
import type { DeviceInfo } from './startInfo.js';

export interface DriverContext {
  /** The driver's name from its manifest. */
  readonly name: string;
  readonly url: string;
  /** Which build the board asked for: `driver` (FIDL) or `banjo`. */
  readonly variant: DriverVariant;
  /** The driver host it runs in. */
  readonly host: string;
  readonly node: DriverNode;
  readonly incoming: IncomingNamespace;
  readonly outgoing: OutgoingDirectory;
  /** The default dispatcher, with the manifest's options; start() runs on it. */
  readonly dispatcher: Dispatcher;
  readonly logger: DriverLogger;
  readonly counters: DriverCounters;
  /** The board's fake device, when the node is a device node. */
  readonly device: DeviceInfo | undefined;
  /** Another dispatcher owned by this driver (shut down with the others when it stops). */
  createDispatcher(options: DispatcherOptions): Dispatcher;
}
