import { describe, expect, it } from 'vitest';
import { compileBindProgram, compileBindRules } from '../bind/compiler.js';
import { CompositeAssembler } from '../composite/compositeAssembler.js';
import type { CompositeSpec } from '../composite/compositeSpec.js';
import { NodeTree } from '../node/nodeTree.js';
import { formatNodeMatch, matchNode, type DriverCandidate } from './driverMatcher.js';

function driver(name: string, rules: string, fallback = false): DriverCandidate {
  return { name, bind: compileBindRules(rules, `${name}.bind`), fallback };
}

const BLOCK_CORE = driver('block-core', 'fuchsia.BIND_PROTOCOL == "block-impl";');
const GPT = driver('gpt', 'fuchsia.BIND_PROTOCOL == "block";');
const FVM = driver('fvm', 'fuchsia.BIND_PROTOCOL == "block";\nfuchsia.BLOCK_TYPE == "fvm";');
const RAW = driver('raw-block', 'fuchsia.BIND_PROTOCOL == "block";', true);
const I2C_HID = driver(
  'i2c-hid',
  `composite i2c_hid;
primary parent "i2c" {
  fuchsia.BIND_PROTOCOL == "i2c";
}
parent "irq" {
  fuchsia.BIND_PROTOCOL == "gpio";
}
optional parent "acpi" {
  fuchsia.BIND_PROTOCOL == "acpi";
}
`,
);

function tree(): NodeTree {
  const t = new NodeTree();
  t.add(t.root, 'sys');
  t.add('root/sys', 'platform');
  return t;
}

