/**
 * `fdf fidl encode` / `fdf fidl decode` (tools/fdf/src/commands/fidlWire.ts),
 * driven through commander in-process, plus the text helpers behind them.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeHexToJson, encodeJsonToHex, formatHex, parseHex } from '../../src/wire/index.js';
import { loadIr } from './compileFidl.js';

// commander is a dependency of the CLI package only.
type Program = {
  exitOverride(): Program;
  command(name: string): Program;
  parseAsync(argv: string[], opts: { from: 'user' }): Promise<unknown>;
};
const requireFromCli = createRequire(
  new URL('../../../../tools/fdf/package.json', import.meta.url),
);
const { Command } = requireFromCli('commander') as { Command: new (name?: string) => Program };

// Loaded by URL so that this package's typecheck does not depend on the CLI's.
const { registerFidlWireCommands } = (await import(
  new URL('../../../../tools/fdf/src/commands/fidlWire.ts', import.meta.url).href
)) as { registerFidlWireCommands(fidl: Program): void };

const fidlFile = fileURLToPath(new URL('./conformance/gidl_types.fidl', import.meta.url));
const conformanceDir = fileURLToPath(new URL('./conformance/', import.meta.url));

async function fdf(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.exitCode = undefined;
  try {
    const program = new Command('fdf').exitOverride();
    registerFidlWireCommands(program.command('fidl'));
    await program.parseAsync(['fidl', ...args], { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

describe('fdf fidl encode / decode', () => {
  let initCwd: string | undefined;
  beforeEach(() => {
    initCwd = process.env['INIT_CWD'];
    process.env['INIT_CWD'] = conformanceDir;
  });
  afterEach(() => {
    if (initCwd === undefined) delete process.env['INIT_CWD'];
    else process.env['INIT_CWD'] = initCwd;
  });

  it('encodes a JSON value to hex lines of 8 bytes (paths relative to INIT_CWD)', async () => {
    const r = await fdf(
      'encode',
      '--type',
      'test.conformance/Uint8Uint16Uint32Uint64',
      '--value',
      '{"f1": 1, "f2": 515, "f3": 67438087, "f4": "579005069656919567"}',
      'gidl_types.fidl',
    );
    expect(r).toEqual({
      out: '01 00 03 02 07 06 05 04\n0f 0e 0d 0c 0b 0a 09 08',
      err: '',
      exitCode: 0,
    });
  });

  it('decodes hex to JSON in the GIDL conventions', async () => {
    const r = await fdf(
      'decode',
      '--type',
      'test.conformance/StringWithLimitInUnion',
      '--hex',
      '0x01,0,0,0,0,0,0,0, 18000000 00000000 02 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 48 69 00 00 00 00 00 00',
      fidlFile,
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ u: { s: 'Hi' } });
    const unknown = await fdf(
      'decode',
      '--type',
      'test.conformance/StringWithLimitInUnion',
      '--hex',
      '02 00 00 00 00 00 00 00 01 02 03 04 00 00 01 00',
      fidlFile,
    );
    expect(JSON.parse(unknown.out)).toEqual({ u: { $unknown_ordinal: 2 } });
  });

  it('prints the error code and exits 1 on bad bytes or values', async () => {
    const bad = await fdf(
      'decode',
      '--type',
      'test.conformance/MyBool',
      '--hex',
      '02 00 00 00 00 00 00 00',
      fidlFile,
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.err.split('\n')[0]).toBe('INVALID_BOOLEAN');
    expect(bad.out).toBe('');
    const long = await fdf(
      'encode',
      '--type',
      'test.conformance/Length2StringWrapper',
      '--value',
      '{"length_2_string": "abc"}',
      fidlFile,
    );
    expect(long.err.split('\n')[0]).toBe('STRING_TOO_LONG');
    expect(long.err).toContain('Length2StringWrapper.length2String');
    expect(long.exitCode).toBe(1);
  });

  it('reports missing files, bad JSON and unknown types as StatusErrors', async () => {
    await expect(fdf('encode', '--type', 'x/Y', '--value', '{}', 'nope.fidl')).rejects.toThrow(
      /does not exist/,
    );
    await expect(
      fdf('encode', '--type', 'test.conformance/MyBool', '--value', '{bad', fidlFile),
    ).rejects.toThrow(/--value is not JSON/);
    await expect(
      fdf('encode', '--type', 'test.conformance/Nope', '--value', '{}', fidlFile),
    ).rejects.toThrow(/no struct, table, union/);
  });
});

describe('text helpers', () => {
  it('parses hex with spaces, commas, 0x prefixes and runs of pairs', () => {
    expect(Array.from(parseHex('01 ff,0x0A\n0b0c  0xDEAD'))).toEqual([
      1, 255, 10, 11, 12, 0xde, 0xad,
    ]);
    expect(() => parseHex('0g')).toThrow(/not hex/);
    expect(() => parseHex('123')).toThrow(/odd number/);
    expect(formatHex(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe(
      '01 02 03 04 05 06 07 08\n09',
    );
  });

  it('round-trips values through hex and JSON, keeping -0.0 and 64-bit strings', async () => {
    const ir = loadIr([fidlFile]);
    const hex = encodeJsonToHex(ir, 'test.conformance/MyFloat64', '{"value": -0.0}');
    expect(hex).toBe('00 00 00 00 00 00 00 80');
    expect(decodeHexToJson(ir, 'test.conformance/MyFloat64', hex)).toBe('{\n  "value": -0.0\n}');
    const u64 = encodeJsonToHex(
      ir,
      'test.conformance/MyUint64',
      '{"value": "18446744073709551615"}',
    );
    expect(JSON.parse(decodeHexToJson(ir, 'test.conformance/MyUint64', u64))).toEqual({
      value: '18446744073709551615',
    });
  });
});
