import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

describe('fdf demo', () => {
  it('completes every request through the whole chain, each hop editing the same request', () => {
    const { completed, lines } = runDemo(8);
    expect(completed).toBe(8);
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      // filter and partition each add 100 to the offset on the way down.
      const m = /^request (\d+): offset (\d+) via client -> filter -> partition -> device$/.exec(
        line,
      );
      expect(m).not.toBeNull();
      expect(Number(m![2])).toBe(Number(m![1]) + 200);
    }
  });

  it('prints one dispatcher dump per driver, with inlined counts and the reasons for the rest', () => {
    const { dumps } = runDemo(8);
    expect(dumps.map((d) => d[2])).toEqual([
      'Dispatcher to dump: client-default (driver client)',
      'Dispatcher to dump: filter-default (driver filter)',
      'Dispatcher to dump: partition-default (driver partition)',
      'Dispatcher to dump: device-default (driver device)',
    ]);
    const filter = dumps[1]!;
    // Requests written from outside any runtime callback cannot be inlined.
    expect(filter).toContain('* The request was queued from an unknown thread: 1 times');
    // The device is idle whenever a request reaches it, so every one is inlined.
    expect(dumps[3]).toContain('Processed 8 requests, 8 were inlined');
  });
});
