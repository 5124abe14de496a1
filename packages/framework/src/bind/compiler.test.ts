import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import { DiagnosticsError } from '../diagnostics.js';
import { compileBindProgram, compileBindRules } from './compiler.js';
import { formatBindRules } from './program.js';

const GIZMO = `using fuchsia.usb;

// The device must be a USB interface.
fuchsia.BIND_PROTOCOL == fuchsia.usb.BIND_PROTOCOL.INTERFACE;

if fuchsia.BIND_USB_VID == fuchsia.usb.BIND_USB_VID.INTEL {
  fuchsia.BIND_USB_CLASS == fuchsia.usb.BIND_USB_CLASS.AUDIO;
} else if fuchsia.BIND_USB_VID == 0x0BDA {
  accept fuchsia.BIND_USB_CLASS {
    fuchsia.usb.BIND_USB_CLASS.COMM,
    fuchsia.usb.BIND_USB_CLASS.VIDEO,
  }
} else {
  false;
}
`;

/** The diagnostics of a source that must fail, as `line:col message; fix` strings. */
function errorsOf(source: string, file = 'bad.bind'): string[] {
  try {
    compileBindRules(source, file);
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticsError);
    const e = err as DiagnosticsError;
    expect(e.status).toBe(Status.ERR_INVALID_ARGS);
    return e.lines;
  }
  throw new StatusError(Status.ERR_INTERNAL, 'expected the source to be rejected');
}

