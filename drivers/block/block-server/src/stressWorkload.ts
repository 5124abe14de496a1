/**
 * `stress`: single requests and transaction groups, seeded, several lanes in
 * flight, for the reliability tests (faults injected below, ops split by
 * block-core and fvm). What it proves, from the client's side:
 *
 * - every call it made settled exactly once: calls issued == calls settled
 *   == the client's sent == its completed (a response, not a lost server),
 *   no response the client could not match, and the server's session saw
 *   exactly the requests written and answered each call once;
 * - data written is data read: a block whose last write succeeded holds
 *   that write, checked on reads during the run and by a final pass. A
 *   failed write (or group) makes its blocks unknown: part may have landed.
 *
 * Lanes own disjoint parts of the range, one call in flight each, so what a
 * block should hold is never ambiguous; a group's members use distinct
 * chunks of their lane, since they run concurrently on the device.
 */
import type { WorkloadParams, WorkloadResult } from '@fdf/framework';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { checkBlock, fillBlock } from './blockPattern.js';
import type { BlockClient, BlockRequestSpec } from './client.js';
import type { ClientContext } from './clientWorkloads.js';
import { counted, newCallCounts, statusOf, type CallCounts } from './countingTarget.js';
import { Prng } from './prng.js';
import { ProgressCell, ReportCell } from './sharedCells.js';
import { flag, int, range } from './workloadParams.js';

const UNKNOWN = 0xffff_ffff;
const NAME = 'stress';

interface Member {
  readonly read: boolean;
  /** Chunk index within the lane. */
  readonly chunk: number;
  readonly version: number;
}

interface Plan {
  readonly start: number;
  readonly lanes: number;
  readonly laneChunks: number;
  readonly ioBlocks: number;
  readonly blockSize: number;
  readonly maxGroup: number;
  readonly seed: number;
}

export interface StressReport {
  units: number;
  groups: number;
  singles: number;
  requests: number;
  calls: CallCounts;
  client: BlockClient['stats'];
  server: Record<string, number> | null;
  blocksChecked: number;
  mismatches: number;
  samples: string[];
  /** Each reason the exactly-once accounting does not add up; empty when it does. */
  accounting: string[];
}

export async function stressWorkload(
  ctx: ClientContext,
  params: WorkloadParams,
): Promise<WorkloadResult> {
  const blockSize = ctx.info.blockSize;
  const target = range(NAME, params, ctx.info);
  const units = int(NAME, params, 'ops', 1000, 1);
  const lanes = int(NAME, params, 'queueDepth', 8, 1, 32);
  const ioSize = int(NAME, params, 'ioSize', 8192, blockSize, 1024 * 1024);
  const groupPercent = int(NAME, params, 'groupPercent', 30, 0, 100);
  const maxGroup = int(NAME, params, 'maxGroup', 4, 2, 8);
  const readPercent = int(NAME, params, 'readPercent', 40, 0, 100);
  const seed = int(NAME, params, 'seed', 1, 0, 0xffff_ffff);
  const tolerateErrors = flag(NAME, params, 'tolerateErrors', true);
  const progress = ProgressCell.from(params['progress'], `workload '${NAME}'`);
  const report = ReportCell.from(params['report'], `workload '${NAME}'`);
  if (ioSize % blockSize !== 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${NAME}': ioSize ${ioSize} is not a multiple of the ${blockSize}-byte block`,
    );
  }
  const ioBlocks = ioSize / blockSize;
  const laneChunks = Math.floor(target.count / lanes / ioBlocks);
  if (laneChunks < maxGroup) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${NAME}': ${target.count} blocks in ${lanes} lanes leave ${laneChunks} chunks of ${ioBlocks} blocks per lane, fewer than maxGroup ${maxGroup}; give more blocks, fewer lanes or smaller I/O`,
    );
  }
  const plan: Plan = {
    start: target.start,
    lanes,
    laneChunks,
    ioBlocks,
    blockSize,
    maxGroup,
    seed,
  };

  return ctx.session(async (client, control) => {
    const vmo = Vmo.create(lanes * maxGroup * ioSize);
    const mapping = vmo.view();
    const vmoid = await client.attachVmo(vmo);
    const state = new StressState(plan, client, vmoid, mapping);
    const perLane = (lane: number): number =>
      Math.floor(units / lanes) + (lane < units % lanes ? 1 : 0);
    await Promise.all(
      Array.from({ length: lanes }, (_, lane) =>
        state.runLane(lane, perLane(lane), groupPercent, readPercent, () =>
          progress?.publish('run', state.unitsDone, units, state.calls.failed),
        ),
      ),
    );
    progress?.publish('verify', 0, null, state.calls.failed);
    if (state.usable) await state.finalPass();
    // Stats before anything else goes through the FIFO (no CLOSE_VMO: the session's end frees it).
    const server = state.usable ? await control.getStats().catch(() => null) : null;
    const r = state.report(client, server);
    progress?.publish('done', state.unitsDone, units, state.calls.failed);
    report?.write({ workload: NAME, ...r });
    const statuses = Object.entries(r.calls.byStatus)
      .filter(([s]) => s !== 'ZX_OK')
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const summary = `${r.units} units (${r.groups} groups, ${r.singles} single requests; ${r.requests} requests): ${r.calls.ok} OK, ${r.calls.failed} failed${statuses === '' ? '' : ` (${statuses})`}; ${r.accounting.length === 0 ? 'each answered exactly once' : `ACCOUNTING BROKEN: ${r.accounting.join('; ')}`}; ${r.blocksChecked} blocks verified, ${r.mismatches} mismatches`;
    if (r.mismatches > 0) {
      throw new StatusError(
        Status.ERR_IO_DATA_INTEGRITY,
        `${summary}; first: ${r.samples.join('; ')}`,
      );
    }
    if (r.accounting.length > 0) throw new StatusError(Status.ERR_INTERNAL, summary);
    if (!tolerateErrors && r.calls.failed > 0) throw new StatusError(Status.ERR_IO, summary);
    return { ops: r.units, summary };
  });
}

