import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticsError } from '@fdf/framework';
import { afterAll, describe, expect, it } from 'vitest';
import { parseParams, validateBoard } from './board.js';
import { runBoard } from './boardRun.js';

const BOARDS = fileURLToPath(new URL('../../../../boards/', import.meta.url));
const DRIVERS = fileURLToPath(new URL('../../../../drivers/sample/', import.meta.url));

const tmp = mkdtempSync(join(tmpdir(), 'fdf-board-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The colocated sample board, edited, written where its driver paths still resolve. */
function editedBoard(edit: (text: string) => string): string {
  const text = readFileSync(join(BOARDS, 'sample-colocated.yaml'), 'utf8').replaceAll(
    '../drivers/sample/',
    `${relative(tmp, DRIVERS)}/`,
  );
  const file = join(tmp, `board-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, edit(text));
  return file;
}

describe('fdf board validate', () => {
  it('summarises a valid board', () => {
    expect(validateBoard(join(BOARDS, 'sample-split.yaml'))).toMatch(
      /^board sample-split \(.*boards\/sample-split\.yaml\) is valid\n {2}2 devices: root\/sys\/platform\/echo-0 \(sample-echo\), root\/sys\/platform\/echo-1 \(sample-echo\)\n {2}3 drivers: echo-device \(driver\), echo-filter \(driver\), echo-client \(driver\)\n {2}3 hosts: device-host \[echo-device\], filter-host \[echo-filter\], client-host \[echo-client\]\n {2}workloads: echo, dma \(default echo\)\n$/,
    );
  });

  it('reports every problem of a bad board at its line, with a fix', () => {
    const file = editedBoard((t) =>
      t.replace(
        '[echo-device, echo-filter, echo-client]',
        '[echo-device, echo-filtr, echo-client]',
      ),
    );
    let error: unknown;
    try {
      validateBoard(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DiagnosticsError);
    expect((error as DiagnosticsError).lines).toEqual([
      `${file}:22:13: drivers[1].name: driver 'echo-filter' is not placed in any host; add it to the drivers of one host (hosts: sample)`,
      `${file}:25:44: hosts[0].drivers[1]: unknown driver 'echo-filtr'; did you mean 'echo-filter'? drivers available: echo-device, echo-filter, echo-client`,
    ]);
  });

  it('reports a driver manifest that does not exist at the board entry naming it', () => {
    const missing = editedBoard((t) => t.replace('echo-client }', 'echo-clients }'));
    expect(() => validateBoard(missing)).toThrow(
      /drivers\[2\]\.manifest: driver manifest '.*echo-clients' does not exist/,
    );
  });
});

describe('fdf board validate: driver manifests', () => {
  it('reports errors inside a driver manifest at their own lines, and the board entry that uses it', () => {
    const dir = join(tmp, 'broken-driver');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'driver.ts'), 'export {};\n');
    writeFileSync(
      join(dir, 'driver.yaml'),
      [
        'name: echo-filter',
        'bind: |',
        '  using fdf.sample;',
        '  fdf.sample.stage == ;',
        'module: ./src/driver.ts',
        '',
      ].join('\n'),
    );
    const file = editedBoard((t) =>
      t.replace(/manifest: \S+echo-filter\/? \}/, `manifest: ${relative(tmp, dir)} }`),
    );
    let error: unknown;
    try {
      validateBoard(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DiagnosticsError);
    const lines = (error as DiagnosticsError).lines;
    expect(lines).toContainEqual(
      `${join(dir, 'driver.yaml')}:4:23: expected a value, found ';'; a value is a number, a "string", true, false, or an enum name like fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${file}:\\d+:\\d+: drivers\\[1\\]\\.manifest: driver manifest .* has \\d+ error\\(s\\), listed with its file name; fix the driver manifest$`,
        ),
      ),
    );
  });
});

describe('fdf board run', () => {
  it('boots, prints the tree and hosts, runs the workloads, survives a crash, stops cleanly', async () => {
    let out = '';
    const result = await runBoard(
      join(BOARDS, 'sample-colocated.yaml'),
      { crash: 'echo-filter', inspect: true },
      (text) => (out += text),
    );
    expect(result.status).toBe('ok');
    for (const heading of [
      'Node tree',
      'Drivers',
      'Driver hosts',
      'Workloads (echo, dma)',
      'Crash test: echo-filter',
      'Dispatchers',
      'Summary',
      'Stopping',
    ]) {
      expect(out).toContain(`\n${heading}\n`);
    }
    expect(out).toContain('│  └─ echo [echo-filter]');
    expect(out).toContain('Driver Host: sample (thread ');
    expect(out).toContain(
      'host sample CRASHED: ZX_ERR_INTERNAL: crash injected into driver echo-filter',
    );
    expect(out).toContain('after the restart the results are the same');
    expect(out).toContain(
      'Dispatcher to dump: default@root/sys/platform/echo-0 (driver echo-device)',
    );
    expect(out).toMatch(
      /board sample-colocated: 5 drivers running in 1 hosts, 1 host crash, 0 quarantined nodes/,
    );
    expect(out).toMatch(/stopped cleanly\n$/);

    // The Banjo build of the same stack agrees with the FIDL one.
    let banjo = '';
    const other = await runBoard(join(BOARDS, 'sample-banjo.yaml'), {}, (text) => (banjo += text));
    expect(other.digest).toBe(result.digest);
    expect(other.reports.map((r) => r.summary)).toEqual(result.reports.map((r) => r.summary));
  });

  it('refuses a workload the board does not declare, and still stops', async () => {
    let out = '';
    await expect(
      runBoard(join(BOARDS, 'sample-colocated.yaml'), { workloads: ['nope'] }, (t) => (out += t)),
    ).rejects.toThrow("board sample-colocated declares no workload 'nope'; it declares: echo, dma");
    expect(out).toContain('host sample stopped');
  });
});

describe('parseParams', () => {
  it('parses numbers and booleans and says how to write a pair', () => {
    expect(parseParams(['count=10', 'verify=false', 'name=x=y'])).toEqual({
      count: 10,
      verify: false,
      name: 'x=y',
    });
    expect(() => parseParams(['count'])).toThrow(
      "--param 'count' is not key=value; write it like --param count=1000",
    );
  });
});
