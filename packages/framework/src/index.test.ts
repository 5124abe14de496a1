import { describe, expect, it } from 'vitest';
import * as framework from './index.js';

describe('@fdf/framework public surface', () => {
  it('exports the entry points of each layer and nothing internal', () => {
    for (const name of [
      'compileBindRules',
      'evaluate',
      'compileBindYaml',
      'NodeTree',
      'printNodeTree',
      'CompositeAssembler',
      'parseDriverManifest',
      'loadBoardManifest',
      'boardJsonSchema',
      'createDeviceTypeRegistry',
      'matchNode',
      'DiagnosticsError',
    ]) {
      expect(framework, name).toHaveProperty(name);
    }
    // Node mutations go through NodeTree only; the lexer and parser are internal.
    for (const name of ['nodeMutations', 'tokenize', 'parseBindSource', 'YamlSource']) {
      expect(framework, name).not.toHaveProperty(name);
    }
  });

  it('runs end to end: board -> tree -> composite -> match', () => {
    const fs = framework.memoryManifestFs({
      '/b/board.yaml': `name: touch-demo
devices:
  - { name: i2c-1-56, type: i2c, properties: { fuchsia.BIND_I2C_ADDRESS: 0x38 } }
  - { name: gpio-3, type: gpio, properties: { fuchsia.FUNCTION: touch } }
drivers:
  - { name: i2c-hid, manifest: ../d/i2c-hid }
composites:
  - name: touch
    parents:
      - { name: i2c, bind: "fuchsia.BIND_I2C_ADDRESS == 0x38;", properties: { fuchsia.BIND_PROTOCOL: i2c } }
      - { name: gpio-int, bind: "fuchsia.FUNCTION == \\"touch\\";", properties: { fuchsia.BIND_PROTOCOL: gpio } }
hosts:
  - { name: input, drivers: [i2c-hid] }
`,
      '/d/i2c-hid/driver.yaml': `name: i2c-hid
bind: |
  composite i2c_hid;
  primary parent "i2c" { fuchsia.BIND_PROTOCOL == "i2c"; }
  parent "irq" { fuchsia.BIND_PROTOCOL == "gpio"; }
module: src/driver.ts
`,
      '/d/i2c-hid/src/driver.ts': '',
    });
    const board = framework.loadBoardManifest('/b/board.yaml', { fs });
    const tree = new framework.NodeTree();
    const assembler = new framework.CompositeAssembler(tree, board.composites);
    tree.add(tree.root, 'sys');
    tree.add('root/sys', 'platform');
    for (const d of board.devices) tree.add(d.parent, d.name, d.properties, d.offers);
    const composite = tree.get('root/sys/platform/i2c-1-56/touch');
    const drivers = board.drivers.flatMap((d) => (d.manifest === undefined ? [] : [d.manifest]));
    const m = framework.matchNode(composite, drivers, { composites: assembler });
    expect(m.outcome.kind === 'driver' && m.outcome.driver.name).toBe('i2c-hid');
  });
});
