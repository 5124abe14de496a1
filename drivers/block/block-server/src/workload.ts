/**
 * A block workload generator over a BlockClient: random or sequential
 * addresses, a read/write mix, a fixed I/O size, a queue depth, a length in
 * ops or in time, all driven by a seeded PRNG.
 *
 * Every write puts a self-describing, checksummed pattern into each block
 * (blockPattern.ts) and records the block's expected version. Reads are
 * checked as they complete, and once the run ends every block the run wrote
 * is read back and checked again. To keep "what a block should hold"
 * unambiguous, an op never starts while an overlapping write is in flight
 * (or, for a write, an overlapping read): the op stream itself depends only
 * on the seed, only its timing depends on the device.
 */
import { Status, StatusError, Vmo, statusName } from '@fdf/zx';
import { checkBlock, fillBlock, MIN_PATTERN_BLOCK_SIZE } from './blockPattern.js';
import type { BlockClient } from './client.js';
import { LatencyHistogram, type LatencySummary } from './latencyHistogram.js';
import { Prng } from './prng.js';

/** What the workload needs from a client. */
export type WorkloadTarget = Pick<
  BlockClient,
  'info' | 'maxInFlight' | 'attachVmo' | 'detachVmo' | 'read' | 'write'
>;

export interface WorkloadOptions {
  /** Address pattern (default 'random'; random addresses are aligned to the I/O size). */
  readonly pattern?: 'random' | 'sequential';
  /** Share of ops that read, in percent 0..100 (default 50). */
  readonly readPercent?: number;
  /** Bytes per op, a multiple of the device block size (default: one device block). */
  readonly ioSize?: number;
  /** Ops in flight (default 8; at most the client's maxInFlight). */
  readonly queueDepth?: number;
  /** Ops to issue. Give this or durationMs; with both, whichever ends first. */
  readonly ops?: number;
  /** Milliseconds to keep issuing ops. */
  readonly durationMs?: number;
  /** PRNG seed: the same seed gives the same ops and data (default 1). */
  readonly seed?: number;
  /** First device block the workload may touch (default 0). */
  readonly startBlock?: number;
  /** Blocks it may touch from there (default: to the end of the device). */
  readonly blockCount?: number;
  /** Check reads and read every written block back at the end (default true). */
  readonly verify?: boolean;
  /** Write the whole range once first, so every read of the run can be checked (default false). */
  readonly prefill?: boolean;
  /** Called every `progressEvery` completed ops and at the end of each phase. */
  readonly onProgress?: (progress: WorkloadProgress) => void;
  /** Ops between progress calls (default: about 1% of a phase, at least 1). */
  readonly progressEvery?: number;
}

export type WorkloadPhase = 'prefill' | 'run' | 'verify';

export interface WorkloadProgress {
  phase: WorkloadPhase;
  /** Ops completed in this phase. */
  done: number;
  /** Ops this phase will issue, when known (a timed run does not know). */
  total: number | null;
  /** 0..1 of the phase, by ops or by time. */
  fraction: number;
  elapsedMs: number;
  errors: number;
}

export interface VerifyReport {
  enabled: boolean;
  /** Blocks checked against their expected content (during the run and after it). */
  blocksChecked: number;
  /** Blocks read during the run whose content was unknown (never written by this run). */
  blocksUnverified: number;
  /** Blocks read back by the final pass. */
  finalPassBlocks: number;
  mismatches: number;
  /** The first mismatches, each saying what the block held instead. */
  samples: string[];
}

export interface WorkloadReport {
  /** Ops of the measured run (prefill and final verification not included). */
  ops: number;
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  elapsedMs: number;
  iops: number;
  mibPerSec: number;
  /** Per-op latency of the measured run, in microseconds. */
  latencyUs: LatencySummary;
  /** Ops that failed (all phases). */
  errors: number;
  /** The first failures, with their status. */
  errorSamples: string[];
  verify: VerifyReport;
  /** Set when the run stopped early because the client can do no more I/O. */
  aborted: string | null;
  options: {
    pattern: string;
    readPercent: number;
    ioSize: number;
    queueDepth: number;
    seed: number;
    startBlock: number;
    blockCount: number;
  };
}

interface Op {
  readonly read: boolean;
  /** Device block. */
  readonly lba: number;
  readonly blocks: number;
}

const UNKNOWN = 0xffff_ffff;
const MAX_SAMPLES = 10;
/** Failures after which the client cannot do more I/O: stop instead of spinning through errors. */
const FATAL = new Set<number>([Status.ERR_PEER_CLOSED, Status.ERR_CANCELED, Status.ERR_BAD_STATE]);

