// The workload generator against a server in this thread.
import { env } from '@fdf/runtime';
import { Status } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../test/harness.js';
import type { MemoryBlockDevice } from '../test/memoryBlockDevice.js';
import { connectLocal } from './localSession.js';
import { runWorkload, type WorkloadProgress } from './workload.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

/** The device-visible op stream: what determinism is about. */
function opStream(device: MemoryBlockDevice): string[] {
  return device.seen.map((s) => `${s.opcode}:${s.offsetDev}+${s.length}`);
}

describe('runWorkload', () => {
  it('runs a random mixed workload, verifies every read and reads every written block back', async () => {
    const { server } = await startServer({ blockCount: 512 });
    const client = connectLocal(server);
    const progress: WorkloadProgress[] = [];
    const report = await runWorkload(client, {
      ops: 600,
      queueDepth: 16,
      ioSize: 2048,
      readPercent: 50,
      seed: 5,
      prefill: true,
      onProgress: (p) => progress.push(p),
    });
    expect(report).toMatchObject({ ops: 600, errors: 0, aborted: null });
    expect(report.reads + report.writes).toBe(600);
    expect(report.reads).toBeGreaterThan(200);
    expect(report.bytesRead).toBe(report.reads * 2048);
    expect(report.verify.mismatches).toBe(0);
    expect(report.verify.blocksUnverified).toBe(0); // prefill made every block known
    expect(report.verify.finalPassBlocks).toBe(512);
    expect(report.verify.blocksChecked).toBe(report.reads * 4 + 512);
    expect(report.iops).toBeGreaterThan(0);
    expect(report.latencyUs.count).toBe(600);
    expect(report.latencyUs.p50).toBeLessThanOrEqual(report.latencyUs.p99);
    expect(report.latencyUs.p99).toBeLessThanOrEqual(report.latencyUs.p999);
    expect(report.latencyUs.p999).toBeLessThanOrEqual(report.latencyUs.max);
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['prefill', 'run', 'verify']));
    const runProgress = progress.filter((p) => p.phase === 'run');
    expect(runProgress.at(-1)).toMatchObject({ done: 600, total: 600, fraction: 1 });
    expect(runProgress.map((p) => p.done)).toEqual(
      [...runProgress.map((p) => p.done)].sort((a, b) => a - b),
    );
    expect(client.stats.inFlight).toBe(0);
    expect(server.sessions[0]?.attachedVmos).toBe(0); // the workload detached its buffer
  });

  it('issues the same ops for the same seed, and other ops for another seed', async () => {
    const streams: string[][] = [];
    for (const seed of [11, 11, 12]) {
      env.reset();
      const { server, device } = await startServer({ blockCount: 256 });
      await runWorkload(connectLocal(server), { ops: 200, queueDepth: 8, seed, verify: false });
      streams.push(opStream(device));
    }
    expect(streams[0]).toHaveLength(200);
    expect(streams[1]).toEqual(streams[0]);
    expect(streams[2]).not.toEqual(streams[0]);
  });

  it('walks the range in order in sequential mode, wrapping at its end', async () => {
    const { server, device } = await startServer({ blockCount: 256 });
    await runWorkload(connectLocal(server), {
      ops: 10,
      pattern: 'sequential',
      readPercent: 0,
      ioSize: 1024,
      startBlock: 100,
      blockCount: 8,
      queueDepth: 1,
    });
    expect(opStream(device).slice(0, 10)).toEqual(
      [100, 102, 104, 106, 100, 102, 104, 106, 100, 102].map((b) => `2:${b}+2`),
    );
  });

  it('catches a device that loses writes and says which block holds what', async () => {
    const { server, device } = await startServer({ blockCount: 64 });
    const queue = device.queue.bind(device);
    // Block 7 silently keeps its old contents: the write "succeeds" but goes nowhere.
    device.queue = (request, arena) => {
      const op = request.op;
      if (
        op.$tag === 'rw' &&
        op.rw.command.opcode === 2 &&
        op.rw.offsetDev === 7n &&
        op.rw.length === 1
      ) {
        return Promise.resolve({ status: Status.OK, op });
      }
      return queue(request, arena);
    };
    const report = await runWorkload(connectLocal(server), {
      ops: 300,
      queueDepth: 4,
      seed: 3,
      prefill: true,
    });
    expect(report.errors).toBe(0);
    expect(report.verify.mismatches).toBeGreaterThan(0);
    expect(report.verify.samples[0]).toMatch(/block 7: (no workload pattern|holds version)/);
  });

  it('counts failed ops and never verifies blocks a failed write may have touched', async () => {
    const { server, device } = await startServer({ blockCount: 64 });
    device.fault = (op) =>
      op.$tag === 'rw' && op.rw.command.opcode === 2 && op.rw.offsetDev < 8n
        ? Status.ERR_IO
        : Status.OK;
    const report = await runWorkload(connectLocal(server), {
      ops: 200,
      queueDepth: 4,
      seed: 9,
      readPercent: 50,
    });
    expect(report.errors).toBeGreaterThan(0);
    expect(report.errorSamples[0]).toMatch(/run: ZX_ERR_IO: write of 1 blocks at block [0-7] /);
    expect(report.verify.mismatches).toBe(0);
    expect(report.aborted).toBeNull();
  });

  it('runs for a duration when no op count is given', async () => {
    const { server } = await startServer({ blockCount: 128 });
    const report = await runWorkload(connectLocal(server), {
      durationMs: 25,
      queueDepth: 4,
      verify: false,
    });
    expect(report.ops).toBeGreaterThan(0);
    expect(report.elapsedMs).toBeGreaterThanOrEqual(25);
  });

  it('stops early, and says why, when the server goes away mid-run', async () => {
    const { server, device } = await startServer({ blockCount: 128 });
    const client = connectLocal(server);
    let closed = false;
    const report = await runWorkload(client, {
      durationMs: 60_000,
      queueDepth: 4,
      progressEvery: 50,
      onProgress: (p) => {
        if (!closed && p.phase === 'run' && p.done >= 100) {
          closed = true;
          void server.close(Status.ERR_IO_NOT_PRESENT, 'unplugged');
        }
      },
    });
    expect(report.aborted).toMatch(/ZX_ERR_PEER_CLOSED/);
    expect(report.errors).toBeGreaterThan(0);
    expect(report.errors).toBeLessThanOrEqual(4 + 1);
    expect(device.seen.length).toBeGreaterThanOrEqual(100);
  });

  it('refuses options that cannot work, with the reason', async () => {
    const { server } = await startServer({ blockCount: 16 });
    const client = connectLocal(server);
    await expect(runWorkload(client, { queueDepth: 4 })).rejects.toThrow(
      /give ops .* or durationMs/,
    );
    await expect(runWorkload(client, { ops: 1, ioSize: 700 })).rejects.toThrow(
      /multiple of the 512-byte/,
    );
    await expect(runWorkload(client, { ops: 1, queueDepth: 500 })).rejects.toThrow(
      /queueDepth 500/,
    );
    await expect(runWorkload(client, { ops: 1, readPercent: 101 })).rejects.toThrow(/readPercent/);
    await expect(runWorkload(client, { ops: 1, ioSize: 512 * 32 })).rejects.toThrow(/blockCount/);
  });
});
