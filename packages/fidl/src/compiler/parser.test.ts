import { describe, expect, it } from 'vitest';
import {
  compileFiles,
  compileText,
  errorsOf,
  expectClean,
  fixture,
  lastLibrary,
} from '../../test/compiler/helpers.js';
import { compileFidl, formatDiagnostic, loadFidlFiles } from './index.js';
import { DiagnosticSink } from './diagnostics.js';
import { parseFidl } from './parser.js';
import { Status, StatusError } from '@fdf/zx';

const where = (r: {
  diagnostics: { file: string; line: number; column: number; code: string }[];
}): string[] => r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);

describe('syntax errors', () => {
  it('locates every syntax error in a file and recovers after each', () => {
    const r = compileFiles(fixture('bad/syntax_errors.fidl'));
    expect(r.ir).toBeNull();
    expect(where(r)).toEqual([
      '4:17 FIDL-UNEXPECTED-TOKEN', // missing ';' at the end of the line
      '6:11 FIDL-UNEXPECTED-TOKEN', // member without a type
      '9:1 FIDL-OLD-SYNTAX',
      '14:5 FIDL-UNEXPECTED-TOKEN', // table member without ordinal
      '18:16 FIDL-UNEXPECTED-TOKEN', // old parameter syntax
      '21:18 FIDL-UNEXPECTED-TOKEN', // missing constant
    ]);
    expect(r.diagnostics[2]?.message).toContain('type Old = struct');
  });

  it('reports all semantic errors of a file at once', () => {
    const r = compileFiles(fixture('bad/several_errors.fidl'));
    expect(where(r)).toEqual([
      '7:5 FIDL-TYPE-MUST-BE-RESOURCE',
      '8:17 FIDL-CANNOT-BE-OPTIONAL',
      '9:10 FIDL-UNDEFINED-NAME',
      '14:9 FIDL-BITS-MEMBER-NOT-POWER-OF-TWO',
      '18:14 FIDL-FLEXIBLE-IN-CLOSED',
      '19:17 FIDL-INVALID-PAYLOAD-TYPE',
      '23:12 FIDL-INVALID-SERVICE-MEMBER',
    ]);
  });

  it('stops after parsing with parseOnly', () => {
    const r = compileFiles(fixture('bad/several_errors.fidl'));
    expect(r.diagnostics.length).toBeGreaterThan(0);
    const parsed = compileFidl(loadFidlFiles(fixture('bad/several_errors.fidl')), {
      parseOnly: true,
    });
    expect(parsed).toEqual({ ir: null, diagnostics: [] });
    const syntax = compileFidl(loadFidlFiles(fixture('bad/syntax_errors.fidl')), {
      parseOnly: true,
    });
    expect(syntax.diagnostics).toHaveLength(6);
  });

  it('resynchronizes at the next declaration after a missing brace', () => {
    const errs = errorsOf(`library example;
type A = struct {
    a uint8;

type B = struct {
    b uint8;
};
type C = struct { c Nope; };`);
    expect(errs.map((e) => `${e.line}:${e.column} ${e.code}`)).toEqual([
      '5:1 FIDL-UNEXPECTED-TOKEN',
      '8:21 FIDL-UNDEFINED-NAME',
    ]);
    expect(errs[0]?.message).toContain("'}'");
  });

  it('requires the library declaration', () => {
    expect(errorsOf('type A = struct {};').map((e) => `${e.line}:${e.column} ${e.code}`)).toEqual([
      '1:1 FIDL-MISSING-LIBRARY',
    ]);
  });

  it('checks library names and identifiers', () => {
    expect(errorsOf('library Example.foo_bar;').map((e) => `${e.column} ${e.code}`)).toEqual([
      '9 FIDL-INVALID-LIBRARY-NAME',
      '17 FIDL-INVALID-LIBRARY-NAME',
    ]);
    expect(errorsOf('library example;\ntype _A = struct {};').map((e) => e.code)).toEqual([
      'FIDL-INVALID-IDENTIFIER',
    ]);
  });

  it('reports stray characters, unterminated strings and malformed numbers', () => {
    expect(
      errorsOf('library example;\nconst A uint8 = 1 $;', { parseOnly: true }).map(
        (e) => `${e.line}:${e.column} ${e.code}`,
      ),
    ).toEqual(['2:19 FIDL-INVALID-CHARACTER']);
    expect(
      errorsOf('library example;\nconst S string = "abc;\n', { parseOnly: true })[0]?.code,
    ).toBe('FIDL-UNTERMINATED-STRING');
    expect(errorsOf('library example;\nconst N uint8 = 12ab;', { parseOnly: true })[0]?.code).toBe(
      'FIDL-INVALID-NUMBER',
    );
  });

  it('puts using lines before declarations', () => {
    const errs = errorsOf({
      'dep.fidl': 'library dep;\nconst X uint8 = 1;',
      'a.fidl': 'library example;\ntype A = struct {};\nusing dep;\nconst Y uint8 = dep.X;',
    });
    expect(errs.map((e) => `${e.line}:${e.column} ${e.code}`)).toEqual([
      '3:1 FIDL-UNEXPECTED-TOKEN',
    ]);
  });
});

