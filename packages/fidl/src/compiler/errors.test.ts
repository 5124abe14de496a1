import { describe, expect, it } from 'vitest';
import { compileText, errorsOf, expectOnlyError } from '../../test/compiler/helpers.js';

// Each test: one broken rule, asserting the code and the exact position.
// Sources start with `library example;` on line 1.

describe('resource-ness', () => {
  it('rejects a handle in a value struct', () => {
    const e = expectOnlyError(
      `library example;
using zx;
type S = struct {
    ok uint32;
    vmo zx.Handle:VMO;
};`,
      'FIDL-TYPE-MUST-BE-RESOURCE',
      5,
      5,
    );
    expect(e.message).toContain("'type S = resource struct");
  });

  it('rejects endpoints and resource members nested in vectors, tables and unions', () => {
    const errs = errorsOf(`library example;
protocol P {};
type R = resource struct { c client_end:P; };
type T = table { 1: items vector<R>; };
type U = flexible union { 1: end server_end:P; };`);
    expect(errs.map((e) => [e.code, e.line, e.column])).toEqual([
      ['FIDL-TYPE-MUST-BE-RESOURCE', 4, 21],
      ['FIDL-TYPE-MUST-BE-RESOURCE', 5, 30],
    ]);
  });

  it('accepts the same types when declared resource', () => {
    expect(
      errorsOf(`library example;
protocol P {};
type R = resource struct { c client_end:P; };
type T = resource table { 1: items vector<R>; };`),
    ).toEqual([]);
  });
});

describe('enums and bits', () => {
  it('requires members in strict enums', () => {
    expectOnlyError(`library example;\ntype E = strict enum {};`, 'FIDL-MUST-HAVE-MEMBERS', 2, 6);
  });

  it('requires members in strict bits', () => {
    expectOnlyError(`library example;\ntype B = strict bits {};`, 'FIDL-MUST-HAVE-MEMBERS', 2, 6);
  });

  it('requires a non-reserved member in strict unions', () => {
    expectOnlyError(
      `library example;\ntype U = strict union { 1: reserved; };`,
      'FIDL-MUST-HAVE-MEMBERS',
      2,
      6,
    );
  });

  it('allows empty flexible enums, bits and unions', () => {
    expect(
      errorsOf(`library example;
type E = flexible enum {};
type B = flexible bits {};
type U = flexible union {};`),
    ).toEqual([]);
  });

  it('requires bits members to be powers of two', () => {
    expectOnlyError(
      `library example;
type B = bits : uint8 {
    A = 1;
    B = 6;
};`,
      'FIDL-BITS-MEMBER-NOT-POWER-OF-TWO',
      4,
      9,
    );
  });

  it('requires bits members to fit the subtype', () => {
    expectOnlyError(
      `library example;\ntype B = bits : uint8 { A = 0x100; };`,
      'FIDL-CONSTANT-OVERFLOW',
      2,
      29,
    );
  });

  it('requires an unsigned subtype for bits', () => {
    expectOnlyError(
      `library example;\ntype B = bits : int8 { A = 1; };`,
      'FIDL-BITS-TYPE-MUST-BE-UNSIGNED',
      2,
      17,
    );
  });

  it('requires an integer subtype for enums', () => {
    expectOnlyError(
      `library example;\ntype E = enum : float32 { A = 1; };`,
      'FIDL-ENUM-TYPE-MUST-BE-INTEGER',
      2,
      17,
    );
  });

  it('requires enum values to fit the subtype', () => {
    expectOnlyError(
      `library example;\ntype E = enum : int8 { A = -129; };`,
      'FIDL-CONSTANT-OVERFLOW',
      2,
      28,
    );
  });

  it('requires unique enum values', () => {
    expectOnlyError(
      `library example;
type E = strict enum {
    A = 1;
    B = 2;
    C = 1;
};`,
      'FIDL-DUPLICATE-MEMBER-VALUE',
      5,
      9,
    );
  });

  it('requires unique bits values', () => {
    expectOnlyError(
      `library example;\ntype B = bits { A = 1; B = 0x1; };`,
      'FIDL-DUPLICATE-MEMBER-VALUE',
      2,
      28,
    );
  });

  it('reserves the maximum value of a flexible enum for unknown members', () => {
    expectOnlyError(
      `library example;\ntype E = flexible enum : uint8 { A = 255; };`,
      'FIDL-FLEXIBLE-ENUM-MAX-VALUE',
      2,
      38,
    );
    expect(
      errorsOf(`library example;\ntype E = flexible enum : uint8 { @unknown A = 255; };`),
    ).toEqual([]);
  });

  it('allows one @unknown member only', () => {
    expectOnlyError(
      `library example;\ntype E = flexible enum { @unknown A = 1; @unknown B = 2; };`,
      'FIDL-DUPLICATE-UNKNOWN',
      2,
      51,
    );
  });
});

