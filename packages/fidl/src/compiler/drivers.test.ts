import { describe, expect, it } from 'vitest';
import { compileFiles, expectClean, fixture } from '../../test/compiler/helpers.js';
import type { IrLibrary } from '../ir/types.js';

// Realistic driver protocol libraries, written in the style of Fuchsia's
// block, HID bus and driver-transport network device protocols.

function lib(files: string[], name: string): IrLibrary {
  const ir = expectClean(compileFiles(fixture(...files)));
  const l = ir.libraries.find((x) => x.name === name);
  if (!l) throw new TypeError(`no library ${name}`);
  expect(ir.libraries[ir.libraries.length - 1]?.name).toBe(name);
  return l;
}

describe('block driver', () => {
  const driver = lib(
    ['drivers/block_driver.fidl', 'drivers/block.fidl', 'drivers/unknown.fidl'],
    'fuchsia.hardware.block.driver',
  );

  it('uses a typed constant through an alias', () => {
    const c = driver.consts.find((x) => x.name === 'fuchsia.hardware.block.driver/VMOID_INVALID');
    expect(c?.type).toMatchObject({ kind: 'primitive', subtype: 'uint16' });
    expect(c?.value.value).toBe('0');
  });

  it('names the inline opcode enum and flags bits with @generated_name', () => {
    expect(driver.enums.map((e) => e.name)).toContain('fuchsia.hardware.block.driver/BlockOpcode');
    const flags = driver.bits.find((b) => b.name === 'fuchsia.hardware.block.driver/BlockIoFlag');
    expect(flags).toMatchObject({
      strict: true,
      mask: '15',
      namingContext: ['BlockCommand', 'flags'],
    });
  });

  it('lays out BlockReadWrite like the C struct', () => {
    const rw = driver.structs.find(
      (s) => s.name === 'fuchsia.hardware.block.driver/BlockReadWrite',
    );
    expect(rw?.members.map((m) => [m.name, m.offset])).toEqual([
      ['command', 0],
      ['extra', 8],
      ['vmo', 12],
      ['length', 16],
      ['offset_dev', 24],
      ['offset_vmo', 32],
    ]);
    expect(rw?.shape).toMatchObject({ inlineSize: 40, maxHandles: 1 });
  });

  it('composes Common into two Banjo protocols without changing ordinals', () => {
    const impl = driver.protocols.find((p) => p.name === 'fuchsia.hardware.block.driver/BlockImpl');
    const common = driver.protocols.find((p) => p.name === 'fuchsia.hardware.block.driver/Common');
    expect(impl?.transport).toBe('Banjo');
    expect(impl?.methods.map((m) => m.ordinal)).toEqual(common?.methods.map((m) => m.ordinal));
    expect(impl?.methods[1]?.attributes.map((a) => a.name)).toEqual(['async']);
    expect(impl?.attributes.find((a) => a.name === 'banjo_layout')?.args).toEqual([
      { name: 'value', value: 'ddk-protocol' },
    ]);
  });

  it('refers to the block library through its alias', () => {
    const q = driver.structs.find(
      (s) => s.name === 'fuchsia.hardware.block.driver/CommonQueryResponse',
    );
    expect(q?.members[0]?.type).toMatchObject({ identifier: 'fuchsia.hardware.block/BlockInfo' });
    const guid = driver.structs.find((s) => s.name === 'fuchsia.hardware.block.driver/Guid');
    expect(guid?.shape.inlineSize).toBe(16);
  });
});

