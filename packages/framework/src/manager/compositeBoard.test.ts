/**
 * A composite node spec on a running board: the composite node appears once
 * both parents exist, a composite driver binds it and reaches each parent's
 * services by role, across hosts.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBoardManifest } from '../manifest/boardManifest.js';
import { DriverManager } from './driverManager.js';

const HERE = fileURLToPath(new URL('./__tests__/', import.meta.url));
const BOARD = `
name: composite-test
devices:
  - name: echo-0
    type: sample-echo
    properties: { fdf.sample.device: echo, fdf.sample.route: filtered }
  - name: echo-1
    type: sample-echo
    properties: { fdf.sample.device: echo, fdf.sample.route: direct }
drivers:
  - { name: echo-device, manifest: ../../../../../drivers/sample/echo-device }
  - { name: echo-filter, manifest: ../../../../../drivers/sample/echo-filter }
  - { name: pair-client, manifest: ./pair-client }
composites:
  - name: echo-pair
    parents:
      - name: filtered
        bind: [{ key: fdf.sample.stage, op: '==', value: filter }]
      - name: direct
        bind:
          - { key: fdf.sample.route, op: '==', value: direct }
          - { key: fdf.sample.stage, op: '==', value: device }
hosts:
  - { name: sample, drivers: [echo-device, echo-filter] }
  - { name: pair-host, drivers: [pair-client] }
workloads:
  - { name: pair, params: { value: hi } }
`;

describe('a composite driver on a board', () => {
  let manager: DriverManager;
  beforeAll(async () => {
    manager = await DriverManager.boot(parseBoardManifest(BOARD, `${HERE}composite.yaml`));
  });
  afterAll(async () => {
    await manager?.stop();
  });

  it('binds the composite node and reaches both parents by role', async () => {
    const node = manager.tree.get('root/sys/platform/echo-0/echo/filtered/echo-pair');
    expect(node.parents.map((p) => p.path)).toEqual([
      'root/sys/platform/echo-0/echo/filtered',
      'root/sys/platform/echo-1/echo',
    ]);
    expect(node.driver).toMatchObject({ name: 'pair-client', host: 'pair-host' });
    const [report] = await manager.runWorkload('pair');
    expect(report?.summary).toBe('hi|hi via filtered+direct');
    const reports = await manager.reports();
    const pair = reports.find((r) => r.host === 'pair-host')?.drivers[0];
    expect(pair?.incoming.map((c) => [c.parent, c.provider.driver, c.transport])).toEqual([
      ['filtered', 'echo-filter', 'channel'],
      ['direct', 'echo-device', 'channel'],
    ]);
  });

  it('stops the composite driver when the host of a parent crashes, and binds it again after the restart', async () => {
    const events: string[] = [];
    const unsubscribe = manager.subscribe((e) => {
      if (e.type === 'driver-stopped') events.push(`${e.driver} ${e.node}`);
    });
    await manager.injectCrash('echo-filter');
    unsubscribe();
    expect(events).toEqual(['pair-client root/sys/platform/echo-0/echo/filtered/echo-pair']);
    // The filter came back, and with it the composite.
    expect(manager.tree.get('root/sys/platform/echo-0/echo/filtered/echo-pair').driver?.name).toBe(
      'pair-client',
    );
    expect((await manager.runWorkload('pair'))[0]?.summary).toBe('hi|hi via filtered+direct');
  });
});
