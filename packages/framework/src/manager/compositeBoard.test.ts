/**
 * A composite node spec on a running board: the composite node appears once
 * both parents exist, a composite driver binds it and reaches each parent's
 * services by role, across hosts. And a driver removing a node it added: the
 * driver below it (in another host) stops first.
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
  - name: toggle-0
    type: toggle
    properties: { test.kind: toggler }
drivers:
  - { name: echo-device, manifest: ../../../../../drivers/sample/echo-device }
  - { name: echo-filter, manifest: ../../../../../drivers/sample/echo-filter }
  - { name: pair-client, manifest: ./pair-client }
  - { name: toggler, manifest: ./toggler }
  - { name: leaf, manifest: ./leaf }
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
  - { name: sample, drivers: [echo-device, echo-filter, toggler] }
  - { name: pair-host, drivers: [pair-client, leaf] }
workloads:
  - { name: pair, params: { value: hi } }
  - { name: remove-leaf }
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
    const pair = reports
      .find((r) => r.host === 'pair-host')
      ?.drivers.find((d) => d.driver === 'pair-client');
    expect(pair?.incoming.map((c) => [c.parent, c.provider.driver, c.transport])).toEqual([
      ['filtered', 'echo-filter', 'channel'],
      ['direct', 'echo-device', 'channel'],
    ]);
  });

  it('stops the driver below a node its parent removes, then removes the node', async () => {
    const seen: string[] = [];
    const unsubscribe = manager.subscribe((e) => {
      if (e.type === 'driver-stopped') seen.push(`stopped ${e.driver} on ${e.node}`);
      if (e.type === 'log') seen.push(`${e.record.source}: ${e.record.message}`);
    });
    const [report] = await manager.runWorkload('remove-leaf');
    unsubscribe();
    expect(report?.summary).toBe('children left: 0');
    expect(seen).toEqual([
      'leaf@root/sys/platform/toggle-0/leaf: prepareStop',
      'stopped leaf on root/sys/platform/toggle-0/leaf',
    ]);
    expect(manager.tree.find('root/sys/platform/toggle-0/leaf')).toBeUndefined();
  });

  it('stops the composite driver when the host of a parent crashes, and binds it again after the restart', async () => {
    const events: string[] = [];
    const unsubscribe = manager.subscribe((e) => {
      if (e.type === 'driver-stopped') events.push(`stopped ${e.driver} ${e.node}`);
      if (e.type === 'driver-restarting') events.push(`restarting ${e.driver} ${e.node}`);
      if (e.type === 'node-quarantined') events.push(`quarantined ${e.node}`);
    });
    // echo-filter shares its host with both echo-devices and the toggler: all four die.
    await manager.injectCrash('echo-filter');
    unsubscribe();
    expect(events).toEqual([
      'stopped pair-client root/sys/platform/echo-0/echo/filtered/echo-pair',
      'restarting echo-device root/sys/platform/echo-0',
      'restarting echo-device root/sys/platform/echo-1',
      'quarantined root/sys/platform/toggle-0',
    ]);
    // The toggler's manifest says onCrash: none (the default).
    expect(manager.tree.get('root/sys/platform/toggle-0').stateReason).toMatch(
      /^driver toggler crashed \(ZX_ERR_INTERNAL: crash injected into driver echo-filter .*\) and its manifest says onCrash: none; set `onCrash: restart` in .*toggler\/driver.yaml to restart it$/,
    );
    // The filter came back, and with it the composite.
    expect(manager.tree.get('root/sys/platform/echo-0/echo/filtered/echo-pair').driver?.name).toBe(
      'pair-client',
    );
    expect((await manager.runWorkload('pair'))[0]?.summary).toBe('hi|hi via filtered+direct');
  });
});