describe('contextual keywords and syntax forms', () => {
  it('allows keywords as names of declarations, members, methods and parameters', () => {
    const ir = expectClean(
      compileText(`library example;
type struct = struct { struct box<struct>; };
type table = table { 1: table table; 2: reserved uint8; 3: reserved; };
type enum = enum : uint8 { enum = 1; };
protocol protocol {
    compose(struct { compose uint8; });
    strict(struct { strict bool; }) -> (struct { error int32; });
    flexible union() -> () error int32;
    strict -> flexible();
};
alias alias = uint8;
const const alias = 1;
`),
    );
    const lib = lastLibrary(ir);
    expect(lib.structs[0]?.members[0]).toMatchObject({
      name: 'struct',
      type: { identifier: 'example/struct', nullable: true },
    });
    expect(lib.tables[0]?.members.map((m) => [m.ordinal, m.name ?? null])).toEqual([
      [1, 'table'],
      [2, 'reserved'],
      [3, null],
    ]);
    expect(lib.protocols[0]?.methods.map((m) => [m.name, m.strict, m.kind])).toEqual([
      ['compose', false, 'one-way'],
      ['strict', false, 'two-way'],
      ['union', false, 'two-way'],
      ['flexible', true, 'event'],
    ]);
    expect(lib.consts[0]).toMatchObject({ name: 'example/const', type: { subtype: 'uint8' } });
  });

  it('parses methods named like modifiers', () => {
    const ir = expectClean(
      compileText(`library example;
open protocol P {
    strict(struct { a uint8; });
    flexible flexible();
    strict(removed=5) Gone();
    compose();
};`),
    );
    expect(lastLibrary(ir).protocols[0]?.methods.map((m) => [m.name, m.strict])).toEqual([
      ['strict', false],
      ['flexible', false],
      ['Gone', true],
      ['compose', false],
    ]);
  });

  it('parses modifiers with availability arguments', () => {
    const ir = expectClean(
      compileText(`library example;
type T = flexible(added=2) resource(added=NEXT) union { 1: a uint8; };
type S = strict(removed=5) enum { A = 1; };`),
    );
    expect(lastLibrary(ir).unions[0]).toMatchObject({ strict: false, resource: true });
    expect(lastLibrary(ir).enums[0]).toMatchObject({ strict: true });
  });

  it('keeps doc comments, also before the library line, and warns about orphans', () => {
    const r = compileText(`/// The library.
/// Second line.
library example;

/// A struct.
// a plain comment in between
@attr("v")
type S = struct {
    /// A member.
    a uint8;
    /// Nothing follows this one.
};`);
    const lib = lastLibrary(r.ir);
    expect(lib.doc).toBe('The library.\nSecond line.');
    expect(lib.structs[0]?.doc).toBe('A struct.');
    expect(lib.structs[0]?.attributes.map((a) => a.name)).toEqual(['doc', 'attr']);
    expect(lib.structs[0]?.members[0]?.doc).toBe('A member.');
    expect(r.diagnostics.map((d) => `${d.severity} ${d.line} ${d.code}`)).toEqual([
      'warning 11 FIDL-ORPHAN-DOC-COMMENT',
    ]);
  });

  it('reads every literal form', () => {
    const ir = expectClean(
      compileText(`library example;
const A uint32 = 0xFF;
const B uint32 = 0b11;
const C uint32 = 017;
const D int64 = -9223372036854775808;
const E uint64 = 18446744073709551615;
const F float64 = 1e5;
const G float32 = -2.5E-3;
const H string = "q\\"\\\\\\n\\r\\t\\u{41}";
const I bool = false;`),
    );
    expect(lastLibrary(ir).consts.map((c) => c.value.value)).toEqual([
      '255',
      '3',
      '15',
      '-9223372036854775808',
      '18446744073709551615',
      '100000',
      '-0.0025',
      'q"\\\n\r\tA',
      'false',
    ]);
  });

  it('parses nested layout parameters and constraint lists', () => {
    const ir = expectClean(
      compileText(`library example;
using zx;
type S = resource struct {
    v vector<vector<array<uint8, 4>>:3>:<10, optional>;
    h vector<zx.Handle:<VMO, zx.Rights.MAP, optional>>;
};`),
    );
    const s = lastLibrary(ir).structs[0];
    expect(s?.members[0]?.type).toMatchObject({
      kind: 'vector',
      maxCount: 10,
      nullable: true,
      elementType: { kind: 'vector', maxCount: 3, elementType: { kind: 'array', elementCount: 4 } },
    });
    expect(s?.members[1]?.type).toMatchObject({
      elementType: { kind: 'handle', objType: 3, rights: 32, nullable: true },
    });
  });
});

