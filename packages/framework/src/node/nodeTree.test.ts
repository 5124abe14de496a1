import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { Node } from './node.js';
import { NodeTree, type NodeTreeEvent } from './nodeTree.js';

function statusOf(fn: () => unknown): Status | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

function platformTree(): NodeTree {
  const tree = new NodeTree();
  const sys = tree.add(tree.root, 'sys');
  tree.add(sys, 'platform');
  return tree;
}

/** Records events as short strings. */
function record(tree: NodeTree): string[] {
  const log: string[] = [];
  tree.subscribe((e: NodeTreeEvent) => log.push(`${e.type} ${e.node.path}`));
  return log;
}

describe('NodeTree', () => {
  it('adds nodes with properties and offers and finds them by path', () => {
    const tree = platformTree();
    const ramdisk = tree.add(
      'root/sys/platform',
      'ramdisk',
      { 'fuchsia.BIND_PROTOCOL': 'fuchsia.block.BIND_PROTOCOL.RAMDISK', 'fdf.block.size': 512 },
      ['fuchsia.hardware.ramdisk.Service/default'],
    );
    expect(ramdisk.path).toBe('root/sys/platform/ramdisk');
    expect(tree.get('root/sys/platform/ramdisk')).toBe(ramdisk);
    expect(ramdisk.parent?.name).toBe('platform');
    expect(ramdisk.property('fdf.block.size')).toBe(512);
    expect(ramdisk.properties).toEqual([
      { key: 'fuchsia.BIND_PROTOCOL', value: 'fuchsia.block.BIND_PROTOCOL.RAMDISK' },
      { key: 'fdf.block.size', value: 512 },
    ]);
    expect(ramdisk.offers).toEqual(['fuchsia.hardware.ramdisk.Service/default']);
    expect(ramdisk.state).toBe('unbound');
    expect(tree.size).toBe(4);
    expect(tree.find('root/sys/nothing')).toBeUndefined();
  });

  it('refuses bad names, duplicate siblings, duplicate property keys and bad values', () => {
    const tree = platformTree();
    tree.add('root/sys', 'dup');
    expect(statusOf(() => tree.add('root/sys', 'dup'))).toBe(Status.ERR_ALREADY_EXISTS);
    expect(messageOf(() => tree.add('root/sys', 'a/b'))).toContain("node name 'a/b' is invalid");
    expect(
      messageOf(() =>
        tree.add('root/sys', 'x', [
          { key: 'fuchsia.A', value: 1 },
          { key: 'fuchsia.A', value: 2 },
        ]),
      ),
    ).toContain("property 'fuchsia.A' is given twice");
    expect(messageOf(() => tree.add('root/sys', 'y', { 'fuchsia.A': -3 }))).toContain(
      '-3 is not a uint32',
    );
    expect(messageOf(() => tree.add('root/sys', 'z', { 'bad key': 1 }))).toContain(
      "property key 'bad key'",
    );
    expect(messageOf(() => tree.add('root/sys', 'w', {}, ['svc', 'svc']))).toContain(
      "offer 'svc' is listed twice",
    );
  });

  it('explains a failed lookup with the nearest children', () => {
    const tree = platformTree();
    expect(statusOf(() => tree.get('root/sys/platfrom/ramdisk'))).toBe(Status.ERR_NOT_FOUND);
    expect(messageOf(() => tree.get('root/sys/platfrom/ramdisk'))).toBe(
      "ZX_ERR_NOT_FOUND: no node at 'root/sys/platfrom/ramdisk': 'root/sys' has no child 'platfrom'; did you mean 'platform'? its children: platform",
    );
    expect(messageOf(() => tree.get('sys/platform'))).toContain(
      "paths start at the root ('root/...')",
    );
  });

  it('emits events in order, also for changes made by a listener', () => {
    const tree = platformTree();
    const log = record(tree);
    // A listener that reacts to one node by adding another, like the composite assembler.
    tree.subscribe((e) => {
      if (e.type === 'node-added' && e.node.name === 'a') tree.add(e.node, 'b');
    });
    tree.add('root/sys/platform', 'a');
    expect(log).toEqual(['node-added root/sys/platform/a', 'node-added root/sys/platform/a/b']);
  });

  it('unsubscribes', () => {
    const tree = platformTree();
    const seen: string[] = [];
    const off = tree.subscribe((e) => seen.push(e.type));
    tree.add('root/sys', 'one');
    off();
    tree.add('root/sys', 'two');
    expect(seen).toEqual(['node-added']);
  });

  it('removes a subtree children first and marks nodes removed', () => {
    const tree = platformTree();
    const ramdisk = tree.add('root/sys/platform', 'ramdisk');
    const block = tree.add(ramdisk, 'block');
    tree.add(block, 'part-000');
    tree.add(block, 'part-001');
    const log = record(tree);
    expect(tree.removalOrder(ramdisk).map((n) => n.name)).toEqual([
      'part-000',
      'part-001',
      'block',
      'ramdisk',
    ]);
    const removed = tree.remove('root/sys/platform/ramdisk');
    expect(removed.map((n) => n.name)).toEqual(['part-000', 'part-001', 'block', 'ramdisk']);
    expect(log).toEqual([
      'node-removed root/sys/platform/ramdisk/block/part-000',
      'node-removed root/sys/platform/ramdisk/block/part-001',
      'node-removed root/sys/platform/ramdisk/block',
      'node-removed root/sys/platform/ramdisk',
    ]);
    expect(block.state).toBe('removed');
    expect(tree.find('root/sys/platform/ramdisk')).toBeUndefined();
    expect(tree.get('root/sys/platform').children).toEqual([]);
    expect(statusOf(() => tree.add(block, 'late'))).toBe(Status.ERR_BAD_STATE);
    expect(messageOf(() => tree.add(block, 'late'))).toContain('it was removed');
    expect(statusOf(() => tree.remove(tree.root))).toBe(Status.ERR_INVALID_ARGS);
  });

  it('removes a composite node when any of its parents goes, before that parent', () => {
    const tree = platformTree();
    const i2c = tree.add('root/sys/platform', 'i2c');
    const gpio = tree.add('root/sys/platform', 'gpio');
    const touch = tree.addComposite('touch', [i2c, gpio], { 'fuchsia.A': 1 }, [], 'touch-spec');
    expect(touch.path).toBe('root/sys/platform/i2c/touch');
    expect(touch.isComposite).toBe(true);
    expect(touch.compositeSpec).toBe('touch-spec');
    expect(gpio.children).toEqual([touch]);
    expect(gpio.ownChildren).toEqual([]);
    expect(tree.nodes().filter((n) => n === touch)).toHaveLength(1);
    const log = record(tree);
    tree.remove(gpio);
    expect(log).toEqual([
      'node-removed root/sys/platform/i2c/touch',
      'node-removed root/sys/platform/gpio',
    ]);
    expect(i2c.children).toEqual([]);
    expect(statusOf(() => tree.addComposite('x', [i2c, i2c]))).toBe(Status.ERR_INVALID_ARGS);
    expect(statusOf(() => tree.addComposite('x', []))).toBe(Status.ERR_INVALID_ARGS);
  });

  it('binds, unbinds and quarantines drivers with state checks and events', () => {
    const tree = platformTree();
    const node = tree.add('root/sys/platform', 'ramdisk');
    const log: string[] = [];
    tree.subscribe((e) => log.push(e.type));
    tree.bindDriver(node, {
      name: 'ramdisk',
      url: 'fdf-ts://drivers/block/ramdisk',
      host: 'block',
    });
    expect(node.state).toBe('bound');
    expect(node.driver).toEqual({
      name: 'ramdisk',
      url: 'fdf-ts://drivers/block/ramdisk',
      host: 'block',
    });
    expect(statusOf(() => tree.bindDriver(node, { name: 'other', url: 'x' }))).toBe(
      Status.ERR_ALREADY_BOUND,
    );
    tree.quarantine(node, 'crashed 3 times in 60 s');
    expect(node.state).toBe('quarantined');
    expect(node.stateReason).toBe('crashed 3 times in 60 s');
    expect(tree.unbindDriver(node).name).toBe('ramdisk');
    expect(node.state).toBe('unbound');
    expect(statusOf(() => tree.unbindDriver(node))).toBe(Status.ERR_BAD_STATE);
    expect(statusOf(() => tree.quarantine(node, 'x'))).toBe(Status.ERR_BAD_STATE);
    expect(log).toEqual(['driver-bound', 'node-quarantined', 'driver-unbound']);
  });

  it('refuses nodes that are not in the tree', () => {
    const tree = platformTree();
    const stray = new Node('stray', [], [], []);
    expect(messageOf(() => tree.add(stray, 'x'))).toContain('it belongs to another tree');
  });
});
