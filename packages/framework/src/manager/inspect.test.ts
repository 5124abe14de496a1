import { describe, expect, it } from 'vitest';
import type { WorkloadReport } from '../driver/workload.js';
import type { HostInfo } from './driverManager.js';
import { formatHostList, formatWorkloadReports, resultsDigest } from './inspect.js';

const report = (over: Partial<WorkloadReport>): WorkloadReport => ({
  workload: 'echo',
  driver: 'echo-client',
  node: 'root/a',
  host: 'h1',
  elapsedMs: 2,
  ops: 100,
  summary: '100 echoes of 64 B verified',
  checksum: 'abcd0123',
  ...over,
});

describe('inspect views', () => {
  it('lists hosts like ffx driver list-hosts, with threads, heap and crashes', () => {
    const hosts: HostInfo[] = [
      {
        name: 'device-host',
        state: 'running',
        threadId: 2,
        placed: ['echo-device'],
        drivers: [
          {
            instance: 1,
            driver: 'echo-device',
            url: 'fdf-ts://drivers/sample/echo-device',
            variant: 'driver',
            node: 'root/sys/platform/echo-0',
            host: 'device-host',
            state: 'running',
            workloads: [],
          },
        ],
        starts: 2,
        crashes: 1,
        lastCrash: 'ZX_ERR_INTERNAL: boom',
      },
      {
        name: 'spare',
        state: 'idle',
        threadId: undefined,
        placed: ['x'],
        drivers: [],
        starts: 0,
        crashes: 0,
        lastCrash: undefined,
      },
    ];
    const stats = [
      { host: 'device-host', threadId: 2, heapUsed: 3 * 1024 * 1024, heapTotal: 0, drivers: 1 },
    ];
    expect(formatHostList(hosts, stats)).toBe(
      [
        'Driver Host: device-host (thread 2, running, heap 3.0 MiB, 1 crash, 2 starts)',
        '    last crash: ZX_ERR_INTERNAL: boom',
        '    fdf-ts://drivers/sample/echo-device  root/sys/platform/echo-0',
        '',
        'Driver Host: spare (idle)',
        '    (no drivers; the board places here: x)',
        '',
      ].join('\n'),
    );
  });

  it('tabulates workload results and digests only what the workloads saw', () => {
    const a = [report({}), report({ node: 'root/b', elapsedMs: 0.5 })];
    const b = [report({ host: 'other', elapsedMs: 9 }), report({ node: 'root/b', host: 'other' })];
    expect(resultsDigest(a)).toBe(resultsDigest(b));
    expect(resultsDigest(a)).not.toBe(resultsDigest([report({ checksum: 'ffff0000' }), a[1]!]));
    expect(formatWorkloadReports(a).split('\n')).toEqual([
      'workload  node    host  ops   ms   ns/op  result                       checksum',
      'echo      root/a  h1    100  2.0  20,000  100 echoes of 64 B verified  abcd0123',
      'echo      root/b  h1    100  0.5   5,000  100 echoes of 64 B verified  abcd0123',
      '',
    ]);
  });
});
