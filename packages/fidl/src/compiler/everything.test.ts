import { describe, expect, it } from 'vitest';
import { compileFiles, expectClean, fixture } from '../../test/compiler/helpers.js';
import type { IrLibrary, IrProtocol, IrStruct, IrType } from '../ir/types.js';
import { methodOrdinal } from './index.js';

// test.everything uses every construct the compiler supports, spread over
// two files, plus test.everything.dep imported with `using ... as dep`.
const result = compileFiles(
  fixture('everything/types.fidl', 'everything/protocols.fidl', 'everything/dep.fidl'),
);
const ir = expectClean(result);
const byName = new Map(ir.libraries.map((l) => [l.name, l]));
const lib = byName.get('test.everything') as IrLibrary;

function struct(name: string): IrStruct {
  const s = lib.structs.find((x) => x.name === `test.everything/${name}`);
  if (!s) throw new TypeError(`no struct ${name}`);
  return s;
}

function member(s: IrStruct, name: string): IrType {
  const m = s.members.find((x) => x.name === name);
  if (!m) throw new TypeError(`no member ${name}`);
  return m.type;
}

function protocol(name: string, l: IrLibrary = lib): IrProtocol {
  const p = l.protocols.find((x) => x.name === `${l.name}/${name}`);
  if (!p) throw new TypeError(`no protocol ${name}`);
  return p;
}

describe('libraries', () => {
  it('orders dependencies first and the target library last', () => {
    expect(ir.libraries.map((l) => l.name)).toEqual([
      'zx',
      'test.everything.dep',
      'test.everything',
    ]);
    expect(lib.dependencies.sort()).toEqual(['test.everything.dep', 'zx']);
    expect(lib.files).toHaveLength(2);
  });

  it('keeps library attributes and joins the documentation of both files', () => {
    expect(lib.attributes.find((a) => a.name === 'available')?.args).toEqual([
      { name: 'added', value: 'HEAD' },
    ]);
    expect(lib.doc).toContain('exercises every construct');
    expect(lib.doc).toContain('protocols and services');
  });

  it('records every declaration, anonymous and generated ones included', () => {
    expect(lib.declarations['test.everything/Nested']).toBe('struct');
    expect(lib.declarations['test.everything/InlinePoint']).toBe('struct');
    expect(lib.declarations['test.everything/CustomName']).toBe('enum');
    expect(lib.declarations['test.everything/Device_Fallible_Result']).toBe('union');
    expect(lib.declarations['test.everything/DeviceEchoRequest']).toBe('struct');
    expect(lib.declarations['test.everything/Name']).toBe('alias');
    expect(lib.declarations['test.everything/Service']).toBe('service');
  });
});

describe('constants', () => {
  const value = (name: string): string | undefined =>
    lib.consts.find((c) => c.name === `test.everything/${name}`)?.value.value;

  it('evaluates literals of every kind', () => {
    expect(value('ONE_POINT_FIVE')).toBe('1.5');
    expect(value('SMALL_FLOAT')).toBe('0.002');
    expect(value('GREETING')).toBe('hello\tworld \u{1F642}');
    expect(value('ENABLED')).toBe('true');
    expect(value('NEGATIVE')).toBe('-128');
    expect(value('BINARY')).toBe('10');
    expect(value('OCTAL')).toBe(String(0o755));
  });

  it('follows references across libraries and ORs bits', () => {
    expect(value('MAX_NAME')).toBe('32');
    expect(value('FAVORITE')).toBe('2');
    expect(value('READ_WRITE')).toBe('3');
    expect(value('ALL_RIGHTS')).toBe(String(4 | 8 | 2));
    const rw = lib.consts.find((c) => c.name === 'test.everything/READ_WRITE');
    expect(rw?.value).toEqual({
      kind: 'binary_operator',
      expression: 'Permission.READ | Permission.WRITE',
      value: '3',
    });
    expect(rw?.type).toMatchObject({
      kind: 'identifier',
      identifier: 'test.everything/Permission',
      declKind: 'bits',
    });
  });
});

