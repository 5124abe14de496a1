import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import type { PropertyValue } from '../node/nodeProperty.js';
import { compileBindProgram, compileBindRules } from './compiler.js';
import { evaluate, evaluateBindRules } from './evaluate.js';

const RULES = compileBindProgram(
  `using fuchsia.usb;
fuchsia.BIND_PROTOCOL == fuchsia.usb.BIND_PROTOCOL.INTERFACE;
fuchsia.usb.REMOVED != true;
if fuchsia.BIND_USB_VID == 0x8086 {
  fuchsia.BIND_USB_CLASS == 1;
} else if fuchsia.BIND_USB_VID == 0x0BDA {
  accept fuchsia.BIND_USB_CLASS { 2, 14 }
} else {
  false;
}
`,
  'gizmo.bind',
);

function props(record: Record<string, PropertyValue>): Map<string, PropertyValue> {
  return new Map(Object.entries(record));
}

const USB = { 'fuchsia.BIND_PROTOCOL': 'fuchsia.usb.BIND_PROTOCOL.INTERFACE' };

describe('evaluate', () => {
  it('matches when every condition on the taken path holds', () => {
    expect(
      evaluate(
        RULES,
        props({ ...USB, 'fuchsia.BIND_USB_VID': 0x8086, 'fuchsia.BIND_USB_CLASS': 1 }),
      ),
    ).toEqual({
      matched: true,
    });
    expect(
      evaluate(
        RULES,
        props({ ...USB, 'fuchsia.BIND_USB_VID': 0x0bda, 'fuchsia.BIND_USB_CLASS': 14 }),
      ).matched,
    ).toBe(true);
  });

  it('names a missing property', () => {
    expect(evaluate(RULES, props({}))).toEqual({
      matched: false,
      reason:
        'gizmo.bind:2:1: fuchsia.BIND_PROTOCOL == fuchsia.usb.BIND_PROTOCOL.INTERFACE is not met: the node has no property fuchsia.BIND_PROTOCOL',
      at: { file: 'gizmo.bind', line: 2, col: 1 },
    });
  });

  it('treats != as true when the property is absent and false when it equals', () => {
    const base = { ...USB, 'fuchsia.BIND_USB_VID': 0x8086, 'fuchsia.BIND_USB_CLASS': 1 };
    expect(evaluate(RULES, props(base)).matched).toBe(true);
    const r = evaluate(RULES, props({ ...base, 'fuchsia.usb.REMOVED': true }));
    expect(r.matched).toBe(false);
    if (!r.matched)
      expect(r.reason).toBe(
        'gizmo.bind:3:1: fuchsia.usb.REMOVED != true is not met: the node has fuchsia.usb.REMOVED = true',
      );
  });

  it('says which branch was taken when a condition inside it fails', () => {
    const r = evaluate(
      RULES,
      props({ ...USB, 'fuchsia.BIND_USB_VID': 0x0bda, 'fuchsia.BIND_USB_CLASS': 3 }),
    );
    expect(r.matched).toBe(false);
    if (r.matched) return;
    expect(r.reason).toBe(
      "gizmo.bind:7:3: accept fuchsia.BIND_USB_CLASS { 2, 14 } is not met: the node has fuchsia.BIND_USB_CLASS = 3 (0x3) (in the branch 'fuchsia.BIND_USB_VID == 3034' of the if at 4:1)",
    );
  });

  it('reports an explicit false in the else branch', () => {
    const r = evaluate(RULES, props({ ...USB, 'fuchsia.BIND_USB_VID': 1 }));
    expect(r).toMatchObject({ matched: false, at: { line: 9, col: 3 } });
    if (!r.matched)
      expect(r.reason).toContain(
        "the rules refuse here with 'false;' (in the else branch of the if at 4:1)",
      );
  });

  it('points out a comparison between different kinds of values', () => {
    const r = evaluate(
      RULES,
      props({ ...USB, 'fuchsia.BIND_USB_VID': 0x8086, 'fuchsia.BIND_USB_CLASS': '1' }),
    );
    expect(r.matched).toBe(false);
    if (!r.matched)
      expect(r.reason).toContain(
        'the node has fuchsia.BIND_USB_CLASS = "1" (a string, while the rule compares with a number)',
      );
  });

  it('nests branch context innermost first', () => {
    const nested = compileBindProgram(
      'if fuchsia.A == 1 {\n  if fuchsia.B == 2 {\n    fuchsia.C == 3;\n  } else {\n    true;\n  }\n} else {\n  true;\n}\n',
      'n.bind',
    );
    const r = evaluate(nested, props({ 'fuchsia.A': 1, 'fuchsia.B': 2 }));
    expect(r.matched).toBe(false);
    if (!r.matched) {
      expect(r.reason).toBe(
        "n.bind:3:5: fuchsia.C == 3 is not met: the node has no property fuchsia.C (in the branch 'fuchsia.B == 2' of the if at 2:3, inside the branch 'fuchsia.A == 1' of the if at 1:1)",
      );
    }
  });

  it('refuses composite rules for a single node', () => {
    const composite = compileBindRules('primary parent "a" { true; }', 'c.bind');
    expect(() => evaluateBindRules(composite, props({}))).toThrowError(StatusError);
    try {
      evaluateBindRules(composite, props({}));
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_WRONG_TYPE)).toBe(true);
    }
  });
});