describe('protocols', () => {
  it('allows only strict methods in closed protocols', () => {
    expectOnlyError(
      `library example;
closed protocol P {
    strict A();
    flexible B();
};`,
      'FIDL-FLEXIBLE-IN-CLOSED',
      4,
      14,
    );
  });

  it('rejects flexible events in closed protocols', () => {
    expectOnlyError(
      `library example;\nclosed protocol P {\n    flexible -> OnX();\n};`,
      'FIDL-FLEXIBLE-IN-CLOSED',
      3,
      17,
    );
  });

  it('rejects flexible two-way methods in ajar protocols but allows flexible one-way and events', () => {
    expectOnlyError(
      `library example;
ajar protocol P {
    flexible A();
    flexible -> OnB();
    flexible C() -> ();
};`,
      'FIDL-FLEXIBLE-TWO-WAY-IN-AJAR',
      5,
      14,
    );
  });

  it('defaults methods to flexible and protocols to open', () => {
    expectOnlyError(
      `library example;\nclosed protocol P {\n    A();\n};`,
      'FIDL-FLEXIBLE-IN-CLOSED',
      3,
      5,
    );
    expect(errorsOf(`library example;\nprotocol P {\n    A() -> ();\n};`)).toEqual([]);
  });

  it('only composes protocols at least as closed', () => {
    expectOnlyError(
      `library example;
open protocol Open {};
ajar protocol Ajar {
    compose Open;
};`,
      'FIDL-COMPOSE-OPENNESS',
      4,
      13,
    );
    expect(
      errorsOf(`library example;
closed protocol C {};
ajar protocol A { compose C; };
open protocol O { compose A; compose C; };`),
    ).toEqual([]);
  });

  it('only composes protocols', () => {
    expectOnlyError(
      `library example;\ntype S = struct {};\nprotocol P { compose S; };`,
      'FIDL-COMPOSE-NOT-PROTOCOL',
      3,
      22,
    );
  });

  it('rejects composition cycles', () => {
    const errs = errorsOf(
      `library example;\nprotocol A { compose B; };\nprotocol B { compose A; };`,
    );
    expect(errs.map((e) => [e.code, e.line, e.column])).toEqual([['FIDL-COMPOSE-CYCLE', 3, 22]]);
  });

  it('rejects duplicate method names, including composed ones', () => {
    expectOnlyError(
      `library example;
protocol A { Foo(); };
protocol B {
    compose A;
    foo();
};`,
      'FIDL-DUPLICATE-METHOD-NAME',
      4,
      5,
    );
  });

  it('rejects duplicate method ordinals', () => {
    expectOnlyError(
      `library example;
protocol P {
    Foo();
    @selector("Foo")
    Bar();
};`,
      'FIDL-DUPLICATE-METHOD-ORDINAL',
      5,
      5,
    );
  });

  it('requires int32, uint32 or an enum of them as the error type', () => {
    expectOnlyError(
      `library example;\nprotocol P {\n    strict M() -> () error int64;\n};`,
      'FIDL-INVALID-ERROR-TYPE',
      3,
      28,
    );
    expectOnlyError(
      `library example;\ntype E = enum : uint8 { A = 1; };\nprotocol P {\n    strict M() -> () error E;\n};`,
      'FIDL-INVALID-ERROR-TYPE',
      4,
      28,
    );
    expect(
      errorsOf(`library example;
type E = enum : uint32 { A = 1; };
protocol P {
    strict M() -> () error E;
    strict N() -> () error uint32;
};`),
    ).toEqual([]);
  });

  it('requires struct, table or union payloads', () => {
    expectOnlyError(
      `library example;\nprotocol P {\n    strict M(string);\n};`,
      'FIDL-INVALID-PAYLOAD-TYPE',
      3,
      14,
    );
    expectOnlyError(
      `library example;\ntype E = enum { A = 1; };\nprotocol P {\n    strict -> OnE(E);\n};`,
      'FIDL-INVALID-PAYLOAD-TYPE',
      4,
      19,
    );
  });

  it('rejects empty struct payloads', () => {
    expectOnlyError(
      `library example;\nprotocol P {\n    strict M(struct {});\n};`,
      'FIDL-EMPTY-PAYLOAD-STRUCT',
      3,
      14,
    );
  });

  it('rejects error syntax on events', () => {
    expectOnlyError(
      `library example;\nprotocol P {\n    strict -> OnE() error int32;\n};`,
      'FIDL-EVENT-ERROR-SYNTAX',
      3,
      21,
    );
  });

  it('validates @selector and @transport', () => {
    expectOnlyError(
      `library example;\nprotocol P {\n    @selector("not a/selector")\n    M();\n};`,
      'FIDL-INVALID-SELECTOR',
      3,
      5,
    );
    expectOnlyError(
      `library example;\n@transport("Pigeon")\nprotocol P {};`,
      'FIDL-INVALID-TRANSPORT',
      2,
      1,
    );
  });

  it('keeps driver endpoints out of Channel protocols', () => {
    expectOnlyError(
      `library example;
@transport("Driver")
protocol D {};
protocol C {
    strict Take(resource struct { d client_end:D; });
};
@transport("Driver")
protocol D2 {
    strict Take(resource struct { d client_end:D; c client_end:C; });
};`,
      'FIDL-TRANSPORT-HANDLE',
      5,
      12,
    );
  });
});