describe('compileBindRules', () => {
  it('compiles conditions, accept and if/else if/else into a program', () => {
    const rules = compileBindRules(GIZMO, 'gizmo.bind');
    expect(rules.kind).toBe('program');
    if (rules.kind !== 'program') return;
    expect(rules.usings).toEqual([{ library: 'fuchsia.usb' }]);
    expect(rules.body.map((s) => s.kind)).toEqual(['condition', 'if']);
    const cond = rules.body[0];
    expect(cond).toMatchObject({
      key: 'fuchsia.BIND_PROTOCOL',
      op: '==',
      values: [{ kind: 'enum', value: 'fuchsia.usb.BIND_PROTOCOL.INTERFACE' }],
      loc: { file: 'gizmo.bind', line: 4, col: 1 },
    });
    const ifs = rules.body[1];
    if (ifs?.kind !== 'if') throw new StatusError(Status.ERR_INTERNAL, 'expected an if');
    expect(ifs.branches).toHaveLength(2);
    expect(ifs.branches[1]?.condition.values).toEqual([{ kind: 'int', value: 0x0bda }]);
    expect(ifs.otherwise).toMatchObject([{ kind: 'literal', value: false }]);
  });

  it('round-trips through formatBindRules', () => {
    const once = formatBindRules(compileBindRules(GIZMO, 'gizmo.bind'));
    const twice = formatBindRules(compileBindRules(once, 'gizmo2.bind'));
    expect(twice).toBe(once);
    expect(once).toContain('} else if fuchsia.BIND_USB_VID == 3034 {');
  });

  it('expands using aliases in keys and values', () => {
    const rules = compileBindProgram(
      'using fuchsia.usb as usb;\nusb.CLASS == usb.CLASS.AUDIO;\n',
      'a.bind',
    );
    expect(rules.body[0]).toMatchObject({
      key: 'fuchsia.usb.CLASS',
      values: [{ value: 'fuchsia.usb.CLASS.AUDIO' }],
    });
  });

  it('accepts string, bool and decimal values and `true;` alone', () => {
    const rules = compileBindProgram(
      'fdf.x == "gpt";\nfdf.y != true;\nfdf.z == 12;\n'.replaceAll('fdf.', 'fuchsia.'),
      's.bind',
    );
    expect(rules.body.map((s) => (s.kind === 'condition' ? s.values[0] : undefined))).toEqual([
      { kind: 'string', value: 'gpt' },
      { kind: 'bool', value: true },
      { kind: 'int', value: 12 },
    ]);
    expect(compileBindProgram('true;', 't.bind').body).toMatchObject([
      { kind: 'literal', value: true },
    ]);
  });

  it('reports all errors of a file at once, located, with a fix', () => {
    const lines = errorsOf(
      [
        'using fuchsia.block', // 1: missing ;
        'fuchsia.BIND_PROTOCOL == fuchsia.blok.BIND_PROTOCOL.DEVICE;', // 2: library not imported (typo)
        'fdf.block.partition_type == "data";', // 3: library not imported
        'accept fuchsia.X { 1, 2, 1 }', // 4: duplicate value
      ].join('\n'),
    );
    expect(lines).toEqual([
      "bad.bind:1:20: missing ';' after the using line; end each condition, using and true/false with ';'",
      "bad.bind:2:26: 'fuchsia.blok.BIND_PROTOCOL.DEVICE' refers to library 'fuchsia.blok', which is not imported; did you mean 'fuchsia.block'? otherwise add `using fuchsia.blok;` at the top of the file",
      "bad.bind:3:1: 'fdf.block.partition_type' refers to library 'fdf.block', which is not imported; add `using fdf.block;` at the top of the file",
      'bad.bind:4:26: value 1 is listed twice in accept fuchsia.X; remove the copy (first at 4:20)',
    ]);
  });

  it('enforces the language restrictions: else required, if last, no empty block, lone true/false', () => {
    const lines = errorsOf(
      [
        'if fuchsia.A == 1 {', // 1
        '} else {', // 2: first block empty (reported at its '{')
        '  true;', // 3
        '}', // 4
        'fuchsia.B == 2;', // 5: statement after if
        'false;', // 6: false not alone, after if
        'if fuchsia.C == 1 { true; }', // 7: if without else (reported at next token)
      ].join('\n'),
    );
    expect(lines).toEqual([
      'bad.bind:1:19: this block is empty; say explicitly what happens: put `true;` inside to bind or `false;` to refuse',
      'bad.bind:5:1: statement after the if at 1:1; an if must be the last statement of its block: move this statement above the if, or into each branch',
      "bad.bind:6:1: 'false;' must be the only statement in its block; remove the other statements, or remove `false;` and let the conditions decide",
      'bad.bind:7:28: the if at 7:1 has no else block; add `else { false; }` to refuse (or `else { true; }` to bind) when no branch applies',
    ]);
  });

  it('recovers from syntax errors and keeps reporting', () => {
    const lines = errorsOf(
      'fuchsia.A 3;\nfuchsia.B == ;\naccept { 1 }\nelse { true; }\nfuchsia.C == 1\nfuchsia.D == 2;\n',
    );
    expect(lines).toEqual([
      "bad.bind:1:11: expected '==' or '!=' after 'fuchsia.A', found '3'; write `key == value` or `key != value`",
      'bad.bind:2:14: expected a value, found \';\'; a value is a number, a "string", true, false, or an enum name like fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL',
      "bad.bind:3:8: expected a key after 'accept', found '{'; write `accept key { value1, value2 }`",
      "bad.bind:4:1: 'else' without an 'if'; put 'else' right after the '}' of an if block",
      "bad.bind:5:15: missing ';' after the condition on fuchsia.C; end each condition, using and true/false with ';'",
    ]);
  });

  it('reports contradictory conditions that can never match', () => {
    const lines = errorsOf(
      'fuchsia.A == 1;\nfuchsia.A == 2;\nfuchsia.B != 3;\naccept fuchsia.B { 3 }\n',
    );
    expect(lines).toEqual([
      'bad.bind:2:1: this condition can never hold together with the one at 1:1 (fuchsia.A cannot be both 1 and 2); no node can match both: remove or correct one of them',
      'bad.bind:4:1: this condition can never hold together with the one at 3:1 (fuchsia.B would have to be 3 and not be it); no node can match both: remove or correct one of them',
    ]);
  });

  it('refuses empty files, unqualified enum names and duplicate usings', () => {
    expect(errorsOf('// nothing\n', 'empty.bind')).toEqual([
      'empty.bind:1:1: empty.bind is empty; say explicitly what happens: put `true;` inside to bind or `false;` to refuse',
    ]);
    expect(errorsOf('using fuchsia.usb;\nusing fuchsia.usb;\nfuchsia.A == DEVICE;\n')).toEqual([
      "bad.bind:2:7: library 'fuchsia.usb' is imported twice; remove one of the using lines",
      'bad.bind:3:14: enum value \'DEVICE\' is not qualified with its library and key; write <library>.<KEY>.<VALUE> (e.g. fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL) or quote it as a "string"',
    ]);
  });
});

