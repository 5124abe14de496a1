/**
 * What the ramdisk counts, for tools (`fdf` dumps, the benchmark) and tests.
 * Updated in place on every completion; `snapshot()` copies them out. When
 * the driver passes its DriverCounters as a sink, the same counts are
 * mirrored there (`ramdisk.read`, `ramdisk.read_bytes`,
 * `ramdisk.errors.zx_err_io`, ...), where host reports pick them up.
 */
import { block } from '@fdf/bindings';
import { statusName, type Status } from '@fdf/zx';

/** Where counts are mirrored; the framework's DriverCounters fits. */
export interface CounterSink {
  add(name: string, delta?: number): void;
}

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
  readonly #sink: CounterSink | null;

  constructor(sink: CounterSink | null = null) {
    this.#sink = sink;
  }

  /** One op completed with `status`; `bytes` it moved when it succeeded. */
  count(opcode: number, status: Status, bytes: number): void {
    const sink = this.#sink;
    switch (opcode) {
      case block.BlockOpcode.READ:
        this.read++;
        sink?.add('ramdisk.read');
        if (status === 0) {
          this.bytesRead += bytes;
          sink?.add('ramdisk.read_bytes', bytes);
        }
        break;
      case block.BlockOpcode.WRITE:
        this.write++;
        sink?.add('ramdisk.write');
        if (status === 0) {
          this.bytesWritten += bytes;
          sink?.add('ramdisk.write_bytes', bytes);
        }
        break;
      case block.BlockOpcode.FLUSH:
        this.flush++;
        sink?.add('ramdisk.flush');
        break;
      case block.BlockOpcode.TRIM:
        this.trim++;
        sink?.add('ramdisk.trim');
        break;
      default:
        this.other++;
        sink?.add('ramdisk.other');
    }
    if (status !== 0) {
      this.#errors.set(status, (this.#errors.get(status) ?? 0) + 1);
      sink?.add(`ramdisk.errors.${statusName(status).toLowerCase()}`);
    }
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