describe('services', () => {
  it('requires client_end members', () => {
    expectOnlyError(
      `library example;
protocol P {};
service S {
    good client_end:P;
    bad server_end:P;
};`,
      'FIDL-INVALID-SERVICE-MEMBER',
      5,
      9,
    );
  });

  it('requires one transport for all members', () => {
    expectOnlyError(
      `library example;
protocol P {};
@transport("Driver")
protocol D {};
service S {
    p client_end:P;
    d client_end:D;
};`,
      'FIDL-SERVICE-TRANSPORT-MISMATCH',
      7,
      7,
    );
  });
});

describe('names', () => {
  it('rejects declarations that collide in snake_case', () => {
    const e = expectOnlyError(
      `library example;\ntype FooBar = struct {};\nconst FOO_BAR uint8 = 1;`,
      'FIDL-NAME-COLLISION',
      3,
      7,
    );
    expect(e.message).toContain("'foo_bar'");
  });

  it('rejects an anonymous layout whose generated name is taken', () => {
    const e = expectOnlyError(
      `library example;\ntype Inner = struct {};\ntype Outer = struct { inner struct {}; };`,
      'FIDL-NAME-COLLISION',
      3,
      29,
    );
    expect(e.message).toContain('@generated_name');
  });

  it('rejects duplicate member names in canonical form', () => {
    expectOnlyError(
      `library example;\ntype S = struct { fooBar uint8; foo_bar uint8; };`,
      'FIDL-DUPLICATE-MEMBER-NAME',
      2,
      33,
    );
    expectOnlyError(
      `library example;\ntype T = table { 1: a uint8; 2: A uint8; };`,
      'FIDL-DUPLICATE-MEMBER-NAME',
      2,
      33,
    );
    expectOnlyError(
      `library example;\ntype E = enum { A = 1; A = 2; };`,
      'FIDL-DUPLICATE-MEMBER-NAME',
      2,
      24,
    );
  });

  it('reports undefined names with a suggestion', () => {
    const e = expectOnlyError(
      `library example;\ntype S = struct { a Strng; };`,
      'FIDL-UNDEFINED-NAME',
      2,
      21,
    );
    expect(e.message).toContain("did you mean 'string'");
  });

  it('reports a library that exists but is not imported in this file', () => {
    const errs = errorsOf({
      'dep.fidl': 'library dep;\ntype T = struct {};',
      'a.fidl': 'library example;\nusing dep;\ntype A = struct { t dep.T; };',
      'b.fidl': 'library example;\ntype B = struct { t dep.T; };',
    });
    expect(errs.map((e) => [e.code, e.file, e.line, e.column])).toEqual([
      ['FIDL-NOT-IMPORTED', 'b.fidl', 2, 21],
    ]);
  });

  it('reports unknown libraries at the using line', () => {
    expectOnlyError(`library example;\nusing fuchsia.missing;`, 'FIDL-UNKNOWN-LIBRARY', 2, 7);
  });

  it('reports library import cycles', () => {
    const errs = errorsOf({
      'a.fidl': 'library a;\nusing b;\nconst X uint8 = b.Y;',
      'b.fidl': 'library b;\nusing a;\nconst Y uint8 = 1;\nconst Z uint8 = a.X;',
    });
    expect(errs.map((e) => e.code)).toContain('FIDL-LIBRARY-CYCLE');
  });

  it('resolves X.Y as a member of local X before library X', () => {
    const r = compileText({
      'dep.fidl': 'library color;\nconst RED uint8 = 9;',
      'a.fidl':
        'library example;\nusing color;\ntype color = enum : uint8 { RED = 1; };\nconst C color = color.RED;\nconst D uint8 = color.RED;',
    });
    // `color.RED` is the enum member (1), so D (uint8) gets a type mismatch.
    expect(
      r.diagnostics.filter((d) => d.severity === 'error').map((e) => [e.code, e.line]),
    ).toEqual([['FIDL-TYPE-MISMATCH', 5]]);
  });
});