describe('matchNode', () => {
  it('binds the first matching non-fallback driver and explains the others', () => {
    const t = tree();
    const node = t.add('root/sys/platform', 'block', { 'fuchsia.BIND_PROTOCOL': 'block' });
    const m = matchNode(node, [BLOCK_CORE, RAW, GPT, I2C_HID]);
    expect(m.outcome).toEqual({ kind: 'driver', driver: GPT });
    expect(m.matched.map((d) => d.name)).toEqual(['gpt', 'raw-block']);
    expect(m.ambiguous).toEqual([]);
    expect(m.rejected).toEqual([
      {
        driver: 'block-core',
        reason:
          'block-core.bind:1:1: fuchsia.BIND_PROTOCOL == "block-impl" is not met: the node has fuchsia.BIND_PROTOCOL = "block"',
      },
      {
        driver: 'i2c-hid',
        reason: 'composite driver: binds only composite nodes built from a spec',
      },
    ]);
  });

  it('uses a fallback driver only when no other driver matches', () => {
    const t = tree();
    const node = t.add('root/sys/platform', 'block', { 'fuchsia.BIND_PROTOCOL': 'block' });
    expect(matchNode(node, [RAW, BLOCK_CORE]).outcome).toEqual({ kind: 'driver', driver: RAW });
  });

  it('reports other matches of the winning tier as ambiguous', () => {
    const t = tree();
    const node = t.add('root/sys/platform', 'block', {
      'fuchsia.BIND_PROTOCOL': 'block',
      'fuchsia.BLOCK_TYPE': 'fvm',
    });
    const m = matchNode(node, [FVM, GPT, RAW]);
    expect(m.outcome).toEqual({ kind: 'driver', driver: FVM });
    expect(m.ambiguous).toEqual(['gpt']);
    expect(formatNodeMatch(m)).toBe(
      [
        "root/sys/platform/block: binds 'fvm'",
        "  also matched by 'gpt': make their bind rules exclusive or mark all but one fallback",
        '',
      ].join('\n'),
    );
  });

  it('says no driver matches, with every reason', () => {
    const t = tree();
    const node = t.add('root/sys/platform', 'mystery');
    const m = matchNode(node, [GPT]);
    expect(m.outcome).toEqual({ kind: 'none' });
    expect(formatNodeMatch(m)).toBe(
      'root/sys/platform/mystery: no driver matches\n  gpt: gpt.bind:1:1: fuchsia.BIND_PROTOCOL == "block" is not met: the node has no property fuchsia.BIND_PROTOCOL\n',
    );
  });

  describe('with composite specs', () => {
    const SPEC: CompositeSpec = {
      name: 'touch',
      parents: [
        {
          name: 'i2c',
          bind: compileBindProgram('fuchsia.BIND_I2C_ADDRESS == 0x38;', 'i2c.bind'),
          properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: 'i2c' }],
        },
        {
          name: 'gpio-int',
          bind: compileBindProgram('fuchsia.FUNCTION == "touch";', 'gpio.bind'),
          properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: 'gpio' }],
        },
      ],
    };
    const I2C_ANY = driver('i2c-child', 'fuchsia.BIND_I2C_ADDRESS == 0x38;');

    it('claims a spec parent for the composite before any driver', () => {
      const t = tree();
      const assembler = new CompositeAssembler(t, [SPEC]);
      const node = t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
      const m = matchNode(node, [I2C_ANY], { composites: assembler });
      expect(m.outcome).toEqual({
        kind: 'composite-parent',
        roles: [{ spec: 'touch', parent: 'i2c' }],
      });
      expect(m.matched.map((d) => d.name)).toEqual(['i2c-child']);
      expect(formatNodeMatch(m)).toBe(
        "root/sys/platform/i2c-1-56: parent of composite 'touch' (as 'i2c')\n",
      );
    });

    it('binds a composite driver to the composite node and pairs the parents', () => {
      const t = tree();
      const assembler = new CompositeAssembler(t, [SPEC]);
      t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
      t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch' });
      const composite = t.get('root/sys/platform/i2c-1-56/touch');
      const m = matchNode(composite, [GPT, I2C_HID], { composites: assembler });
      expect(m.outcome.kind).toBe('driver');
      if (m.outcome.kind !== 'driver') return;
      expect(m.outcome.driver).toBe(I2C_HID);
      expect([...(m.outcome.composite?.parents ?? [])]).toEqual([
        ['i2c', 'i2c'],
        ['gpio-int', 'irq'],
      ]);
      expect(m.outcome.composite?.primary).toBe('i2c');
      expect(m.rejected).toEqual([
        {
          driver: 'gpt',
          reason: "binds single nodes; composite node 'touch' needs a composite driver",
        },
      ]);
    });

    it('explains why a composite driver does not fit a spec', () => {
      const t = tree();
      const wrong: CompositeSpec = {
        ...SPEC,
        parents: [
          SPEC.parents[0]!,
          { ...SPEC.parents[1]!, properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: 'pwm' }] },
        ],
      };
      const assembler = new CompositeAssembler(t, [wrong]);
      t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
      t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch' });
      const m = matchNode(t.get('root/sys/platform/i2c-1-56/touch'), [I2C_HID], {
        composites: assembler,
      });
      expect(m.outcome).toEqual({ kind: 'none' });
      expect(m.rejected[0]?.reason).toBe(
        'spec parent \'gpio-int\' fits none of the driver\'s parents (i2c: i2c-hid.bind:3:3: fuchsia.BIND_PROTOCOL == "i2c" is not met: the node has fuchsia.BIND_PROTOCOL = "pwm"; irq: i2c-hid.bind:6:3: fuchsia.BIND_PROTOCOL == "gpio" is not met: the node has fuchsia.BIND_PROTOCOL = "pwm"; acpi: i2c-hid.bind:9:3: fuchsia.BIND_PROTOCOL == "acpi" is not met: the node has fuchsia.BIND_PROTOCOL = "pwm")',
      );
    });

    it('needs the spec source to match a composite node', () => {
      const t = tree();
      new CompositeAssembler(t, [SPEC]);
      t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
      t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch' });
      const m = matchNode(t.get('root/sys/platform/i2c-1-56/touch'), [I2C_HID]);
      expect(m.rejected[0]?.reason).toContain('pass the composite assembler in the match options');
    });
  });
});