class StressState {
  readonly calls = newCallCounts();
  readonly #plan: Plan;
  readonly #client: BlockClient;
  readonly #vmoid: number;
  readonly #mapping: Uint8Array;
  /** Per block of the lanes: the version it holds (0: never written, UNKNOWN: a write failed). */
  readonly #expected: Uint32Array;
  unitsDone = 0;
  #groups = 0;
  #singles = 0;
  #requests = 0;
  #checked = 0;
  #mismatches = 0;
  readonly #samples: string[] = [];
  #fatal = false;

  constructor(plan: Plan, client: BlockClient, vmoid: number, mapping: Uint8Array) {
    this.#plan = plan;
    this.#client = client;
    this.#vmoid = vmoid;
    this.#mapping = mapping;
    this.#expected = new Uint32Array(plan.lanes * plan.laneChunks * plan.ioBlocks);
  }

  /** False once the session can do no more I/O (the server went away). */
  get usable(): boolean {
    return !this.#fatal;
  }

  async runLane(
    lane: number,
    units: number,
    groupPercent: number,
    readPercent: number,
    onUnit: () => void,
  ): Promise<void> {
    const p = this.#plan;
    const prng = new Prng((p.seed ^ Math.imul(lane + 1, 0x9e37_79b1)) >>> 0);
    let version = lane * 0x0100_0000;
    for (let u = 0; u < units && !this.#fatal; u++) {
      const size = prng.below(100) < groupPercent ? 2 + prng.below(p.maxGroup - 1) : 1;
      const taken = new Set<number>();
      const members: Member[] = [];
      for (let m = 0; m < size; m++) {
        let chunk = prng.below(p.laneChunks);
        while (taken.has(chunk)) chunk = (chunk + 1) % p.laneChunks;
        taken.add(chunk);
        const read = prng.below(100) < readPercent;
        members.push({ read, chunk, version: read ? 0 : ++version });
      }
      await this.#unit(lane, members);
      this.unitsDone++;
      onUnit();
    }
  }

  /** Reads every chunk that holds a known write and checks it. */
  async finalPass(): Promise<void> {
    const p = this.#plan;
    for (let lane = 0; lane < p.lanes && !this.#fatal; lane++) {
      for (let chunk = 0; chunk < p.laneChunks && !this.#fatal; chunk++) {
        const first = (lane * p.laneChunks + chunk) * p.ioBlocks;
        const known = this.#expected
          .subarray(first, first + p.ioBlocks)
          .some((v) => v !== 0 && v !== UNKNOWN);
        if (known) await this.#unit(lane, [{ read: true, chunk, version: 0 }]);
      }
    }
  }