describe('types and constraints', () => {
  it('requires array sizes of at least 1', () => {
    expectOnlyError(
      `library example;\ntype S = struct { a array<uint8, 0>; };`,
      'FIDL-ZERO-SIZE',
      2,
      34,
    );
  });

  it.each([
    ['table', 'type T = table {};\ntype S = struct { m T:optional; };', 23],
    ['primitive', 'type S = struct { m uint32:optional; };', 28],
    ['array', 'type S = struct { m array<uint8, 4>:optional; };', 37],
    ['enum', 'type E = enum { A = 1; };\ntype S = struct { m E:optional; };', 23],
    ['bits', 'type B = bits { A = 1; };\ntype S = struct { m B:optional; };', 23],
  ])('rejects an optional %s', (_, body, column) => {
    const line = body.includes('\n') ? 3 : 2;
    expectOnlyError(`library example;\n${body}`, 'FIDL-CANNOT-BE-OPTIONAL', line, column);
  });

  it('makes structs optional only through box', () => {
    const e = expectOnlyError(
      `library example;\ntype P = struct {};\ntype S = struct { m P:optional; };`,
      'FIDL-STRUCT-OPTIONAL-USE-BOX',
      3,
      23,
    );
    expect(e.message).toContain('box<P>');
    expect(
      errorsOf(`library example;\ntype P = struct {};\ntype S = struct { m box<P>; };`),
    ).toEqual([]);
  });

  it('boxes only structs', () => {
    expectOnlyError(
      `library example;\ntype U = union { 1: a uint8; };\ntype S = struct { m box<U>; };`,
      'FIDL-INVALID-BOX',
      3,
      25,
    );
  });

  it('rejects optional table and union members', () => {
    expectOnlyError(
      `library example;\ntype T = table { 1: s string:optional; };`,
      'FIDL-OPTIONAL-MEMBER',
      2,
      23,
    );
    expectOnlyError(
      `library example;\ntype U = union { 1: s string:optional; };`,
      'FIDL-OPTIONAL-MEMBER',
      2,
      23,
    );
  });

  it('rejects duplicate and out-of-range ordinals', () => {
    expectOnlyError(
      `library example;\ntype T = table { 1: a uint8; 1: b uint8; };`,
      'FIDL-DUPLICATE-ORDINAL',
      2,
      30,
    );
    expectOnlyError(
      `library example;\ntype U = union { 2: a uint8; 2: reserved; };`,
      'FIDL-DUPLICATE-ORDINAL',
      2,
      30,
    );
    expectOnlyError(
      `library example;\ntype T = table { 65: a uint8; };`,
      'FIDL-ORDINAL-OUT-OF-BOUND',
      2,
      18,
    );
    expectOnlyError(
      `library example;\ntype U = union { 0: a uint8; };`,
      'FIDL-ORDINAL-OUT-OF-BOUND',
      2,
      18,
    );
  });

  it('does not require dense table ordinals', () => {
    expect(
      errorsOf(`library example;\ntype T = table { 1: a uint8; 7: b uint8; 64: c uint8; };`),
    ).toEqual([]);
  });

  it('rejects structs that contain themselves inline', () => {
    const errs = errorsOf(`library example;
type A = struct { b B; };
type B = struct { arr array<A, 2>; };
type Self = struct { me Self; };
type U = union { 1: s Inline; };
type Inline = struct { u U; };`);
    expect(errs.map((e) => [e.code, e.line, e.column])).toEqual([
      ['FIDL-INCLUDE-CYCLE', 2, 6],
      ['FIDL-INCLUDE-CYCLE', 4, 6],
      ['FIDL-INCLUDE-CYCLE', 5, 6],
    ]);
    expect(errs[0]?.message).toContain("struct 'A' -> struct 'B' -> struct 'A'");
  });

  it('allows recursion through box, vectors, optional unions and tables', () => {
    expect(
      errorsOf(`library example;
type A = struct { next box<A>; list vector<A>; u U:optional; t T; };
type U = union { 1: a A; };
type T = table { 1: t T; };`),
    ).toEqual([]);
  });

  it('limits inline size to 64 KiB', () => {
    expectOnlyError(
      `library example;\ntype Big = struct { a array<uint8, 65536>; };`,
      'FIDL-INLINE-SIZE-TOO-LARGE',
      2,
      6,
    );
  });

  it('checks layout parameters and constraints', () => {
    expectOnlyError(
      `library example;\ntype S = struct { v vector; };`,
      'FIDL-WRONG-LAYOUT-PARAMS',
      2,
      21,
    );
    expectOnlyError(
      `library example;\ntype S = struct { v uint8<4>; };`,
      'FIDL-UNEXPECTED-LAYOUT-PARAMS',
      2,
      21,
    );
    expectOnlyError(
      `library example;\ntype S = struct { v string:<4, 5>; };`,
      'FIDL-DUPLICATE-CONSTRAINT',
      2,
      32,
    );
    expectOnlyError(
      `library example;\nprotocol P {};\ntype S = resource struct { c client_end; };`,
      'FIDL-MISSING-CONSTRAINT',
      3,
      30,
    );
    expectOnlyError(
      `library example;\nprotocol P {};\ntype S = struct { p P; };`,
      'FIDL-NOT-A-TYPE',
      3,
      21,
    );
  });

  it('rejects constraints on top of an already optional alias', () => {
    expectOnlyError(
      `library example;\nalias S = string:optional;\ntype T = struct { s S:optional; };`,
      'FIDL-DUPLICATE-CONSTRAINT',
      3,
      23,
    );
  });
});

