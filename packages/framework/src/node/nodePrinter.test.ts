import { describe, expect, it } from 'vitest';
import { NodeTree } from './nodeTree.js';
import { printNodeTree } from './nodePrinter.js';

function demoTree(): NodeTree {
  const tree = new NodeTree();
  tree.add(tree.root, 'sys');
  tree.add('root/sys', 'platform');
  const ramdisk = tree.add('root/sys/platform', 'ramdisk', {
    'fuchsia.BIND_PROTOCOL': 'fuchsia.block.BIND_PROTOCOL.RAMDISK',
    'fdf.block.size': 512,
  });
  tree.bindDriver(ramdisk, {
    name: 'ramdisk',
    url: 'fdf-ts://drivers/block/ramdisk',
    host: 'block',
  });
  tree.add(ramdisk, 'block', {}, ['fuchsia.hardware.block.Service/default']);
  const i2c = tree.add('root/sys/platform', 'i2c');
  const gpio = tree.add('root/sys/platform', 'gpio');
  tree.addComposite('touch', [i2c, gpio]);
  return tree;
}

describe('printNodeTree', () => {
  it('draws the topology with the driver of each node', () => {
    expect(printNodeTree(demoTree())).toBe(
      [
        'root [unbound]',
        '└─ sys [unbound]',
        '   └─ platform [unbound]',
        '      ├─ ramdisk [ramdisk]',
        '      │  └─ block [unbound]',
        '      ├─ i2c [unbound]',
        '      │  └─ touch (composite of i2c, gpio) [unbound]',
        '      └─ gpio [unbound]',
        '',
      ].join('\n'),
    );
  });

  it('prints verbose blocks with path, driver url, state and properties', () => {
    const tree = demoTree();
    const out = printNodeTree(tree, { verbose: true, from: tree.get('root/sys/platform/ramdisk') });
    expect(out).toBe(
      [
        'Name     : ramdisk',
        'Path     : root/sys/platform/ramdisk',
        'Driver   : fdf-ts://drivers/block/ramdisk',
        'State    : bound',
        'Host     : block',
        '2 Properties',
        '[1/2] : Key fuchsia.BIND_PROTOCOL  Value "fuchsia.block.BIND_PROTOCOL.RAMDISK"',
        '[2/2] : Key fdf.block.size         Value 512 (0x200)',
        '',
        'Name     : block',
        'Path     : root/sys/platform/ramdisk/block',
        'Driver   : unbound',
        'State    : unbound',
        'Offers   : fuchsia.hardware.block.Service/default',
        '0 Properties',
        '',
      ].join('\n'),
    );
  });

  it('lists the parents of a composite node', () => {
    const tree = demoTree();
    const out = printNodeTree(tree, {
      verbose: true,
      from: tree.get('root/sys/platform/i2c/touch'),
    });
    expect(out).toContain('Parents  : root/sys/platform/i2c, root/sys/platform/gpio');
  });
});
