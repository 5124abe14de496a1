/**
 * The workloads block-client offers, each on a fresh session of the
 * block-server it is bound to:
 *
 *   rw     the verified random read/write workload (runWorkload); with
 *          prefill, then a digest of the range. Its summary and checksum
 *          depend only on the params: equal on every board of the stack.
 *   fill   writes the workload pattern (seed, version 1) over a range;
 *   check  reads a range back and checks that pattern (e.g. after a crash);
 *   info   the device's geometry;
 *   read   reads blocks into a VMO the caller shares (or a new one): digest;
 *   write  writes blocks from a VMO the caller shares (or the pattern).
 *
 * Timing (IOPS, latency) never enters a summary: it goes to the driver's log
 * and to the `report` cell a program may pass (sharedCells.ts).
 */
import { createHash } from 'node:crypto';
import type { DriverLogger, WorkloadParams, WorkloadResult } from '@fdf/framework';
import { Status, StatusError, Vmo, statusName } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';
import type { BlockClient } from './client.js';
import type { ChannelSessionControl } from './controlClient.js';
import { countingTarget, newCallCounts } from './countingTarget.js';
import { checkRange, digestRange, fillRange, withChunks } from './rangeIo.js';
import { ProgressCell, ReportCell } from './sharedCells.js';
import { runWorkload, type WorkloadReport } from './workload.js';
import { callerVmo, choice, flag, int, range } from './workloadParams.js';

/** What a workload gets from the driver. */
export interface ClientContext {
  readonly info: BlockInfo;
  readonly logger: DriverLogger;
  /** Runs `fn` on a new session; the session ends when it settles. */
  session<T>(fn: (client: BlockClient, control: ChannelSessionControl) => Promise<T>): Promise<T>;
}

