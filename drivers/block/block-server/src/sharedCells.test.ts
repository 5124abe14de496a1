import { describe, expect, it } from 'vitest';
import { ProgressCell, ReportCell } from './sharedCells.js';

describe('shared cells', () => {
  it('progress: publish, read, and wake a waiter', async () => {
    const cell = ProgressCell.create();
    const other = ProgressCell.from(cell.buffer, 'here')!;
    const woken = other.until((p) => p.done >= 10);
    cell.publish('run', 4, 20, 0);
    cell.publish('run', 12, 20, 1);
    expect(await woken).toMatchObject({ phase: 'run', done: 12, total: 20, errors: 1, seq: 2 });
    expect(ProgressCell.from(undefined, 'here')).toBeNull();
    expect(() => ProgressCell.from(new ArrayBuffer(32), 'workload x')).toThrow(
      /workload x: the progress param/,
    );
  });

  it('report: JSON through shared memory, too large replaced by a note', () => {
    const cell = ReportCell.create(256);
    expect(cell.read()).toBeNull();
    cell.write({ ops: 3, summary: 'ok' });
    expect(ReportCell.from(cell.buffer, 'here')!.read()).toEqual({ ops: 3, summary: 'ok' });
    cell.write({ big: 'x'.repeat(1000) });
    expect(cell.read()).toEqual({
      truncated: expect.stringMatching(/the report has \d+ bytes, the cell 252/),
    });
  });
});