describe('layouts', () => {
  it('resolves aliases to their types', () => {
    const alias = lib.aliases.find((a) => a.name === 'test.everything/Pixels');
    expect(alias?.type).toMatchObject({ kind: 'vector', maxCount: 1024, nullable: true });
    expect(member(struct('Nested'), 'name')).toMatchObject({
      kind: 'string',
      maxLength: 32,
      nullable: false,
    });
    expect(member(struct('Nested'), 'count')).toMatchObject({
      kind: 'primitive',
      subtype: 'uint64',
    });
  });

  it('accepts keywords as member names, with defaults', () => {
    const k = struct('Keywords');
    expect(k.members.map((m) => m.name)).toEqual([
      'type',
      'protocol',
      'string',
      'struct',
      'table',
      'union',
      'resource',
      'reserved',
      'optional',
      'using',
      'as',
    ]);
    expect(member(k, 'string')).toMatchObject({ kind: 'string' });
    expect(k.members.find((m) => m.name === 'union')?.defaultValue).toMatchObject({ value: '2' });
    expect(k.members.find((m) => m.name === 'resource')?.defaultValue).toMatchObject({
      value: '3',
    });
    expect(k.members.find((m) => m.name === 'table')?.defaultValue).toMatchObject({
      kind: 'literal',
      value: '7',
    });
  });

  it('resolves every kind of member type with its constraints', () => {
    const n = struct('Nested');
    expect(n.resource).toBe(true);
    expect(member(n, 'nickname')).toMatchObject({ kind: 'string', maxLength: 16, nullable: true });
    expect(member(n, 'label')).toMatchObject({ kind: 'string', maxLength: null, nullable: true });
    expect(member(n, 'points')).toMatchObject({
      kind: 'vector',
      maxCount: 16,
      elementType: { identifier: 'test.everything.dep/Point' },
    });
    expect(member(n, 'unbounded')).toMatchObject({ kind: 'vector', maxCount: null });
    expect(member(n, 'grid')).toMatchObject({
      kind: 'array',
      elementCount: 2,
      elementType: { kind: 'array', elementCount: 4, elementType: { subtype: 'uint8' } },
      shape: { inlineSize: 8, alignment: 1 },
    });
    expect(member(n, 'maybe')).toMatchObject({
      kind: 'identifier',
      declKind: 'struct',
      nullable: true,
      shape: { inlineSize: 8 },
    });
    expect(member(n, 'maybe_union')).toMatchObject({
      kind: 'identifier',
      declKind: 'union',
      nullable: true,
    });
    expect(member(n, 'color')).toMatchObject({
      kind: 'identifier',
      declKind: 'enum',
      shape: { inlineSize: 1 },
    });
  });

  it('resolves handle subtypes and rights contextually', () => {
    const n = struct('Nested');
    expect(member(n, 'vmo')).toMatchObject({
      kind: 'handle',
      objType: 3,
      subtype: 'VMO',
      rights: 0x80000000,
      nullable: false,
    });
    expect(member(n, 'channel')).toMatchObject({
      kind: 'handle',
      objType: 4,
      subtype: 'CHANNEL',
      rights: 0xc,
    });
    expect(member(n, 'event')).toMatchObject({ objType: 5, rights: 0xe, nullable: true });
    expect(member(n, 'any')).toMatchObject({ objType: 0, subtype: 'handle' });
    expect(member(n, 'maybe_any')).toMatchObject({ objType: 0, nullable: true });
    expect(member(n, 'gadget')).toMatchObject({ kind: 'handle', objType: 1, subtype: 'SPROCKET' });
  });

  it('resolves client and server ends with their transport', () => {
    const n = struct('Nested');
    expect(member(n, 'device')).toMatchObject({
      kind: 'endpoint',
      role: 'client',
      protocol: 'test.everything/Device',
      transport: 'Channel',
      nullable: false,
    });
    expect(member(n, 'maybe_device')).toMatchObject({ role: 'client', nullable: true });
    expect(member(n, 'request')).toMatchObject({
      role: 'server',
      protocol: 'test.everything/Device',
    });
    expect(member(n, 'closer')).toMatchObject({
      role: 'server',
      protocol: 'test.everything.dep/Closeable',
    });
    expect(member(n, 'device').shape).toMatchObject({ inlineSize: 4, maxHandles: 1 });
  });

  it('names inline layouts after the member, or @generated_name', () => {
    expect(member(struct('Nested'), 'inline_point')).toMatchObject({
      identifier: 'test.everything/InlinePoint',
    });
    expect(struct('InlinePoint').namingContext).toEqual(['Nested', 'inline_point']);
    expect(member(struct('Nested'), 'named_inline')).toMatchObject({
      identifier: 'test.everything/CustomName',
      declKind: 'enum',
    });
    expect(lib.tables.map((t) => t.name)).toContain('test.everything/Layout');
    expect(lib.enums.map((e) => e.name)).toContain('test.everything/Mode');
    expect(lib.structs.map((s) => s.name)).toContain('test.everything/Unit');
  });

  it('keeps reserved members and sorts by ordinal', () => {
    const t = lib.tables.find((x) => x.name === 'test.everything/Settings');
    expect(t?.members.map((m) => [m.ordinal, m.name ?? null, m.reserved])).toEqual([
      [1, 'name', false],
      [2, null, true],
      [3, 'features', false],
      [4, 'layout', false],
      [5, 'brightness', false],
      [6, null, true],
    ]);
    expect(t?.members.find((m) => m.ordinal === 5)?.doc).toBe('A field out of order.');
  });

  it('records strictness and resource-ness of unions', () => {
    const u = (name: string) => lib.unions.find((x) => x.name === `test.everything/${name}`);
    expect(u('Choice')).toMatchObject({ strict: true, resource: false, isResult: false });
    expect(u('FlexibleChoice')).toMatchObject({ strict: false });
    expect(u('EmptyFlexibleUnion')).toMatchObject({ strict: false, members: [] });
    expect(u('ResourceChoice')).toMatchObject({ strict: true, resource: true });
    expect(struct('Available').resource).toBe(true);
  });

  it('compiles enums and bits', () => {
    const status = lib.enums.find((e) => e.name === 'test.everything/Status');
    expect(status).toMatchObject({ subtype: 'int32', strict: false, unknownValue: '32767' });
    expect(status?.members.map((m) => m.value)).toEqual(['0', '-1', '32767']);
    const perm = lib.bits.find((b) => b.name === 'test.everything/Permission');
    expect(perm).toMatchObject({ subtype: 'uint8', strict: true, mask: '7' });
    expect(perm?.members[2]?.doc).toBe('Run it.');
    expect(lib.bits.find((b) => b.name === 'test.everything/Features')).toMatchObject({
      subtype: 'uint32',
      strict: false,
    });
    expect(lib.bits.find((b) => b.name === 'test.everything/EmptyFlexibleBits')).toMatchObject({
      subtype: 'uint64',
      members: [],
      mask: '0',
    });
  });

  it('lets recursion pass through box and optional unions', () => {
    expect(struct('Tree').shape.depth).toBe(0xffffffff);
    expect(lib.unions.find((u) => u.name === 'test.everything/Recursive')?.shape.maxOutOfLine).toBe(
      0xffffffff,
    );
  });
});

