/**
 * Text renderings of the topology for the CLI: a compact tree (`fdf driver
 * list`) and per-node blocks in the spirit of `ffx driver list-devices
 * --verbose` (`fdf driver list --verbose`).
 */
import type { Node } from './node.js';
import type { NodeTree } from './nodeTree.js';
import { formatPropertyValue } from './nodeProperty.js';

export interface PrintOptions {
  /** One block per node with path, driver, state, offers and properties. */
  readonly verbose?: boolean;
  /** Print only this subtree. */
  readonly from?: Node;
}

function driverLabel(node: Node): string {
  if (node.state === 'quarantined') return `${node.driver?.name ?? '?'}, quarantined`;
  return node.driver?.name ?? 'unbound';
}

function compositeLabel(node: Node): string {
  return node.isComposite ? ` (composite of ${node.parents.map((p) => p.name).join(', ')})` : '';
}

function printTree(from: Node): string {
  const lines = [`${from.name}${compositeLabel(from)} [${driverLabel(from)}]`];
  const walk = (node: Node, prefix: string): void => {
    const kids = node.ownChildren;
    kids.forEach((child, i) => {
      const last = i === kids.length - 1;
      lines.push(
        `${prefix}${last ? '└─ ' : '├─ '}${child.name}${compositeLabel(child)} [${driverLabel(child)}]`,
      );
      walk(child, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(from, '');
  return `${lines.join('\n')}\n`;
}

function printBlock(node: Node): string {
  const lines = [
    `Name     : ${node.name}`,
    `Path     : ${node.path}`,
    `Driver   : ${node.driver?.url ?? 'unbound'}`,
    `State    : ${node.state}${node.stateReason === undefined ? '' : ` (${node.stateReason})`}`,
  ];
  if (node.driver?.host !== undefined) lines.push(`Host     : ${node.driver.host}`);
  if (node.isComposite) lines.push(`Parents  : ${node.parents.map((p) => p.path).join(', ')}`);
  if (node.offers.length > 0) lines.push(`Offers   : ${node.offers.join(', ')}`);
  const n = node.properties.length;
  lines.push(`${n} Propert${n === 1 ? 'y' : 'ies'}`);
  const width = Math.max(0, ...node.properties.map((p) => p.key.length));
  const digits = String(n).length;
  node.properties.forEach((p, i) => {
    const index = `${String(i + 1).padStart(digits)}/${String(n).padStart(digits)}`;
    lines.push(`[${index}] : Key ${p.key.padEnd(width)}  Value ${formatPropertyValue(p.value)}`);
  });
  return lines.join('\n');
}

/** Renders the tree (or a subtree) as text ending in a newline. */
export function printNodeTree(tree: NodeTree, options: PrintOptions = {}): string {
  const from = options.from ?? tree.root;
  if (options.verbose !== true) return printTree(from);
  const nodes: Node[] = [];
  const walk = (n: Node): void => {
    nodes.push(n);
    for (const c of n.ownChildren) walk(c);
  };
  walk(from);
  return `${nodes.map(printBlock).join('\n\n')}\n`;
}