describe('the parser alone', () => {
  it('builds a raw tree with spans', () => {
    const sink = new DiagnosticSink();
    const file = parseFidl('x.fidl', 'library a.b;\nusing c as d;\nconst X uint8 = 1;', sink);
    expect(sink.diagnostics).toEqual([]);
    expect(file.library?.parts.map((p) => p.name)).toEqual(['a', 'b']);
    expect(file.usings[0]?.alias?.name).toBe('d');
    expect(file.decls[0]).toMatchObject({
      kind: 'const',
      name: { name: 'X', span: { line: 3, column: 7 } },
    });
  });
});

describe('formatDiagnostic', () => {
  it('prints file:line:col, the message, the source line and a caret', () => {
    const text = 'library example;\ntype S = struct { a Missing; };\n';
    const [d] = compileFidl([{ path: 'x.fidl', text }]).diagnostics;
    expect(d).toBeDefined();
    if (!d) return;
    expect(formatDiagnostic(d, text)).toBe(
      [
        `x.fidl:2:21: error: ${d.message} [FIDL-UNDEFINED-NAME]`,
        'type S = struct { a Missing; };',
        '                    ^~~~~~~',
      ].join('\n'),
    );
    expect(formatDiagnostic(d)).toBe(`x.fidl:2:21: error: ${d.message} [FIDL-UNDEFINED-NAME]`);
  });
});

describe('API', () => {
  it('compiles a file given twice once', () => {
    const [path] = fixture('drivers/hidbus.fidl');
    const sources = loadFidlFiles([path as string, path as string]);
    expect(compileFidl(sources).diagnostics).toEqual([]);
  });

  it('returns an empty IR for no sources', () => {
    expect(compileFidl([])).toEqual({ ir: { irVersion: 1, libraries: [] }, diagnostics: [] });
  });
});

describe('API errors', () => {
  it('throws StatusError for missing files and bad arguments', () => {
    expect(() => loadFidlFiles(['/nonexistent/x.fidl'])).toThrow(StatusError);
    try {
      loadFidlFiles(['/nonexistent/x.fidl']);
    } catch (e) {
      expect(StatusError.is(e, Status.ERR_NOT_FOUND)).toBe(true);
    }
    expect(() => compileFidl([{ path: 'x' } as never])).toThrow(StatusError);
  });
});

describe('@available', () => {
  it('builds the library as of HEAD: removed and replaced elements are dropped', () => {
    const ir = expectClean(
      compileText(`library example;
type S = struct {
    @available(added=1, removed=5)
    a uint8;
    @available(added=5)
    a uint16;
};
@available(replaced=3)
type T = table { 1: x uint8; };
@available(added=3, deprecated=4, note="use U")
type T = table { 1: x uint8; 2: y uint8; };
protocol P {
    @available(removed=HEAD)
    Old();
    @available(added=HEAD)
    New(struct { @available(removed=2) z uint8; w uint8; });
};`),
    );
    const lib = lastLibrary(ir);
    expect(
      lib.structs
        .find((s) => s.name === 'example/S')
        ?.members.map((m) => [m.name, m.type.kind === 'primitive' ? m.type.subtype : '']),
    ).toEqual([['a', 'uint16']]);
    const t = lib.tables[0];
    expect(t?.members).toHaveLength(2);
    expect(t?.attributes.find((a) => a.name === 'available')?.args).toEqual([
      { name: 'added', value: '3' },
      { name: 'deprecated', value: '4' },
      { name: 'note', value: 'use U' },
    ]);
    expect(lib.protocols[0]?.methods.map((m) => m.name)).toEqual(['New']);
    expect(
      lib.structs.find((s) => s.name === 'example/PNewRequest')?.members.map((m) => m.name),
    ).toEqual(['w']);
  });
});