function cells(workload: string, params: WorkloadParams) {
  return {
    progress: ProgressCell.from(params['progress'], `workload '${workload}'`),
    report: ReportCell.from(params['report'], `workload '${workload}'`),
  };
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** The timing of a run, for the log and the report: never part of a summary. */
export function timingLine(r: WorkloadReport): string {
  const l = r.latencyUs;
  return `${r.ops} ops in ${r.elapsedMs.toFixed(1)} ms: ${Math.round(r.iops)} IOPS, ${r.mibPerSec.toFixed(1)} MiB/s; latency us p50 ${l.p50.toFixed(0)}, p99 ${l.p99.toFixed(0)}, max ${l.max.toFixed(0)}`;
}

export async function rwWorkload(
  ctx: ClientContext,
  params: WorkloadParams,
): Promise<WorkloadResult> {
  const name = 'rw';
  const blockSize = ctx.info.blockSize;
  const { start, count } = range(name, params, ctx.info);
  const opts = {
    ops: int(
      name,
      params,
      'ops',
      params['durationMs'] === undefined ? 2000 : Number.MAX_SAFE_INTEGER,
      0,
    ),
    ioSize: int(name, params, 'ioSize', 4096, blockSize, 16 * 1024 * 1024),
    queueDepth: int(name, params, 'queueDepth', 8, 1, 102),
    readPercent: int(name, params, 'readPercent', 50, 0, 100),
    seed: int(name, params, 'seed', 1, 0, 0xffff_ffff),
    pattern: choice(name, params, 'pattern', ['random', 'sequential'] as const, 'random'),
    prefill: flag(name, params, 'prefill', false),
    verify: flag(name, params, 'verify', true),
    startBlock: start,
    blockCount: count,
    ...(params['durationMs'] === undefined
      ? {}
      : { durationMs: int(name, params, 'durationMs', 0, 1, 3_600_000) }),
  };
  // Blocks the run never wrote hold whatever the disk had (under zxcrypt, the decryption of
  // zeros with this boot's random data key), so a digest is only reproducible over a prefilled range.
  const digest = flag(name, params, 'digest', opts.prefill);
  const tolerateErrors = flag(name, params, 'tolerateErrors', false);
  const { progress, report } = cells(name, params);

  return ctx.session(async (client) => {
    const counts = newCallCounts();
    const r = await runWorkload(countingTarget(client, counts), {
      ...opts,
      ...(progress === null
        ? {}
        : { onProgress: (p) => progress.publish(p.phase, p.done, p.total, p.errors) }),
    });
    let checksum: string | undefined;
    if (digest && r.aborted === null) {
      progress?.publish('digest', 0, count, r.errors);
      checksum = await withChunks(client, (io) =>
        digestRange(io, { start, count }, (done) =>
          progress?.publish('digest', done, count, r.errors),
        ),
      );
    }
    progress?.publish('done', r.ops, r.ops, r.errors);
    const clientStats = client.stats;
    const ok = r.verify.mismatches === 0 && r.errors === 0 && r.aborted === null;
    report?.write({
      workload: name,
      ...r,
      checksum: checksum ?? null,
      calls: counts,
      client: clientStats,
    });
    ctx.logger.info(`${name}: ${timingLine(r)}`);
    const verdict = !opts.verify
      ? 'not verified'
      : ok
        ? 'verification OK'
        : r.verify.mismatches > 0
          ? 'verification FAILED'
          : 'verified with errors';
    const summary = `${r.ops} ops (${r.reads} reads, ${r.writes} writes) of ${kib(opts.ioSize)} at QD ${opts.queueDepth}, seed ${opts.seed}: ${verdict} (${r.verify.blocksChecked} blocks checked, ${r.verify.mismatches} mismatches, ${r.errors} errors)`;
    if (r.verify.mismatches > 0) {
      throw new StatusError(
        Status.ERR_IO_DATA_INTEGRITY,
        `${summary}; first: ${r.verify.samples.join('; ')}`,
      );
    }
    if (!tolerateErrors && (r.errors > 0 || r.aborted !== null)) {
      throw new StatusError(
        Status.ERR_IO,
        `${summary}${r.aborted === null ? '' : `; aborted: ${r.aborted}`}; first errors: ${r.errorSamples.slice(0, 3).join('; ')}`,
      );
    }
    return { ops: r.ops, summary, ...(checksum === undefined ? {} : { checksum }) };
  });
}

export function fillWorkload(ctx: ClientContext, params: WorkloadParams): Promise<WorkloadResult> {
  const target = range('fill', params, ctx.info);
  const seed = int('fill', params, 'seed', 1, 0, 0xffff_ffff);
  const { progress, report } = cells('fill', params);
  return ctx.session((client) =>
    withChunks(client, async (io) => {
      await fillRange(io, target, seed, (done) => progress?.publish('run', done, target.count, 0));
      progress?.publish('done', target.count, target.count, 0);
      report?.write({ workload: 'fill', ...target, seed });
      return {
        ops: Math.ceil(target.count / io.chunkBlocks),
        summary: `wrote the pattern of seed ${seed} to blocks ${target.start}..${target.start + target.count - 1}`,
      };
    }),
  );
}

export function checkWorkload(ctx: ClientContext, params: WorkloadParams): Promise<WorkloadResult> {
  const target = range('check', params, ctx.info);
  const seed = int('check', params, 'seed', 1, 0, 0xffff_ffff);
  const { progress, report } = cells('check', params);
  return ctx.session((client) =>
    withChunks(client, async (io) => {
      const r = await checkRange(io, target, seed, (done) =>
        progress?.publish('verify', done, target.count, 0),
      );
      progress?.publish('done', target.count, target.count, 0);
      report?.write({ workload: 'check', ...target, seed, ...r });
      const summary = `blocks ${target.start}..${target.start + target.count - 1} hold the pattern of seed ${seed}: ${r.mismatches === 0 ? 'OK' : 'FAILED'} (${r.checked} checked, ${r.mismatches} mismatches)`;
      if (r.mismatches > 0) {
        throw new StatusError(
          Status.ERR_IO_DATA_INTEGRITY,
          `${summary}; first: ${r.samples.join('; ')}`,
        );
      }
      return { ops: Math.ceil(target.count / io.chunkBlocks), summary };
    }),
  );
}

export function infoWorkload(ctx: ClientContext, params: WorkloadParams): Promise<WorkloadResult> {
  const { report } = cells('info', params);
  const i = ctx.info;
  const flags = [
    ['READONLY', 1],
    ['REMOVABLE', 2],
    ['BOOTPART', 4],
    ['TRIM_SUPPORT', 8],
  ]
    .filter(([, bit]) => (i.flags & (bit as number)) !== 0)
    .map(([n]) => n);
  const bytes = Number(i.blockCount) * i.blockSize;
  report?.write({
    workload: 'info',
    blockCount: i.blockCount.toString(),
    blockSize: i.blockSize,
    maxTransferSize: i.maxTransferSize,
    flags,
  });
  const transfer = i.maxTransferSize === 0xffff_ffff ? 'unbounded' : `${i.maxTransferSize} B`;
  return Promise.resolve({
    ops: 0,
    summary: `${i.blockCount} blocks of ${i.blockSize} B (${(bytes / 1048576).toFixed(2)} MiB), max transfer ${transfer}, flags ${flags.join('|') || 'none'}`,
  });
}

/** `read` and `write`: `offset` and `count` in blocks, data in the caller's VMO (`buffer`) or a new one. */
export function transferWorkload(
  ctx: ClientContext,
  op: 'read' | 'write',
  params: WorkloadParams,
): Promise<WorkloadResult> {
  const target = range(op, params, ctx.info, { start: 'offset', count: 'count' });
  const bytes = target.count * ctx.info.blockSize;
  const given = callerVmo(op, params, 'buffer');
  if (given !== null && given.size < bytes) {
    throw new StatusError(
      Status.ERR_BUFFER_TOO_SMALL,
      `workload '${op}': the buffer VMO has ${given.size} bytes, ${target.count} blocks need ${bytes}; pass a larger VMO or fewer blocks`,
    );
  }
  if (given === null && op === 'write') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      "workload 'write': give the data as a buffer VMO (a program's param); use 'fill' to write the pattern from a board file",
    );
  }
  const vmo = given ?? Vmo.create(bytes);
  const mapping = vmo.view(0, bytes);
  return ctx.session(async (client) => {
    const vmoid = await client.attachVmo(vmo);
    try {
      if (op === 'read') await client.read(vmoid, target.start, target.count);
      else await client.write(vmoid, target.start, target.count);
    } catch (err) {
      const status = err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
      throw new StatusError(
        status,
        `${op} of ${target.count} blocks at block ${target.start} failed with ${statusName(status)}: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      await client.detachVmo(vmoid).catch(() => undefined);
    }
    const checksum = createHash('sha256').update(mapping).digest('hex').slice(0, 16);
    return {
      ops: 1,
      summary: `${op === 'read' ? 'read' : 'wrote'} ${target.count} blocks at block ${target.start} (${bytes} B)`,
      checksum,
    };
  });
}