  report(client: BlockClient, server: Record<string, number> | null): StressReport {
    const c = this.calls;
    const s = client.stats;
    const accounting: string[] = [];
    if (c.settled !== c.issued) accounting.push(`${c.issued} calls issued, ${c.settled} settled`);
    if (s.unexpectedResponses !== 0) {
      accounting.push(`${s.unexpectedResponses} responses matched no outstanding call`);
    }
    if (!this.#fatal) {
      if (s.sent !== c.issued) accounting.push(`${c.issued} calls issued, ${s.sent} sent`);
      if (s.completed !== s.sent) accounting.push(`${s.sent} sent, ${s.completed} answered`);
      if (server !== null) {
        if (server['requests'] !== this.#requests) {
          accounting.push(
            `${this.#requests} requests written, the server read ${server['requests']}`,
          );
        }
        if (server['responses'] !== s.sent) {
          accounting.push(`${s.sent} calls, the server sent ${server['responses']} responses`);
        }
      }
    }
    return {
      units: this.unitsDone,
      groups: this.#groups,
      singles: this.#singles,
      requests: this.#requests,
      calls: { ...c, byStatus: { ...c.byStatus } },
      client: s,
      server,
      blocksChecked: this.#checked,
      mismatches: this.#mismatches,
      samples: [...this.#samples],
      accounting,
    };
  }

  async #unit(lane: number, members: readonly Member[]): Promise<void> {
    const p = this.#plan;
    const specs: BlockRequestSpec[] = members.map((m, slot) => {
      const vmoBlock = (lane * p.maxGroup + slot) * p.ioBlocks;
      if (!m.read) {
        for (let b = 0; b < p.ioBlocks; b++) {
          fillBlock(this.#words(vmoBlock + b), this.#lba(lane, m.chunk) + b, m.version, p.seed);
        }
      }
      return {
        op: m.read ? 'read' : 'write',
        vmoid: this.#vmoid,
        devOffset: this.#lba(lane, m.chunk),
        length: p.ioBlocks,
        vmoOffset: vmoBlock,
      };
    });
    this.#requests += specs.length;
    if (specs.length > 1) this.#groups++;
    else this.#singles++;
    const call: Promise<unknown> =
      specs.length > 1
        ? this.#client.group(specs)
        : this.#client.submit(specs[0] as BlockRequestSpec);
    let status: Status = Status.OK;
    try {
      await counted(this.calls, call);
    } catch (err) {
      status = statusOf(err);
      if (status === Status.ERR_PEER_CLOSED || status === Status.ERR_CANCELED) this.#fatal = true;
    }
    members.forEach((m, slot) => {
      const first = (lane * p.laneChunks + m.chunk) * p.ioBlocks;
      if (!m.read) {
        this.#expected.fill(status === Status.OK ? m.version : UNKNOWN, first, first + p.ioBlocks);
      } else if (status === Status.OK) {
        this.#check(lane, m.chunk, (lane * p.maxGroup + slot) * p.ioBlocks);
      }
    });
  }

  #check(lane: number, chunk: number, vmoBlock: number): void {
    const p = this.#plan;
    const first = (lane * p.laneChunks + chunk) * p.ioBlocks;
    for (let b = 0; b < p.ioBlocks; b++) {
      const version = this.#expected[first + b] as number;
      if (version === 0 || version === UNKNOWN) continue;
      this.#checked++;
      const problem = checkBlock(
        this.#words(vmoBlock + b),
        this.#lba(lane, chunk) + b,
        version,
        p.seed,
      );
      if (problem === null) continue;
      this.#mismatches++;
      if (this.#samples.length < 10) this.#samples.push(problem);
    }
  }

  #lba(lane: number, chunk: number): number {
    const p = this.#plan;
    return p.start + (lane * p.laneChunks + chunk) * p.ioBlocks;
  }

  #words(vmoBlock: number): Uint32Array {
    const bs = this.#plan.blockSize;
    return new Uint32Array(this.#mapping.buffer, this.#mapping.byteOffset + vmoBlock * bs, bs / 4);
  }
}