function invalid(message: string): StatusError {
  return new StatusError(Status.ERR_INVALID_ARGS, `runWorkload: ${message}`);
}

function wholeNumber(
  value: number,
  what: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${what} ${value} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Runs a workload and reports what it measured and what it verified. */
export async function runWorkload(
  client: WorkloadTarget,
  options: WorkloadOptions,
): Promise<WorkloadReport> {
  const info = client.info();
  const blockSize = info.blockSize;
  const deviceBlocks = Number(info.blockCount);
  const ioSize = options.ioSize ?? blockSize;
  if (!Number.isSafeInteger(ioSize) || ioSize <= 0 || ioSize % blockSize !== 0) {
    throw invalid(
      `ioSize ${ioSize} must be a positive multiple of the ${blockSize}-byte device block`,
    );
  }
  const ioBlocks = ioSize / blockSize;
  const startBlock = wholeNumber(
    options.startBlock ?? 0,
    'startBlock',
    0,
    Math.max(0, deviceBlocks - 1),
  );
  const blockCount = wholeNumber(
    options.blockCount ?? deviceBlocks - startBlock,
    'blockCount',
    ioBlocks,
    deviceBlocks - startBlock,
  );
  const queueDepth = wholeNumber(
    options.queueDepth ?? Math.min(8, client.maxInFlight),
    'queueDepth',
    1,
    client.maxInFlight,
  );
  const readPercent = options.readPercent ?? 50;
  if (!(readPercent >= 0 && readPercent <= 100))
    throw invalid(`readPercent ${readPercent} must be in [0, 100]`);
  if (options.ops === undefined && options.durationMs === undefined) {
    throw invalid('give ops (a count) or durationMs (a time) to say when the run ends');
  }
  const opsLimit = options.ops === undefined ? Infinity : wholeNumber(options.ops, 'ops', 0);
  const durationMs = options.durationMs ?? Infinity;
  if (!(durationMs >= 0)) throw invalid(`durationMs ${durationMs} must be >= 0`);
  const verify = options.verify ?? true;
  if (verify && (blockSize < MIN_PATTERN_BLOCK_SIZE || blockSize % 4 !== 0)) {
    throw new StatusError(
      Status.ERR_NOT_SUPPORTED,
      `runWorkload: verification needs blocks of at least ${MIN_PATTERN_BLOCK_SIZE} bytes in whole 32-bit words, the device has ${blockSize}; pass verify: false`,
    );
  }
  const resolved = {
    pattern: options.pattern ?? 'random',
    readPercent,
    ioSize,
    queueDepth,
    seed: (options.seed ?? 1) >>> 0,
    startBlock,
    blockCount,
  };

  const vmo = Vmo.create(queueDepth * ioSize);
  // Mapped before attaching: attaching moves the handle to the server, the memory stays shared.
  const mapping = vmo.view();
  const vmoid = await client.attachVmo(vmo);
  const engine = new Engine(client, vmoid, mapping, resolved, verify, options);
  try {
    if (options.prefill === true) await engine.prefill();
    const run = await engine.run(opsLimit, durationMs);
    if (verify && engine.aborted === null) await engine.verifyAll();
    return engine.report(run);
  } finally {
    await client.detachVmo(vmoid).catch(() => undefined);
  }
}

class Engine {
  readonly #client: WorkloadTarget;
  readonly #vmoid: number;
  readonly #blockWords: Uint32Array[] = [];
  readonly #o: WorkloadReport['options'];
  readonly #verify: boolean;
  readonly #options: WorkloadOptions;
  readonly #ioBlocks: number;
  readonly #blockSize: number;
  /** Per block of the range: the version it should hold (0: never written, UNKNOWN: a write failed). */
  readonly #expected: Uint32Array;
  readonly #writersBusy: Uint16Array;
  readonly #readersBusy: Uint16Array;
  readonly #freeSlots: number[] = [];
  readonly #latency = new LatencyHistogram();
  #version = 0;
  #inFlight = 0;
  #wake: (() => void) | null = null;
  #measuring = false;
  aborted: string | null = null;
  readonly #counts = { ops: 0, reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, errors: 0 };
  readonly #errorSamples: string[] = [];
  readonly #verifyReport: VerifyReport;
  #phase: WorkloadPhase = 'run';
  #phaseDone = 0;
  #phaseTotal: number | null = null;
  #phaseStart = 0;
  #phaseDuration = Infinity;
  #progressEvery = 1;

  constructor(
    client: WorkloadTarget,
    vmoid: number,
    mapping: Uint8Array,
    o: WorkloadReport['options'],
    verify: boolean,
    options: WorkloadOptions,
  ) {
    this.#client = client;
    this.#vmoid = vmoid;
    this.#o = o;
    this.#verify = verify;
    this.#options = options;
    this.#blockSize = client.info().blockSize;
    this.#ioBlocks = o.ioSize / this.#blockSize;
    this.#expected = new Uint32Array(o.blockCount);
    this.#writersBusy = new Uint16Array(o.blockCount);
    this.#readersBusy = new Uint16Array(o.blockCount);
    for (let s = o.queueDepth - 1; s >= 0; s--) this.#freeSlots.push(s);
    const wordsPerBlock = this.#blockSize / 4;
    const blocks = o.queueDepth * this.#ioBlocks;
    if (verify) {
      for (let i = 0; i < blocks; i++) {
        this.#blockWords.push(
          new Uint32Array(mapping.buffer, mapping.byteOffset + i * this.#blockSize, wordsPerBlock),
        );
      }
    }
    this.#verifyReport = {
      enabled: verify,
      blocksChecked: 0,
      blocksUnverified: 0,
      finalPassBlocks: 0,
      mismatches: 0,
      samples: [],
    };
  }

  /** Writes every block of the range once, sequentially. */
  async prefill(): Promise<void> {
    const { startBlock, blockCount } = this.#o;
    let next = 0;
    await this.#phaseRun('prefill', Math.ceil(blockCount / this.#ioBlocks), Infinity, () => {
      if (next >= blockCount) return null;
      const op = {
        read: false,
        lba: startBlock + next,
        blocks: Math.min(this.#ioBlocks, blockCount - next),
      };
      next += op.blocks;
      return op;
    });
  }

  /** The measured run: returns its elapsed time in ms. */
  async run(opsLimit: number, durationMs: number): Promise<number> {
    const { startBlock, blockCount, readPercent, pattern, seed } = this.#o;
    const prng = new Prng(seed);
    const slots = Math.floor(blockCount / this.#ioBlocks);
    let issued = 0;
    let sequential = 0;
    const started = performance.now();
    this.#measuring = true;
    await this.#phaseRun('run', Number.isFinite(opsLimit) ? opsLimit : null, durationMs, () => {
      if (issued >= opsLimit || performance.now() - started >= durationMs) return null;
      issued++;
      const read = prng.below(100) < readPercent;
      const slot = pattern === 'random' ? prng.below(slots) : sequential++ % slots;
      return { read, lba: startBlock + slot * this.#ioBlocks, blocks: this.#ioBlocks };
    });
    this.#measuring = false;
    return performance.now() - started;
  }

  /** Reads back every block the run wrote and checks it. */
  async verifyAll(): Promise<void> {
    const { startBlock, blockCount } = this.#o;
    const chunks: Op[] = [];
    for (let at = 0; at < blockCount; at += this.#ioBlocks) {
      const blocks = Math.min(this.#ioBlocks, blockCount - at);
      let known = false;
      for (let b = at; b < at + blocks && !known; b++) {
        const v = this.#expected[b] as number;
        known = v !== 0 && v !== UNKNOWN;
      }
      if (known) chunks.push({ read: true, lba: startBlock + at, blocks });
    }
    let next = 0;
    await this.#phaseRun('verify', chunks.length, Infinity, () => chunks[next++] ?? null);
  }

  report(elapsedMs: number): WorkloadReport {
    const c = this.#counts;
    const seconds = elapsedMs / 1000;
    return {
      ...c,
      elapsedMs,
      iops: seconds > 0 ? c.ops / seconds : 0,
      mibPerSec: seconds > 0 ? (c.bytesRead + c.bytesWritten) / (1024 * 1024) / seconds : 0,
      latencyUs: this.#latency.summaryUs(),
      errorSamples: [...this.#errorSamples],
      verify: { ...this.#verifyReport, samples: [...this.#verifyReport.samples] },
      aborted: this.aborted,
      options: this.#o,
    };
  }

  // ---- the issuing loop ----------------------------------------------------

  async #phaseRun(
    phase: WorkloadPhase,
    total: number | null,
    durationMs: number,
    next: () => Op | null,
  ): Promise<void> {
    this.#phase = phase;
    this.#phaseDone = 0;
    this.#phaseTotal = total;
    this.#phaseStart = performance.now();
    this.#phaseDuration = durationMs;
    const every = this.#options.progressEvery;
    this.#progressEvery =
      every !== undefined && every >= 1
        ? Math.floor(every)
        : Math.max(1, Math.floor((total ?? 100_000) / 100));
    let pending: Op | null = next();
    while ((pending !== null && this.aborted === null) || this.#inFlight > 0) {
      while (
        pending !== null &&
        this.aborted === null &&
        this.#freeSlots.length > 0 &&
        !this.#conflicts(pending)
      ) {
        this.#issue(pending);
        pending = next();
      }
      if (this.#inFlight === 0) break;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    this.#report();
  }

  #conflicts(op: Op): boolean {
    const first = op.lba - this.#o.startBlock;
    for (let b = first; b < first + op.blocks; b++) {
      if ((this.#writersBusy[b] as number) > 0) return true;
      if (!op.read && (this.#readersBusy[b] as number) > 0) return true;
    }
    return false;
  }

  #issue(op: Op): void {
    const slot = this.#freeSlots.pop() as number;
    const first = op.lba - this.#o.startBlock;
    const busy = op.read ? this.#readersBusy : this.#writersBusy;
    for (let b = first; b < first + op.blocks; b++) busy[b] = (busy[b] as number) + 1;
    if (!op.read) {
      const version = ++this.#version;
      for (let b = 0; b < op.blocks; b++) {
        if (this.#verify)
          fillBlock(
            this.#blockWords[slot * this.#ioBlocks + b] as Uint32Array,
            op.lba + b,
            version,
            this.#o.seed,
          );
        this.#expected[first + b] = version;
      }
    }
    this.#inFlight++;
    const vmoBlock = slot * this.#ioBlocks;
    const started = performance.now();
    const measured = this.#measuring;
    const call = op.read
      ? this.#client.read(this.#vmoid, op.lba, op.blocks, vmoBlock)
      : this.#client.write(this.#vmoid, op.lba, op.blocks, vmoBlock);
    call.then(
      () => this.#done(op, slot, started, measured, null),
      (err: unknown) => this.#done(op, slot, started, measured, err),
    );
  }

  #done(op: Op, slot: number, started: number, measured: boolean, err: unknown): void {
    const first = op.lba - this.#o.startBlock;
    const busy = op.read ? this.#readersBusy : this.#writersBusy;
    for (let b = first; b < first + op.blocks; b++) busy[b] = (busy[b] as number) - 1;
    const bytes = op.blocks * this.#blockSize;
    if (measured) {
      this.#latency.record((performance.now() - started) * 1e6);
      const c = this.#counts;
      c.ops++;
      if (op.read) {
        c.reads++;
        if (err === null) c.bytesRead += bytes;
      } else {
        c.writes++;
        if (err === null) c.bytesWritten += bytes;
      }
    }
    if (err !== null) {
      this.#failed(op, err);
    } else if (op.read && this.#verify) {
      this.#check(op, slot);
    }
    this.#freeSlots.push(slot);
    this.#inFlight--;
    this.#phaseDone++;
    if (this.#phaseDone % this.#progressEvery === 0) this.#report();
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #failed(op: Op, err: unknown): void {
    this.#counts.errors++;
    const status = err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
    if (this.#errorSamples.length < MAX_SAMPLES) {
      this.#errorSamples.push(
        `${this.#phase}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    // A failed write may have landed in part: its blocks are unknown from now on.
    if (!op.read)
      this.#expected.fill(
        UNKNOWN,
        op.lba - this.#o.startBlock,
        op.lba - this.#o.startBlock + op.blocks,
      );
    if (FATAL.has(status) && this.aborted === null) {
      this.aborted = `the client can do no more I/O (${statusName(status)}): ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  #check(op: Op, slot: number): void {
    const report = this.#verifyReport;
    const first = op.lba - this.#o.startBlock;
    for (let b = 0; b < op.blocks; b++) {
      const version = this.#expected[first + b] as number;
      if (version === 0 || version === UNKNOWN) {
        if (this.#phase !== 'verify') report.blocksUnverified++;
        continue;
      }
      report.blocksChecked++;
      if (this.#phase === 'verify') report.finalPassBlocks++;
      const problem = checkBlock(
        this.#blockWords[slot * this.#ioBlocks + b] as Uint32Array,
        op.lba + b,
        version,
        this.#o.seed,
      );
      if (problem !== null) {
        report.mismatches++;
        if (report.samples.length < MAX_SAMPLES) report.samples.push(`${this.#phase}: ${problem}`);
      }
    }
  }

  #report(): void {
    const onProgress = this.#options.onProgress;
    if (onProgress === undefined) return;
    const elapsedMs = performance.now() - this.#phaseStart;
    const total = this.#phaseTotal;
    const byTime = Number.isFinite(this.#phaseDuration) ? elapsedMs / this.#phaseDuration : 0;
    const byOps = total !== null && total > 0 ? this.#phaseDone / total : total === 0 ? 1 : 0;
    onProgress({
      phase: this.#phase,
      done: this.#phaseDone,
      total,
      fraction: Math.min(1, Math.max(byTime, byOps)),
      elapsedMs,
      errors: this.#counts.errors,
    });
  }
}
