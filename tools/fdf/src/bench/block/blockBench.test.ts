import { connectLocal, runWorkload } from '@fdf/block-server';
import { env } from '@fdf/runtime';
import { Status } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { blockChartSvg } from './chart.js';
import { buildInHostStack } from './inHostStack.js';
import { matrix } from './measure.js';
import { formatBlockTable, shapeSummary, targetChecks } from './table.js';
import { BLOCK_CONFIGS, type BlockRecord, type InHostConfig } from './types.js';

afterEach(() => env.reset());

describe('block bench stacks (in this thread)', () => {
  it.each<[InHostConfig, boolean]>([
    ['banjo', true],
    ['driver', true],
    ['driver-queued', true],
    ['driver', false],
  ])('%s (zxcrypt %s) moves verified data end to end', async (config, crypt) => {
    env.setInlining(config !== 'driver-queued');
    const stack = await buildInHostStack(config, crypt);
    const client = connectLocal(stack.server);
    const report = await runWorkload(client, {
      readPercent: 50,
      ioSize: 16 * 1024,
      queueDepth: 4,
      ops: 200,
      blockCount: 1024,
      verify: true,
    });
    await client.close();
    await stack.server.close(Status.OK, 'test done');
    expect(report.errors).toBe(0);
    expect(report.verify.mismatches).toBe(0);
    expect(report.verify.blocksChecked).toBeGreaterThan(0);
    const handOvers = stack.dispatchers.map((d) => d.stats());
    const inlined = handOvers.reduce((n, s) => n + s.inlined, 0);
    if (config === 'driver') expect(inlined).toBeGreaterThan(0);
    if (config === 'driver-queued') expect(inlined).toBe(0);
  });
});

function records(): BlockRecord[] {
  const scale = { banjo: 1, driver: 0.7, 'driver-queued': 0.5, channel: 0.05 } as const;
  return BLOCK_CONFIGS.flatMap((config) =>
    matrix(true).map((cell) => ({
      config,
      op: cell.op,
      blockSize: cell.ioSize,
      queueDepth: cell.queueDepth,
      iops: 10_000 * cell.queueDepth * scale[config],
      mibPerSec: 1,
      p50Us: 50 / scale[config],
      p99Us: 100 / scale[config],
      p999Us: 200 / scale[config],
      cpuUsPerOp: 40 / scale[config],
    })),
  );
}

describe('block bench output', () => {
  it('prints one row per record with ratios to banjo, and both targets', () => {
    const all = records();
    const table = formatBlockTable(all);
    expect(table).toHaveLength(2 + all.length);
    const driverRow = table.find((l) => l.startsWith('driver ') && l.includes(' 4K '));
    expect(driverRow).toMatch(/0\.70x\s+1\.43x\s+1\.43x$/);
    const checks = targetChecks(all);
    expect(checks[1]).toMatch(/^PASS .* = 0\.70x \(target >= 0\.6x\)/);
    expect(checks[2]).toMatch(/^PASS .* = 14\.00x \(target >= 10x\)/);
    expect(shapeSummary(all).join('\n')).toMatch(/channel\s+IOPS\s+0\.05x\s+0\.05x/);
  });

  it('says MISS when a target is not met', () => {
    const slow = records().map((r) => (r.config === 'driver' ? { ...r, iops: r.iops / 2 } : r));
    expect(targetChecks(slow)[1]).toMatch(/^MISS .* = 0\.35x/);
  });

  it('draws one line per configuration in each of the two panels', () => {
    const svg = blockChartSvg(records(), 'caption <with> & marks');
    expect(svg.match(/<polyline /g)).toHaveLength(2 * BLOCK_CONFIGS.length);
    expect(svg).toContain('caption &lt;with&gt; &amp; marks');
    expect(svg).toContain('4 KiB random reads');
    expect(svg).toContain('128 KiB random reads');
  });
});