describe('constants', () => {
  it('checks constant types', () => {
    expectOnlyError(`library example;\nconst A uint8 = "text";`, 'FIDL-TYPE-MISMATCH', 2, 17);
    expectOnlyError(`library example;\nconst A bool = 1;`, 'FIDL-TYPE-MISMATCH', 2, 16);
    expectOnlyError(`library example;\nconst A uint8 = 1.5;`, 'FIDL-TYPE-MISMATCH', 2, 17);
    expectOnlyError(
      `library example;\nconst A string:3 = "four";`,
      'FIDL-CONSTANT-OVERFLOW',
      2,
      20,
    );
    expectOnlyError(
      `library example;\nconst A uint16 = 1;\nconst B uint8 = A;\nconst C int8 = 300;`,
      'FIDL-CONSTANT-OVERFLOW',
      4,
      16,
    );
  });

  it('checks that a referenced constant fits', () => {
    expectOnlyError(
      `library example;\nconst A uint16 = 300;\nconst B uint8 = A;`,
      'FIDL-CONSTANT-OVERFLOW',
      3,
      17,
    );
  });

  it('rejects constant cycles', () => {
    const errs = errorsOf(`library example;\nconst A uint8 = B;\nconst B uint8 = A;`);
    expect(errs.map((e) => [e.code, e.line, e.column])).toEqual([['FIDL-CONSTANT-CYCLE', 3, 17]]);
  });

  it('rejects alias cycles', () => {
    const errs = errorsOf(`library example;\nalias A = B;\nalias B = vector<A>;`);
    expect(errs.map((e) => [e.code, e.line, e.column])).toEqual([['FIDL-ALIAS-CYCLE', 3, 18]]);
  });

  it('ORs only bits and integers', () => {
    expectOnlyError(`library example;\nconst A string = "a" | "b";`, 'FIDL-TYPE-MISMATCH', 2, 18);
    expect(errorsOf(`library example;\nconst A uint32 = 1 | 2 | 4;`)).toEqual([]);
  });

  it('only allows negative decimal literals', () => {
    expectOnlyError(`library example;\nconst A int8 = -0x1;`, 'FIDL-INVALID-NUMBER', 2, 16);
  });

  it('rejects invalid escapes', () => {
    expectOnlyError(`library example;\nconst A string = "a\\qb";`, 'FIDL-INVALID-ESCAPE', 2, 18);
  });
});