describe('protocols', () => {
  const device = protocol('Device');
  const method = (name: string) => {
    const m = device.methods.find((x) => x.name === name);
    if (!m) throw new TypeError(`no method ${name}`);
    return m;
  };

  it('records openness, transport, discoverable names and composition', () => {
    expect(device).toMatchObject({
      openness: 'open',
      transport: 'Channel',
      discoverableName: 'test.everything.Device',
    });
    expect(device.composed).toEqual(['test.everything.dep/Closeable', 'test.everything/Info']);
    expect(protocol('Info').openness).toBe('ajar');
    expect(protocol('Closed').openness).toBe('closed');
    expect(protocol('DriverThing')).toMatchObject({
      transport: 'Driver',
      discoverableName: 'test.everything.DriverThing',
    });
    expect(protocol('BanjoOps').transport).toBe('Banjo');
  });

  it('lists own methods, then composed ones', () => {
    expect(device.methods.map((m) => m.name)).toEqual([
      'Ping',
      'Notify',
      'Echo',
      'Empty',
      'Fallible',
      'Nothing',
      'Later',
      'Maybe',
      'Transfer',
      'OnReady',
      'OnChange',
      'OldName',
      'Legacy',
      'Close',
      'GetName',
      'Poke',
      'OnPoke',
    ]);
    expect(method('Close').declaredIn).toBe('test.everything.dep/Closeable');
    expect(method('GetName').declaredIn).toBe('test.everything/Info');
  });

  it('classifies one-way, two-way and events', () => {
    expect(method('Ping')).toMatchObject({ kind: 'one-way', strict: true, hasError: false });
    expect(method('Ping').requestPayload).toBeUndefined();
    expect(method('Notify')).toMatchObject({
      kind: 'one-way',
      strict: false,
      requestPayload: { identifier: 'test.everything/DeviceNotifyRequest' },
    });
    expect(method('OnReady')).toMatchObject({
      kind: 'event',
      strict: true,
      requestPayload: { identifier: 'test.everything/Settings', declKind: 'table' },
    });
    expect(method('OnChange').requestPayload).toMatchObject({
      identifier: 'test.everything/DeviceOnChangeRequest',
    });
  });

  it('names payloads ProtocolMethodRequest / ProtocolMethodResponse', () => {
    const echo = method('Echo');
    expect(echo.requestPayload).toMatchObject({ identifier: 'test.everything/DeviceEchoRequest' });
    expect(echo.responsePayload).toMatchObject({
      identifier: 'test.everything/DeviceEchoResponse',
    });
    expect(echo.successPayload).toEqual(echo.responsePayload);
    expect(method('Empty').responsePayload).toBeUndefined();
  });

  it('wraps error syntax in a strict result union', () => {
    const f = method('Fallible');
    expect(f).toMatchObject({ hasError: true, errorType: { kind: 'primitive', subtype: 'int32' } });
    expect(f.responsePayload).toMatchObject({
      identifier: 'test.everything/Device_Fallible_Result',
      declKind: 'union',
    });
    expect(f.successPayload).toMatchObject({
      identifier: 'test.everything/Device_Fallible_Response',
    });
    const result = lib.unions.find((u) => u.name === 'test.everything/Device_Fallible_Result');
    expect(result).toMatchObject({ strict: true, isResult: true, resource: false });
    expect(result?.members.map((m) => [m.ordinal, m.name ?? null, m.reserved])).toEqual([
      [1, 'response', false],
      [2, 'err', false],
    ]);
  });

  it('adds framework_err to flexible two-way methods and reserves err without error syntax', () => {
    const later = method('Later');
    expect(later).toMatchObject({ strict: false, hasError: false });
    expect(later.successPayload).toMatchObject({ identifier: 'test.everything/Choice' });
    const result = lib.unions.find((u) => u.name === 'test.everything/Device_Later_Result');
    expect(
      result?.members.map((m) => [m.ordinal, m.name ?? null, m.reserved, m.type?.kind ?? null]),
    ).toEqual([
      [1, 'response', false, 'identifier'],
      [2, null, true, null],
      [3, 'framework_err', false, 'internal'],
    ]);
    expect(result?.members[2]?.type).toMatchObject({
      kind: 'internal',
      subtype: 'framework_error',
      shape: { inlineSize: 4 },
    });
  });

  it('synthesizes an empty success struct for -> () with error or flexibility', () => {
    const nothing = method('Nothing');
    expect(nothing.successPayload).toBeUndefined();
    const result = lib.unions.find((u) => u.name === 'test.everything/Device_Nothing_Result');
    expect(result?.members[0]?.type).toMatchObject({
      identifier: 'test.everything/Device_Nothing_Response',
    });
    expect(struct('Device_Nothing_Response')).toMatchObject({
      members: [],
      shape: { inlineSize: 1 },
    });
    const maybe = lib.unions.find((u) => u.name === 'test.everything/Device_Maybe_Result');
    expect(maybe?.members.map((m) => m.name ?? null)).toEqual(['response', 'err', 'framework_err']);
    expect(method('Maybe').errorType).toMatchObject({
      identifier: 'test.everything/Status',
      declKind: 'enum',
    });
  });

  it('makes result unions resource when the payload is', () => {
    expect(
      lib.unions.find((u) => u.name === 'test.everything/Device_Transfer_Result')?.resource,
    ).toBe(true);
    expect(method('Transfer').errorType).toMatchObject({
      identifier: 'test.everything/Device_Transfer_Error',
    });
  });

  it('hashes selectors', () => {
    expect(method('Ping').ordinal).toBe(methodOrdinal('test.everything/Device.Ping').toString());
    expect(method('OldName').selector).toBe('test.everything/Device.Renamed');
    expect(method('Legacy').selector).toBe('test.other/Legacy.Method');
    expect(method('Close').ordinal).toBe(String(0x5ac5d459ad7f657en));
  });

  it('keeps attributes as data', () => {
    const queue = protocol('BanjoOps').methods[0];
    expect(queue?.attributes.map((a) => a.name)).toEqual(['async']);
    const req = lib.structs.find((s) => s.name === 'test.everything/BanjoOpsQueueRequest');
    expect(req?.members[0]?.attributes.map((a) => a.name)).toEqual(['in_out']);
    expect(method('Ping').doc).toBe('One-way, strict.');
    expect(method('Ping').attributes).toEqual([
      {
        name: 'doc',
        args: [{ name: 'value', value: 'One-way, strict.' }],
        location: expect.objectContaining({ line: expect.any(Number) }),
      },
    ]);
  });
});

describe('services', () => {
  it('lists client_end members', () => {
    const svc = lib.services.find((s) => s.name === 'test.everything/Service');
    expect(
      svc?.members.map((m) => [m.name, m.type.kind === 'endpoint' ? m.type.protocol : '']),
    ).toEqual([
      ['device', 'test.everything/Device'],
      ['info', 'test.everything/Info'],
    ]);
    expect(svc?.doc).toBe('A service with two members of one transport.');
  });
});

describe('dependency library', () => {
  const dep = byName.get('test.everything.dep') as IrLibrary;
  it('compiles the imported library into its own IR entry', () => {
    expect(dep.structs.map((s) => s.name)).toContain('test.everything.dep/Point');
    expect(dep.unions.map((s) => s.name)).toContain('test.everything.dep/Closeable_Close_Result');
    expect(dep.attributes[0]).toMatchObject({ name: 'doc' });
  });
});
