/**
 * The integration test of the runtime half: the sample stack on a board with
 * three driver hosts (three worker threads), calls that cross them, and a
 * crash of one host while a client is waiting on it.
 */
import { fileURLToPath } from 'node:url';
import { Status, StatusError } from '@fdf/zx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverManager } from './driverManager.js';
import type { ManagerEvent } from './managerEvents.js';

const SPLIT = fileURLToPath(new URL('../../../../boards/sample-split.yaml', import.meta.url));
const FILTERED = 'root/sys/platform/echo-0/echo/filtered';
const DIRECT = 'root/sys/platform/echo-1/echo';

describe('sample-split: three driver hosts', () => {
  let manager: DriverManager;
  const events: ManagerEvent[] = [];

  beforeAll(async () => {
    manager = await DriverManager.boot(SPLIT, { listener: (e) => events.push(e) });
  });

  afterAll(async () => {
    await manager?.stop();
  });

  it('binds the whole stack, each driver in the host the board names', () => {
    expect(manager.drivers().map((d) => [d.driver, d.node, d.host, d.state])).toEqual([
      ['echo-device', 'root/sys/platform/echo-0', 'device-host', 'running'],
      ['echo-filter', 'root/sys/platform/echo-0/echo', 'filter-host', 'running'],
      ['echo-client', FILTERED, 'client-host', 'running'],
      ['echo-device', 'root/sys/platform/echo-1', 'device-host', 'running'],
      ['echo-client', DIRECT, 'client-host', 'running'],
    ]);
    const threads = manager.hosts().map((h) => h.threadId);
    expect(new Set(threads).size).toBe(3);
    expect(events.filter((e) => e.type === 'driver-failed')).toEqual([]);
  });

  it('connects across hosts over the Channel transport and echoes through them', async () => {
    const reports = await manager.reports();
    const client = reports
      .find((r) => r.host === 'client-host')
      ?.drivers.find((d) => d.node === FILTERED);
    expect(client?.incoming.map((c) => [c.offer, c.transport, c.provider.host])).toEqual([
      ['fdf.sample.Echo/default', 'channel', 'filter-host'],
      ['fdf.block.Block/default', 'channel', 'filter-host'],
    ]);

    const echo = await manager.runWorkload('echo', { count: 64, size: 128 });
    expect(echo.map((r) => [r.node, r.host, r.ops, r.summary])).toEqual([
      [FILTERED, 'client-host', 64, '64 echoes of 128 B verified'],
      [DIRECT, 'client-host', 64, '64 echoes of 128 B verified'],
    ]);
    expect(echo[0]?.checksum).toBe(echo[1]?.checksum);
  });

  it('shares VMOs across hosts: the device writes into the client memory, the channel carries only ops', async () => {
    const before = await deviceBlockBytes(manager);
    const [report] = await manager.runWorkload('dma', { count: 16, blocks: 8 }, { node: DIRECT });
    expect(report?.summary).toBe("16 reads of 8 x 512 B landed in the client's VMO");
    const copied = (await deviceBlockBytes(manager)) - before;
    // 16 reads moved 64 KiB into the client's VMO; what crossed the channel is the ops.
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(16 * 8 * 512 * 0.1);
  });

  it('a crashed host takes down only itself: its clients see ERR_PEER_CLOSED, the host restarts', async () => {
    const threadsBefore = new Map(manager.hosts().map((h) => [h.name, h.threadId]));
    const directBefore = manager.drivers().find((d) => d.node === DIRECT)?.instance;
    events.length = 0;

    // A long workload through the filter, then the filter's host dies under it.
    const inflight = manager.runWorkload('echo', { count: 10_000_000 }, { node: FILTERED });
    const outcome = inflight.then(
      () => null,
      (err: unknown) => err,
    );
    await manager.injectCrash('echo-filter');
    const err = await outcome;
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toBe(Status.ERR_PEER_CLOSED);

    expect(events.map((e) => e.type)).toContain('host-crashed');
    const crash = events.find((e) => e.type === 'host-crashed');
    expect(crash).toMatchObject({ host: 'filter-host', drivers: ['echo-filter'] });
    expect(crash?.type === 'host-crashed' && crash.error).toMatch(
      /crash injected into driver echo-filter/,
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'driver-stopped', driver: 'echo-client', node: FILTERED }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'driver-restarting', driver: 'echo-filter', attempt: 1 }),
    );

    // The other hosts kept their threads, and the direct chain its driver.
    const after = new Map(manager.hosts().map((h) => [h.name, h]));
    expect(after.get('device-host')?.threadId).toBe(threadsBefore.get('device-host'));
    expect(after.get('client-host')?.threadId).toBe(threadsBefore.get('client-host'));
    expect(after.get('filter-host')?.threadId).not.toBe(threadsBefore.get('filter-host'));
    expect(after.get('filter-host')).toMatchObject({ state: 'running', starts: 2, crashes: 1 });
    expect(manager.drivers().find((d) => d.node === DIRECT)?.instance).toBe(directBefore);

    // Everything works again, with the same results.
    const echo = await manager.runWorkload('echo', { count: 64, size: 128 });
    expect(echo.map((r) => r.node)).toEqual([FILTERED, DIRECT]);
    expect(echo[0]?.checksum).toBe(echo[1]?.checksum);
    expect(manager.drivers().every((d) => d.state === 'running')).toBe(true);
  });
});

async function deviceBlockBytes(manager: DriverManager): Promise<number> {
  const reports = await manager.reports();
  const device = reports.find((r) => r.host === 'device-host')?.drivers ?? [];
  let total = 0;
  for (const d of device) {
    for (const s of d.outgoing) if (s.offer === 'fdf.block.Block/default') total += s.bytesCopied;
  }
  return total;
}
