/**
 * What the `fdf block` commands print, from the reports block-client writes
 * into its report cell. Pure functions, so the layout is tested without a
 * board.
 */

/** The parts of a block-client `rw` report the commands print. */
export interface RwReport {
  ops: number;
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  elapsedMs: number;
  iops: number;
  mibPerSec: number;
  latencyUs: {
    count: number;
    min: number;
    mean: number;
    p50: number;
    p99: number;
    p999: number;
    max: number;
  };
  errors: number;
  errorSamples: string[];
  verify: {
    enabled: boolean;
    blocksChecked: number;
    blocksUnverified: number;
    finalPassBlocks: number;
    mismatches: number;
    samples: string[];
  };
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
  checksum: string | null;
  calls: { issued: number; settled: number; ok: number; failed: number };
}

export interface InfoReport {
  blockCount: string;
  blockSize: number;
  maxTransferSize: number;
  flags: string[];
}

function us(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(0)} us`;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1048576).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} B`;
}

export function formatInfo(info: InfoReport, served: string, client: string): string {
  const bytes = Number(info.blockCount) * info.blockSize;
  return [
    `device      ${served}`,
    `client      ${client}`,
    `blocks      ${info.blockCount} x ${info.blockSize} B (${size(bytes)})`,
    `transfer    ${info.maxTransferSize === 0xffff_ffff ? 'unbounded' : size(info.maxTransferSize)}`,
    `flags       ${info.flags.join(' | ') || 'none'}`,
    '',
  ].join('\n');
}

/** The bench table: throughput, latency percentiles, errors and what was verified. */
export function formatRw(r: RwReport): string {
  const o = r.options;
  const l = r.latencyUs;
  const lines = [
    `workload    ${o.pattern} ${size(o.ioSize)}, ${o.readPercent}% reads, QD ${o.queueDepth}, seed ${o.seed}, blocks ${o.startBlock}..${o.startBlock + o.blockCount - 1}`,
    `ops         ${r.ops} (${r.reads} reads, ${r.writes} writes) in ${r.elapsedMs.toFixed(1)} ms`,
    `throughput  ${Math.round(r.iops)} IOPS, ${r.mibPerSec.toFixed(1)} MiB/s`,
    `latency     min ${us(l.min)}  mean ${us(l.mean)}  p50 ${us(l.p50)}  p99 ${us(l.p99)}  p99.9 ${us(l.p999)}  max ${us(l.max)}`,
    `errors      ${r.errors}${r.errorSamples.length > 0 ? ` (first: ${r.errorSamples[0]})` : ''}`,
  ];
  if (r.aborted !== null) lines.push(`aborted     ${r.aborted}`);
  lines.push(
    r.verify.enabled
      ? `verified    ${r.verify.mismatches === 0 ? 'OK' : 'FAILED'}: ${r.verify.blocksChecked} blocks checked (${r.verify.finalPassBlocks} in the final pass), ${r.verify.mismatches} mismatches, ${r.verify.blocksUnverified} read before any write`
      : 'verified    no (pass --verify to check every read and every written block)',
  );
  for (const s of r.verify.samples) lines.push(`  ${s}`);
  if (r.checksum !== null) lines.push(`digest      ${r.checksum}`);
  return `${lines.join('\n')}\n`;
}

/** `offset: 16 hex bytes  |ascii|`, at most `limit` bytes, like `hexdump -C`. */
export function hexdump(bytes: Uint8Array, startOffset: number, limit = 512): string {
  const lines: string[] = [];
  const shown = Math.min(bytes.length, limit);
  for (let at = 0; at < shown; at += 16) {
    const row = bytes.subarray(at, Math.min(at + 16, shown));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row]
      .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'))
      .join('');
    lines.push(
      `${(startOffset + at).toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`,
    );
  }
  if (bytes.length > shown)
    lines.push(`... ${bytes.length - shown} more bytes (use --out to save them all)`);
  return `${lines.join('\n')}\n`;
}