describe('attributes and modifiers', () => {
  it('rejects attributes both before type and before the layout', () => {
    expectOnlyError(
      `library example;\n@a\ntype S = @b struct {};`,
      'FIDL-REDUNDANT-ATTRIBUTE-PLACEMENT',
      3,
      10,
    );
  });

  it('rejects duplicate attributes', () => {
    expectOnlyError(
      `library example;\n@a\n@a\ntype S = struct {};`,
      'FIDL-DUPLICATE-ATTRIBUTE',
      3,
      1,
    );
    expectOnlyError(
      `library example;\n/// one\n@doc("two")\ntype S = struct {};`,
      'FIDL-DUPLICATE-ATTRIBUTE',
      3,
      1,
    );
  });

  it('rejects modifiers that do not apply', () => {
    expectOnlyError(`library example;\ntype S = strict struct {};`, 'FIDL-INVALID-MODIFIER', 2, 10);
    expectOnlyError(
      `library example;\ntype T = flexible table {};`,
      'FIDL-INVALID-MODIFIER',
      2,
      10,
    );
    expectOnlyError(
      `library example;\ntype E = resource enum { A = 1; };`,
      'FIDL-INVALID-MODIFIER',
      2,
      10,
    );
    expectOnlyError(
      `library example;\ntype U = strict flexible union { 1: a uint8; };`,
      'FIDL-CONFLICTING-MODIFIERS',
      2,
      17,
    );
    expectOnlyError(
      `library example;\ntype U = strict strict union { 1: a uint8; };`,
      'FIDL-DUPLICATE-MODIFIER',
      2,
      17,
    );
  });

  it('validates @generated_name', () => {
    expectOnlyError(
      `library example;\ntype S = struct { m @generated_name("1x") struct {}; };`,
      'FIDL-INVALID-GENERATED-NAME',
      2,
      37,
    );
  });

  it('warns about unused imports without failing', () => {
    const r = compileText({ 'dep.fidl': 'library dep;', 'a.fidl': 'library example;\nusing dep;' });
    expect(r.ir).not.toBeNull();
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.file, d.line])).toEqual([
      ['warning', 'FIDL-UNUSED-IMPORT', 'a.fidl', 2],
    ]);
  });
});

describe('many errors at once', () => {
  it('reports every error in every file, in file order', () => {
    const r = compileText({
      'one.fidl': `library example;
type A = struct {
    a Missing;
    b uint8:optional;
};
type E = strict enum {};`,
      'two.fidl': `library example;
closed protocol P {
    flexible M();
    strict N() -> (string);
};
const C uint8 = 256;`,
    });
    expect(r.ir).toBeNull();
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([
      'one.fidl:3:7 FIDL-UNDEFINED-NAME',
      'one.fidl:4:13 FIDL-CANNOT-BE-OPTIONAL',
      'one.fidl:6:6 FIDL-MUST-HAVE-MEMBERS',
      'two.fidl:3:14 FIDL-FLEXIBLE-IN-CLOSED',
      'two.fidl:4:20 FIDL-INVALID-PAYLOAD-TYPE',
      'two.fidl:6:17 FIDL-CONSTANT-OVERFLOW',
    ]);
  });
});
