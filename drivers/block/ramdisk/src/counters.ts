/**
 * What the ramdisk counts, for tools (`fdf` dumps, the benchmark) and tests.
 * Updated in place on every completion; `snapshot()` copies them out.
 */
import { block } from '@fdf/bindings';
import { statusName, type Status } from '@fdf/zx';

export interface RamdiskCountersSnapshot {
  /** Completed ops by kind, whatever their status. */
  readonly ops: { read: number; write: number; flush: number; trim: number; other: number };
  /** Bytes moved by successful READs and WRITEs. */
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Failed ops by status name (`ZX_ERR_IO`: 3). */
  readonly errors: Record<string, number>;
  /** Ops queued and not completed yet. */
  readonly inFlight: number;
}

export class RamdiskCounters {
  read = 0;
  write = 0;
  flush = 0;
  trim = 0;
  other = 0;
  bytesRead = 0;
  bytesWritten = 0;
  readonly #errors = new Map<Status, number>();

  /** One op completed with `status`; `bytes` it moved when it succeeded. */
  count(opcode: number, status: Status, bytes: number): void {
    switch (opcode) {
      case block.BlockOpcode.READ:
        this.read++;
        if (status === 0) this.bytesRead += bytes;
        break;
      case block.BlockOpcode.WRITE:
        this.write++;
        if (status === 0) this.bytesWritten += bytes;
        break;
      case block.BlockOpcode.FLUSH:
        this.flush++;
        break;
      case block.BlockOpcode.TRIM:
        this.trim++;
        break;
      default:
        this.other++;
    }
    if (status !== 0) this.#errors.set(status, (this.#errors.get(status) ?? 0) + 1);
  }

  snapshot(inFlight: number): RamdiskCountersSnapshot {
    const errors: Record<string, number> = {};
    for (const [status, n] of this.#errors) errors[statusName(status)] = n;
    return {
      ops: {
        read: this.read,
        write: this.write,
        flush: this.flush,
        trim: this.trim,
        other: this.other,
      },
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      errors,
      inFlight,
    };
  }
}