describe('block', () => {
  const block = lib(['drivers/block.fidl', 'drivers/unknown.fidl'], 'fuchsia.hardware.block');

  it('composes fuchsia.unknown.Closeable by its full name', () => {
    const p = block.protocols.find((x) => x.name === 'fuchsia.hardware.block/Block');
    expect(p?.composed).toEqual(['fuchsia.unknown/Closeable']);
    const close = p?.methods.find((m) => m.name === 'Close');
    expect(close).toMatchObject({
      ordinal: '6540867515453498750',
      declaredIn: 'fuchsia.unknown/Closeable',
    });
  });

  it('carries handle rights masks', () => {
    const req = block.structs.find(
      (s) => s.name === 'fuchsia.hardware.block/SessionAttachVmoRequest',
    );
    expect(req?.members[0]?.type).toMatchObject({
      kind: 'handle',
      subtype: 'VMO',
      rights: 4 | 8 | 32 | 2,
    });
    expect(req?.resource).toBe(true);
  });

  it('returns a named table in a result union', () => {
    const m = block.protocols[0]?.methods.find((x) => x.name === 'GetStats');
    expect(m?.successPayload).toMatchObject({
      identifier: 'fuchsia.hardware.block/BlockStats',
      declKind: 'table',
    });
    expect(m?.responsePayload).toMatchObject({
      identifier: 'fuchsia.hardware.block/Block_GetStats_Result',
    });
  });
});

describe('hidbus', () => {
  const hid = lib(['drivers/hidbus.fidl'], 'fuchsia.hardware.hidbus');

  it('brings in the bundled zx library', () => {
    const info = hid.tables.find((t) => t.name === 'fuchsia.hardware.hidbus/HidInfo');
    expect(info?.members.find((m) => m.name === 'polling_rate')?.type).toMatchObject({
      subtype: 'int64',
    });
    expect(info?.members.find((m) => m.name === 'polling_rate')?.doc).toBe(
      'Polling interval, when the transport polls.',
    );
  });

  it('has one event whose payload is a resource table', () => {
    const p = hid.protocols[0];
    const events = p?.methods.filter((m) => m.kind === 'event');
    expect(
      events?.map((e) => [
        e.name,
        e.requestPayload?.kind === 'identifier' ? e.requestPayload.identifier : '',
      ]),
    ).toEqual([['OnReportReceived', 'fuchsia.hardware.hidbus/Report']]);
    expect(hid.tables.find((t) => t.name === 'fuchsia.hardware.hidbus/Report')?.resource).toBe(
      true,
    );
  });

  it('generates result unions and empty success structs', () => {
    const names = hid.unions.filter((u) => u.isResult).map((u) => u.name.split('/')[1]);
    expect(names).toContain('Hidbus_Start_Result');
    expect(hid.structs.map((s) => s.name)).toContain(
      'fuchsia.hardware.hidbus/Hidbus_Start_Response',
    );
    const stop = hid.protocols[0]?.methods.find((m) => m.name === 'Stop');
    expect(stop?.responsePayload).toBeUndefined();
  });
});

describe('network device (driver transport)', () => {
  const net = lib(['drivers/network_driver.fidl'], 'fuchsia.hardware.network.driver');

  it('marks driver-transport endpoints', () => {
    const init = net.structs.find(
      (s) => s.name === 'fuchsia.hardware.network.driver/NetworkDeviceImplInitRequest',
    );
    expect(init?.members[0]?.type).toMatchObject({
      kind: 'endpoint',
      role: 'client',
      protocol: 'fuchsia.hardware.network.driver/NetworkDeviceIfc',
      transport: 'Driver',
    });
    const impl = net.protocols.find(
      (p) => p.name === 'fuchsia.hardware.network.driver/NetworkDeviceImpl',
    );
    expect(impl).toMatchObject({
      transport: 'Driver',
      openness: 'open',
      discoverableName: 'fuchsia.hardware.network.driver.NetworkDeviceImpl',
    });
  });

  it('bounds vectors by constants and computes their out-of-line size', () => {
    const tx = net.structs.find((s) => s.name === 'fuchsia.hardware.network.driver/TxBuffer');
    expect(tx?.shape).toMatchObject({ inlineSize: 32, depth: 1, maxOutOfLine: 4 * 24 });
    const queue = net.structs.find(
      (s) => s.name === 'fuchsia.hardware.network.driver/NetworkDeviceImplQueueTxRequest',
    );
    expect(queue?.shape.maxOutOfLine).toBe(454 * 32 + 454 * 96);
  });

  it('gives flexible methods framework errors', () => {
    const stats = net.unions.find(
      (u) => u.name === 'fuchsia.hardware.network.driver/NetworkDeviceImpl_GetStats_Result',
    );
    expect(stats?.members.map((m) => m.name ?? null)).toEqual(['response', 'err', 'framework_err']);
  });
});
