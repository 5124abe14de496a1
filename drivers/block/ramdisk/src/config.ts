/**
 * The ramdisk's configuration: a plain object (a board manifest's device
 * `config`, or a test's literal), checked by hand so that every mistake is a
 * StatusError naming the field, what it holds and what it should hold.
 */
import { block } from '@fdf/bindings';
import { Status, StatusError } from '@fdf/zx';

/** A run of `count` blocks starting at block `start`. */
export interface BlockRange {
  readonly start: number;
  readonly count: number;
}

/** Which ops a fault applies to. TRIM counts as a write. */
export type FaultDirection = 'read' | 'write' | 'both';

/** READ and/or WRITE ops that touch `blocks` fail with ZX_ERR_IO. */
export interface IoErrorFault {
  readonly blocks: BlockRange;
  /** Default `both`. */
  readonly on?: FaultDirection;
}

/** Extra delay for every Nth op, or for ops that touch `blocks` (give exactly one of the two). */
export interface LatencySpike {
  readonly extraMs: number;
  readonly everyNthOp?: number;
  readonly blocks?: BlockRange;
}

/**
 * The device goes away: the first `afterOps` ops (counted from when the faults
 * were installed) behave normally, every later one fails with
 * ZX_ERR_IO_NOT_PRESENT and the device reports its removal once.
 */
export interface DisappearFault {
  readonly afterOps: number;
}

export interface RamdiskFaults {
  readonly ioErrors?: readonly IoErrorFault[];
  readonly latencySpikes?: readonly LatencySpike[];
  readonly disappear?: DisappearFault;
}

/**
 * A per-op latency and a bandwidth. Latencies of concurrent ops overlap; their
 * transfers share the bandwidth one after another, so a lone op completes
 * `latencyMs + bytes / bandwidth` after it was queued.
 */
export interface RamdiskTiming {
  readonly latencyMs: number;
  /** MiB per second; absent: transfers take no time. */
  readonly bandwidthMiBps?: number;
}

export interface RamdiskConfig {
  /** Bytes per block: a power of two from 1 to 1 MiB. */
  readonly blockSize: number;
  readonly blockCount: number;
  /** Largest transfer in bytes (a multiple of blockSize); default MAX_TRANSFER_UNBOUNDED. */
  readonly maxTransferSize?: number;
  /** Writes and TRIMs fail with ZX_ERR_ACCESS_DENIED. Default false. */
  readonly readOnly?: boolean;
  /** Reported as REMOVABLE. Default false. */
  readonly removable?: boolean;
  /** Reported as BOOTPART. Default false. */
  readonly bootPart?: boolean;
  /** TRIM supported (and reported as TRIM_SUPPORT). Default true. */
  readonly trim?: boolean;
  /** Absent: every op completes before queue returns. */
  readonly timing?: RamdiskTiming;
  readonly faults?: RamdiskFaults;
}

/** The configuration with every default filled in. */
export interface ResolvedRamdiskConfig {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly maxTransferSize: number;
  /** The fdf.block Flag bits the device reports. */
  readonly flags: number;
  readonly timing: RamdiskTiming | null;
  readonly faults: ResolvedFaults;
}

export interface ResolvedFaults {
  readonly ioErrors: readonly Required<IoErrorFault>[];
  readonly latencySpikes: readonly LatencySpike[];
  readonly disappear: DisappearFault | null;
}

export const NO_FAULTS: ResolvedFaults = Object.freeze({
  ioErrors: [],
  latencySpikes: [],
  disappear: null,
});

const MAX_BLOCK_SIZE = 1 << 20;

/** Checks `input` and fills defaults; ERR_INVALID_ARGS or ERR_OUT_OF_RANGE naming the field. */
export function parseRamdiskConfig(
  input: unknown,
  where = 'ramdisk config',
): ResolvedRamdiskConfig {
  const o = record(input, where, [
    'blockSize',
    'blockCount',
    'maxTransferSize',
    'readOnly',
    'removable',
    'bootPart',
    'trim',
    'timing',
    'faults',
  ]);
  const blockSize = integer(o.blockSize, `${where}.blockSize`, 1, MAX_BLOCK_SIZE);
  if ((blockSize & (blockSize - 1)) !== 0) {
    fail(`${where}.blockSize`, `is ${blockSize}, not a power of two; use 512 or 4096`);
  }
  const blockCount = integer(o.blockCount, `${where}.blockCount`, 1, Number.MAX_SAFE_INTEGER);
  let maxTransferSize = block.MAX_TRANSFER_UNBOUNDED;
  if (o.maxTransferSize !== undefined) {
    maxTransferSize = integer(
      o.maxTransferSize,
      `${where}.maxTransferSize`,
      blockSize,
      block.MAX_TRANSFER_UNBOUNDED,
    );
    if (maxTransferSize !== block.MAX_TRANSFER_UNBOUNDED && maxTransferSize % blockSize !== 0) {
      fail(
        `${where}.maxTransferSize`,
        `is ${maxTransferSize}, not a multiple of blockSize ${blockSize}; use a whole number of blocks or ${block.MAX_TRANSFER_UNBOUNDED} (unbounded)`,
      );
    }
  }
  let flags = 0;
  if (bool(o.readOnly, `${where}.readOnly`, false)) flags |= block.Flag.READONLY;
  if (bool(o.removable, `${where}.removable`, false)) flags |= block.Flag.REMOVABLE;
  if (bool(o.bootPart, `${where}.bootPart`, false)) flags |= block.Flag.BOOTPART;
  if (bool(o.trim, `${where}.trim`, true)) flags |= block.Flag.TRIM_SUPPORT;
  return {
    blockSize,
    blockCount,
    maxTransferSize,
    flags,
    timing: o.timing === undefined ? null : parseTiming(o.timing, `${where}.timing`),
    faults:
      o.faults === undefined ? NO_FAULTS : parseFaults(o.faults, blockCount, `${where}.faults`),
  };
}

