import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { compileBindProgram } from '../bind/compiler.js';
import { NodeTree } from '../node/nodeTree.js';
import { CompositeAssembler } from './compositeAssembler.js';
import { createCompositeSpec, type CompositeSpec } from './compositeSpec.js';

const TOUCH: CompositeSpec = {
  name: 'touch',
  parents: [
    {
      name: 'i2c',
      bind: compileBindProgram('fuchsia.BIND_I2C_ADDRESS == 0x38;', 'touch-i2c.bind'),
      properties: [{ key: 'fuchsia.BIND_PROTOCOL', value: 'fuchsia.i2c.BIND_PROTOCOL.DEVICE' }],
    },
    {
      name: 'gpio-int',
      bind: compileBindProgram('fuchsia.FUNCTION == "touch-interrupt";', 'touch-gpio.bind'),
      properties: [],
    },
  ],
};

function tree(): NodeTree {
  const t = new NodeTree();
  t.add(t.root, 'sys');
  t.add('root/sys', 'platform');
  return t;
}

describe('CompositeAssembler', () => {
  it('builds the composite node once every parent has appeared, under all parents', () => {
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    const added: string[] = [];
    t.subscribe((e) => {
      if (e.type === 'node-added') added.push(e.node.path);
    });
    const i2c = t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    expect(assembler.pending()).toEqual([{ spec: 'touch', missing: ['gpio-int'] }]);
    t.add('root/sys/platform', 'unrelated', { 'fuchsia.BIND_I2C_ADDRESS': 0x10 });
    const gpio = t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch-interrupt' });
    // Events stay in causal order: the composite comes right after its last parent.
    expect(added).toEqual([
      'root/sys/platform/i2c-1-56',
      'root/sys/platform/unrelated',
      'root/sys/platform/gpio-3',
      'root/sys/platform/i2c-1-56/touch',
    ]);
    const composite = t.get('root/sys/platform/i2c-1-56/touch');
    expect(composite.parents).toEqual([i2c, gpio]);
    expect(composite.compositeSpec).toBe('touch');
    // The primary parent's spec properties become the composite node's.
    expect(composite.properties).toEqual(TOUCH.parents[0]?.properties);
    expect(assembler.pending()).toEqual([]);
    expect(assembler.status()[0]?.composite).toBe(composite);
  });

  it('fills parents from nodes that existed before the spec was added', () => {
    const t = tree();
    t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch-interrupt' });
    t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    const assembler = new CompositeAssembler(t);
    assembler.addSpec(TOUCH);
    expect(t.find('root/sys/platform/i2c-1-56/touch')).toBeDefined();
  });

  it('drops the composite with a parent and rebuilds it when a new node fills the role', () => {
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    const gpio = t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch-interrupt' });
    const removed = t.remove(gpio).map((n) => n.path);
    expect(removed).toEqual(['root/sys/platform/i2c-1-56/touch', 'root/sys/platform/gpio-3']);
    expect(assembler.pending()).toEqual([{ spec: 'touch', missing: ['gpio-int'] }]);
    const gpio2 = t.add('root/sys/platform', 'gpio-4', { 'fuchsia.FUNCTION': 'touch-interrupt' });
    expect(t.get('root/sys/platform/i2c-1-56/touch').parents[1]).toBe(gpio2);
  });

  it('refills a freed role from a node already in the tree', () => {
    const t = tree();
    new CompositeAssembler(t, [TOUCH]);
    t.add('root/sys/platform', 'i2c-a', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    t.add('root/sys/platform', 'i2c-b', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch-interrupt' });
    expect(t.find('root/sys/platform/i2c-a/touch')).toBeDefined();
    t.remove('root/sys/platform/i2c-a');
    expect(t.get('root/sys/platform/i2c-b/touch').parents.map((p) => p.name)).toEqual([
      'i2c-b',
      'gpio-3',
    ]);
  });

  it('reports the roles a node satisfies, for driver matching priority', () => {
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    const node = t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    expect(assembler.rolesFor(node)).toEqual([{ spec: 'touch', parent: 'i2c' }]);
    expect(assembler.specFor('touch')?.parents.map((p) => p.name)).toEqual(['i2c', 'gpio-int']);
  });

  it('records, instead of throwing, a composite that cannot be added', () => {
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    const i2c = t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    t.add(i2c, 'touch'); // Takes the composite's name under its primary parent.
    expect(() =>
      t.add('root/sys/platform', 'gpio-3', { 'fuchsia.FUNCTION': 'touch-interrupt' }),
    ).not.toThrow();
    expect(assembler.status()[0]?.error).toContain(
      "node 'root/sys/platform/i2c-1-56/touch' already exists",
    );
  });

  it('stops watching after dispose', () => {
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    assembler.dispose();
    t.add('root/sys/platform', 'i2c-1-56', { 'fuchsia.BIND_I2C_ADDRESS': 0x38 });
    expect(assembler.pending()).toEqual([{ spec: 'touch', missing: ['i2c', 'gpio-int'] }]);
  });
});

describe('createCompositeSpec', () => {
  const bind = compileBindProgram('true;', 't.bind');
  function statusOf(fn: () => unknown): Status | undefined {
    try {
      fn();
    } catch (err) {
      if (err instanceof StatusError) return err.status;
    }
    return undefined;
  }

  it('refuses bad names, no parents and duplicate roles', () => {
    expect(
      statusOf(() =>
        createCompositeSpec({ name: 'a b', parents: [{ name: 'x', bind, properties: [] }] }),
      ),
    ).toBe(Status.ERR_INVALID_ARGS);
    expect(() => createCompositeSpec({ name: 'a', parents: [] })).toThrowError(/has no parents/);
    expect(() =>
      createCompositeSpec({
        name: 'a',
        parents: [
          { name: 'x', bind, properties: [] },
          { name: 'x', bind, properties: [] },
        ],
      }),
    ).toThrowError(/parent 'x' appears twice/);
    const t = tree();
    const assembler = new CompositeAssembler(t, [TOUCH]);
    expect(statusOf(() => assembler.addSpec(TOUCH))).toBe(Status.ERR_ALREADY_EXISTS);
  });
});
