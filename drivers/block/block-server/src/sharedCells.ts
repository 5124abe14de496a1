/**
 * Shared memory between a block workload running in a driver host and the
 * tool or test that asked for it. A workload's result crosses the manager as
 * `{ ops, summary, checksum }` only, and nothing streams back while it runs;
 * so the caller may pass SharedArrayBuffers in the workload's params, which
 * the manager's structured clone shares rather than copies:
 *
 * - `progress` (ProgressCell): phase, ops done, total, errors, and a sequence
 *   number the workload bumps and notifies; the caller waits on it with
 *   Atomics.waitAsync (a progress bar, or a test that acts mid-run);
 * - `report` (ReportCell): the workload's full report as JSON (IOPS, latency
 *   percentiles, verification, the client's request and response counts).
 *
 * Both are optional: a board file cannot hold them, and then nothing is
 * written.
 */
import { Status, StatusError } from '@fdf/zx';

export const WORKLOAD_PHASES = ['idle', 'prefill', 'run', 'verify', 'digest', 'done'] as const;
export type CellPhase = (typeof WORKLOAD_PHASES)[number];

// ES2024 API, typed here because the packages compile with the ES2023 lib.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync.bind(Atomics);

const SEQ = 0;
const PHASE = 1;
const DONE = 2;
const TOTAL = 3;
const ERRORS = 4;
const WORDS = 8;

export interface ProgressSnapshot {
  readonly seq: number;
  readonly phase: CellPhase;
  readonly done: number;
  /** -1 when the phase does not know its length (a timed run). */
  readonly total: number;
  readonly errors: number;
}

export class ProgressCell {
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer, 0, WORDS);
  }

  static create(): ProgressCell {
    return new ProgressCell(new SharedArrayBuffer(WORDS * 4));
  }

  /** The cell a workload param holds; null when the param is absent. */
  static from(value: unknown, where: string): ProgressCell | null {
    if (value === undefined) return null;
    if (!(value instanceof SharedArrayBuffer) || value.byteLength < WORDS * 4) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${where}: the progress param must be ProgressCell.create().buffer (a SharedArrayBuffer of ${WORDS * 4} bytes)`,
      );
    }
    return new ProgressCell(value);
  }

  publish(phase: CellPhase, done: number, total: number | null, errors: number): void {
    const w = this.#words;
    Atomics.store(w, PHASE, WORKLOAD_PHASES.indexOf(phase));
    Atomics.store(w, DONE, Math.min(done, 0x7fff_ffff));
    Atomics.store(w, TOTAL, total === null ? -1 : Math.min(total, 0x7fff_ffff));
    Atomics.store(w, ERRORS, Math.min(errors, 0x7fff_ffff));
    Atomics.add(w, SEQ, 1);
    Atomics.notify(w, SEQ);
  }

  read(): ProgressSnapshot {
    const w = this.#words;
    return {
      seq: Atomics.load(w, SEQ),
      phase: WORKLOAD_PHASES[Atomics.load(w, PHASE)] ?? 'idle',
      done: Atomics.load(w, DONE),
      total: Atomics.load(w, TOTAL),
      errors: Atomics.load(w, ERRORS),
    };
  }

  /** Resolves once the sequence number differs from `seq` (at once if it does already). */
  async changed(seq: number): Promise<ProgressSnapshot> {
    const w = this.#words;
    while (Atomics.load(w, SEQ) === seq) {
      const wait = waitAsync(w, SEQ, seq);
      if (wait.async) await wait.value;
    }
    return this.read();
  }

  /** Resolves with the first snapshot for which `test` holds. */
  async until(test: (p: ProgressSnapshot) => boolean): Promise<ProgressSnapshot> {
    let p = this.read();
    while (!test(p)) p = await this.changed(p.seq);
    return p;
  }
}

const LENGTH_BYTES = 4;

export class ReportCell {
  readonly buffer: SharedArrayBuffer;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
  }

  static create(bytes = 64 * 1024): ReportCell {
    return new ReportCell(new SharedArrayBuffer(bytes));
  }

  static from(value: unknown, where: string): ReportCell | null {
    if (value === undefined) return null;
    if (!(value instanceof SharedArrayBuffer) || value.byteLength <= LENGTH_BYTES) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${where}: the report param must be ReportCell.create().buffer (a SharedArrayBuffer)`,
      );
    }
    return new ReportCell(value);
  }

  /** Writes `report` as JSON; one too big for the cell is replaced by a note saying so. */
  write(report: unknown): void {
    let bytes = new TextEncoder().encode(JSON.stringify(report));
    const room = this.buffer.byteLength - LENGTH_BYTES;
    if (bytes.length > room) {
      bytes = new TextEncoder().encode(
        JSON.stringify({ truncated: `the report has ${bytes.length} bytes, the cell ${room}` }),
      );
    }
    new Uint8Array(this.buffer, LENGTH_BYTES, bytes.length).set(bytes);
    new DataView(this.buffer).setUint32(0, bytes.length, true);
  }

  /** The report, or null when none was written. */
  read(): unknown {
    const length = new DataView(this.buffer).getUint32(0, true);
    if (length === 0) return null;
    // TextDecoder refuses views of shared memory: copy out first.
    const bytes = new Uint8Array(this.buffer, LENGTH_BYTES, length).slice();
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  }
}
