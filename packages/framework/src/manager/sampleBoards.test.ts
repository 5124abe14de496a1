/**
 * The three sample boards run the same drivers three ways (colocated, split,
 * Banjo) and must agree on every result; moving between them is a board edit.
 * A board that breaks a placement rule gets a precise error on the node.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBoardManifest, parseBoardManifest } from '../manifest/boardManifest.js';
import { DriverManager } from './driverManager.js';

const board = (name: string): string =>
  fileURLToPath(new URL(`../../../../boards/${name}.yaml`, import.meta.url));

const BOARDS = ['sample-colocated', 'sample-split', 'sample-banjo'];

describe('the sample boards', () => {
  const managers: DriverManager[] = [];
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.stop()));
  });

  it('differ only in hosts and variant', () => {
    const [colocated, ...others] = BOARDS.map((b) => loadBoardManifest(board(b)));
    const same = (b: NonNullable<typeof colocated>) => ({
      devices: b.devices,
      drivers: b.drivers.map((d) => ({ name: d.name, manifest: d.manifestPath })),
      workloads: b.workloads,
    });
    for (const other of others) expect(same(other)).toEqual(same(colocated!));
    expect(others.map((b) => b.hosts.length)).toEqual([3, 1]);
    expect(others.map((b) => b.defaults.variant)).toEqual(['driver', 'banjo']);
  });

  it('give identical results on all three boards', async () => {
    managers.push(...(await Promise.all(BOARDS.map((b) => DriverManager.boot(board(b))))));
    const results = await Promise.all(
      managers.map(async (m) => {
        const echo = await m.runWorkload('echo');
        const dma = await m.runWorkload('dma');
        return [...echo, ...dma].map((r) => `${r.workload} ${r.node}: ${r.summary} ${r.checksum}`);
      }),
    );
    expect(results[0]).toHaveLength(4);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // The transports differ: Driver in one host, Channel across hosts, Banjo calls.
    const transports = await Promise.all(
      managers.map(async (m) => {
        const reports = await m.reports();
        return [
          ...new Set(
            reports.flatMap((r) => r.drivers.flatMap((d) => d.incoming.map((c) => c.transport))),
          ),
        ];
      }),
    );
    expect(transports).toEqual([['driver'], ['channel'], ['banjo']]);
  });
});

describe('placement rules', () => {
  it('a Banjo driver whose parent runs in another host is quarantined with the fix', async () => {
    const file = board('sample-banjo');
    const text = readFileSync(file, 'utf8').replace(
      '  - { name: sample, drivers: [echo-device, echo-filter, echo-client] }',
      '  - { name: sample, drivers: [echo-device, echo-client] }\n  - { name: other, drivers: [echo-filter] }',
    );
    const split = parseBoardManifest(text, file);
    const manager = await DriverManager.boot(split, { prestartHosts: false });
    try {
      const node = manager.tree.get('root/sys/platform/echo-0/echo');
      expect(node.state).toBe('quarantined');
      expect(node.stateReason).toBe(
        `driver 'echo-filter' runs its banjo variant in host 'other', but 'fdf.sample.BanjoEcho/default' comes from driver 'echo-device' in host 'sample'; Banjo calls are direct function calls within one host: put both drivers in one host in ${file}, or set \`variant: driver\` for echo-filter`,
      );
      // The other chain is not affected.
      expect(manager.drivers().map((d) => d.node)).toEqual([
        'root/sys/platform/echo-0',
        'root/sys/platform/echo-1',
        'root/sys/platform/echo-1/echo',
      ]);
      expect(manager.hosts().find((h) => h.name === 'other')?.state).toBe('idle');
    } finally {
      await manager.stop();
    }
  });
});
