/**
 * Where a driver runs and what it can reach: the incoming routes of a node
 * (which parent offers what, and which driver serves it), the node as its
 * driver sees it, and the placement rules a board must respect:
 *
 * - a Banjo driver calls its parents directly, so every driver that serves
 *   it must run in its host;
 * - a driver with `colocate: true` (manifest, or the board's override) must
 *   run in its parent driver's host.
 *
 * Hosts come from the board's `hosts` list; these rules only check it, so
 * moving a driver between hosts stays a board edit.
 */
import type { NodeInfo } from '../driver/startInfo.js';
import type { Board, BoardDriver } from '../manifest/boardManifest.js';
import type { IncomingRoute, ProviderRef } from '../namespace/incoming.js';
import type { Node } from '../node/node.js';

/** Parent role names of a node: `default`, or the composite spec's roles in order. */
export function parentRoles(node: Node, board: Board): { role: string; node: Node }[] {
  if (!node.isComposite)
    return node.parent === undefined ? [] : [{ role: 'default', node: node.parent }];
  const spec = board.composites.find((c) => c.name === node.compositeSpec);
  return node.parents.map((p, i) => ({ role: spec?.parents[i]?.name ?? `parent-${i}`, node: p }));
}

export function nodeInfo(node: Node, board: Board): NodeInfo {
  return {
    name: node.name,
    path: node.path,
    properties: node.properties.map((p) => ({ key: p.key, value: p.value })),
    offers: [...node.offers],
    parents: parentRoles(node, board).map((p) => ({ role: p.role, path: p.node.path })),
    composite: node.isComposite,
  };
}

/**
 * The routes of the driver bound to `node`: a plain node's own offers, served
 * by the driver that added it; for a composite, each parent's offers, served
 * by the driver that added that parent.
 */
export function incomingRoutes(
  node: Node,
  board: Board,
  providerOf: (node: Node) => ProviderRef | null,
): IncomingRoute[] {
  if (!node.isComposite) {
    const provider = providerOf(node);
    return node.offers.map((offer) => ({ offer, parent: 'default', node: node.path, provider }));
  }
  return parentRoles(node, board).flatMap(({ role, node: parent }) => {
    const provider = providerOf(parent);
    return parent.offers.map((offer) => ({ offer, parent: role, node: parent.path, provider }));
  });
}

/** Why `driver` cannot run where the board puts it, or undefined. */
export function placementProblem(
  driver: BoardDriver,
  board: Board,
  routes: readonly IncomingRoute[],
  parentDriver: ProviderRef | null,
): string | undefined {
  if (driver.variant === 'banjo') {
    for (const route of routes) {
      const p = route.provider;
      if (p !== null && p.host !== driver.host) {
        return `driver '${driver.name}' runs its banjo variant in host '${driver.host}', but '${route.offer}' comes from driver '${p.driver}' in host '${p.host}'; Banjo calls are direct function calls within one host: put both drivers in one host in ${board.file}, or set \`variant: driver\` for ${driver.name}`;
      }
    }
  }
  if (driver.colocate && parentDriver !== null && parentDriver.host !== driver.host) {
    return `driver '${driver.name}' must run in its parent driver's host (colocate: true), but ${board.file} places it in host '${driver.host}' and its parent '${parentDriver.driver}' in host '${parentDriver.host}'; move ${driver.name} to host '${parentDriver.host}', or set \`colocate: false\` for it in the board's drivers`;
  }
  return undefined;
}

/** `fdf-ts://drivers/sample/echo-device` for a manifest under drivers/, else `fdf-ts:///<name>`. */
export function driverUrl(driver: BoardDriver): string {
  const path = driver.manifestPath.replaceAll('\\', '/');
  const at = path.lastIndexOf('/drivers/');
  if (at < 0) return `fdf-ts:///${driver.name}`;
  const dir = path
    .slice(at + 1)
    .replace(/\/driver\.yaml$/, '')
    .replace(/\/[^/]+\.ya?ml$/, '');
  return `fdf-ts://${dir}`;
}