describe('composite bind rules', () => {
  const TOUCH = `composite focaltech_touch;

using fuchsia.gpio;
using fuchsia.i2c;

primary parent "i2c" {
  fuchsia.BIND_I2C_ADDRESS == fuchsia.i2c.BIND_I2C_ADDRESS.FOCALTECH_TOUCH;
}

parent "gpio-int" {
  fuchsia.BIND_PROTOCOL == fuchsia.gpio.BIND_PROTOCOL.DEVICE;
}

optional parent "acpi" {
  true;
}
`;

  it('compiles one program per parent', () => {
    const rules = compileBindRules(TOUCH, 'touch.bind');
    expect(rules.kind).toBe('composite');
    if (rules.kind !== 'composite') return;
    expect(rules.name).toBe('focaltech_touch');
    expect(rules.parents.map((p) => [p.name, p.primary, p.optional])).toEqual([
      ['i2c', true, false],
      ['gpio-int', false, false],
      ['acpi', false, true],
    ]);
    expect(rules.parents[1]?.program.body[0]).toMatchObject({
      key: 'fuchsia.BIND_PROTOCOL',
      loc: { line: 11, col: 3 },
    });
    expect(formatBindRules(rules)).toContain('primary parent "i2c" {');
  });

  it('requires exactly one primary, unique names and no loose statements', () => {
    const lines = errorsOf(
      'composite x;\nfuchsia.A == 1;\nparent "a" { true; }\nparent "a" { true; }\n',
    );
    expect(lines).toEqual([
      'bad.bind:2:1: composite bind rules cannot have statements outside a parent block; move this statement into the parent block it constrains',
      'bad.bind:3:1: composite bind rules need exactly one primary parent, and none is marked; mark the parent whose driver host the composite driver should run in with `primary parent`',
      'bad.bind:4:1: parent "a" is declared twice (first at 3:1); give every parent a distinct name',
    ]);
  });

  it('is refused where single-node rules are needed', () => {
    expect(() => compileBindProgram(TOUCH, 'touch.bind')).toThrowError(
      /holds composite bind rules/,
    );
    try {
      compileBindProgram(TOUCH, 'touch.bind');
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_WRONG_TYPE)).toBe(true);
    }
  });
});

describe('error recovery inside if statements', () => {
  it('skips a broken if with its else branches and reports what follows', () => {
    const lines = errorsOf('if fuchsia.A 1 {\n  true;\n} else {\n  false;\n}\nfuchsia.B = 2;\n');
    expect(lines.map((l) => l.slice(0, l.indexOf(';') < 0 ? undefined : l.indexOf(';')))).toEqual([
      "bad.bind:1:14: expected '==' or '!=' after 'fuchsia.A', found '1'",
      "bad.bind:6:11: '=' is not an operator",
    ]);
  });
});

describe('robustness', () => {
  /** A small seeded generator, so failures reproduce. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  const FRAGMENTS = [
    'using',
    'fuchsia.usb',
    'as',
    'usb',
    ';',
    '{',
    '}',
    ',',
    '==',
    '!=',
    '=',
    'accept',
    'if',
    'else',
    'true',
    'false',
    'composite',
    'primary',
    'parent',
    'optional',
    '"s"',
    '"open',
    '0x1F',
    '42',
    '99999999999',
    'fuchsia.A',
    'fuchsia.usb.X.Y',
    'a-b',
    '_x',
    '//c\n',
    '/*',
    '*/',
    '@',
    '\n',
    ' ',
  ];

  it('never throws anything but a DiagnosticsError, whatever the input', () => {
    const random = rng(0x5eed);
    for (let i = 0; i < 1500; i++) {
      const n = Math.floor(random() * 30);
      let text = '';
      for (let k = 0; k < n; k++)
        text += `${FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? ''} `;
      try {
        compileBindRules(text, 'fuzz.bind');
      } catch (err) {
        if (!(err instanceof DiagnosticsError)) throw err;
        expect(err.diagnostics.length).toBeGreaterThan(0);
        for (const d of err.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });
});