export function parseTiming(input: unknown, where: string): RamdiskTiming {
  const o = record(input, where, ['latencyMs', 'bandwidthMiBps']);
  const latencyMs = finite(o.latencyMs, `${where}.latencyMs`, 0);
  if (o.bandwidthMiBps === undefined) return { latencyMs };
  const bandwidthMiBps = finite(o.bandwidthMiBps, `${where}.bandwidthMiBps`, 0);
  if (bandwidthMiBps === 0) {
    fail(
      `${where}.bandwidthMiBps`,
      'is 0; give a positive rate, or leave it out for instant transfers',
    );
  }
  return { latencyMs, bandwidthMiBps };
}

/** Checks fault injection settings against a device of `blockCount` blocks. */
export function parseFaults(input: unknown, blockCount: number, where: string): ResolvedFaults {
  const o = record(input, where, ['ioErrors', 'latencySpikes', 'disappear']);
  const ioErrors = list(o.ioErrors, `${where}.ioErrors`).map((item, i) => {
    const at = `${where}.ioErrors[${i}]`;
    const f = record(item, at, ['blocks', 'on']);
    if (f.blocks === undefined) fail(`${at}.blocks`, 'is missing; give { start, count }');
    return { blocks: range(f.blocks, blockCount, `${at}.blocks`), on: direction(f.on, `${at}.on`) };
  });
  const latencySpikes = list(o.latencySpikes, `${where}.latencySpikes`).map((item, i) => {
    const at = `${where}.latencySpikes[${i}]`;
    const s = record(item, at, ['extraMs', 'everyNthOp', 'blocks']);
    const extraMs = finite(s.extraMs, `${at}.extraMs`, 0);
    if ((s.everyNthOp === undefined) === (s.blocks === undefined)) {
      fail(at, 'needs exactly one of everyNthOp and blocks; split it into two spikes for both');
    }
    return s.blocks !== undefined
      ? { extraMs, blocks: range(s.blocks, blockCount, `${at}.blocks`) }
      : {
          extraMs,
          everyNthOp: integer(s.everyNthOp, `${at}.everyNthOp`, 1, Number.MAX_SAFE_INTEGER),
        };
  });
  let disappear: DisappearFault | null = null;
  if (o.disappear !== undefined) {
    const d = record(o.disappear, `${where}.disappear`, ['afterOps']);
    disappear = {
      afterOps: integer(d.afterOps, `${where}.disappear.afterOps`, 0, Number.MAX_SAFE_INTEGER),
    };
  }
  return { ioErrors, latencySpikes, disappear };
}

function range(input: unknown, blockCount: number, where: string): BlockRange {
  const o = record(input, where, ['start', 'count']);
  const start = integer(o.start, `${where}.start`, 0, Number.MAX_SAFE_INTEGER);
  const count = integer(o.count, `${where}.count`, 1, Number.MAX_SAFE_INTEGER);
  if (start + count > blockCount) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `${where}: blocks [${start}, ${start + count}) reach past the device's ${blockCount} blocks; keep start + count <= ${blockCount}`,
    );
  }
  return { start, count };
}

function direction(input: unknown, where: string): FaultDirection {
  if (input === undefined) return 'both';
  if (input === 'read' || input === 'write' || input === 'both') return input;
  return fail(where, `is ${show(input)}; use 'read', 'write' or 'both'`);
}

function record(input: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(where, `is ${show(input)}; give an object with some of: ${keys.join(', ')}`);
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!keys.includes(key)) {
      fail(`${where}.${key}`, `is not a known setting; known: ${keys.join(', ')}`);
    }
  }
  return o;
}

function list(input: unknown, where: string): readonly unknown[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) return fail(where, `is ${show(input)}; give a list`);
  return input;
}

function integer(input: unknown, where: string, min: number, max: number): number {
  if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < min || input > max) {
    fail(where, `is ${show(input)}; give an integer from ${min} to ${max}`);
  }
  return input;
}

function finite(input: unknown, where: string, min: number): number {
  if (typeof input !== 'number' || !Number.isFinite(input) || input < min) {
    fail(where, `is ${show(input)}; give a finite number >= ${min}`);
  }
  return input;
}

function bool(input: unknown, where: string, fallback: boolean): boolean {
  if (input === undefined) return fallback;
  if (typeof input !== 'boolean') fail(where, `is ${show(input)}; give true or false`);
  return input;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return 'an object that cannot be printed';
  }
}

function fail(where: string, what: string): never {
  throw new StatusError(Status.ERR_INVALID_ARGS, `${where} ${what}`);
}
