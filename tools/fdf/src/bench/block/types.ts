/**
 * What the block benchmark's pieces share: the four configurations of the
 * RFC's preliminary experiment, the matrix of cells, and the record written
 * for each cell.
 */

/**
 * - banjo: Banjo function tables, direct calls (the floor);
 * - driver: Driver transport, every driver in one host, inlining on (the RFC's design);
 * - driver-queued: the same, every hand-over queued to the run loop (the RFC's "shared dispatcher loop");
 * - channel: Channel transport, every driver in its own host (the RFC's "per driver threads").
 */
export const BLOCK_CONFIGS = ['banjo', 'driver', 'driver-queued', 'channel'] as const;
export type BlockConfig = (typeof BLOCK_CONFIGS)[number];

/** The configurations whose stack runs in one host (one worker thread). */
export type InHostConfig = Exclude<BlockConfig, 'channel'>;

export type BlockOpKind = 'read' | 'write';

/** One cell of the matrix. */
export interface BlockCell {
  readonly op: BlockOpKind;
  /** Bytes per op (the I/O size, not the device's block size). */
  readonly ioSize: number;
  readonly queueDepth: number;
}

/** One `--json` record: exactly these fields, one per (config, op, size, queue depth). */
export interface BlockRecord {
  config: BlockConfig;
  op: BlockOpKind;
  /** Bytes per op: 4096 or 131072. */
  blockSize: number;
  queueDepth: number;
  iops: number;
  mibPerSec: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  /** Process CPU time (every thread: client, hosts, GC) per completed op. */
  cpuUsPerOp: number;
}

/** Hand-over counts of one dispatcher, as a host reports them at the end. */
export interface DispatcherReport {
  name: string;
  processed: number;
  inlined: number;
  notInlined: Record<string, number>;
}

/** What a host posts once the client is done with it. */
export interface HostReport {
  dispatchers: DispatcherReport[];
  /** Ops zxcrypt had to hold until its shadow VMO had room (0 without zxcrypt). */
  shadowWaits: number;
}
