// block-server in a worker thread (its own driver host), the client in this thread:
// a real cross-isolate FIFO, control channel and shared VMOs.
import { threadId } from 'node:worker_threads';
import { Status, startWorker, transferHandle, workerExit, workerMessage, ZxChannel } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { BlockClient } from '../src/client.js';
import { runWorkload } from '../src/workload.js';
import { rejectsWith } from './harness.js';

const host = new URL('./workers/blockServerHost.ts', import.meta.url);

function startHost(extra: Record<string, unknown> = {}) {
  const [mine, theirs] = ZxChannel.create();
  const { descriptor, transferList } = transferHandle(theirs);
  const worker = startWorker(
    host,
    { channel: descriptor, blockCount: 2048, blockSize: 512, ...extra },
    transferList,
  );
  return { mine, worker };
}

interface HostReport {
  stats: {
    sessionsOpened: number;
    sessionsOpen: number;
    totals: {
      requests: number;
      responses: number;
      failedResponses: number;
      discardedResponses: number;
    };
  };
  deviceOps: number;
  maxDeviceInFlight: number;
  threadId: number;
}

describe('across driver hosts', () => {
  it('runs a verified workload against block-server in another worker', async () => {
    const { mine, worker } = startHost();
    const client = await BlockClient.connect(mine);
    expect(client.info()).toMatchObject({ blockCount: 2048n, blockSize: 512 });
    const report = await runWorkload(client, {
      ops: 4000,
      queueDepth: 32,
      ioSize: 4096,
      readPercent: 60,
      seed: 2024,
      prefill: true,
    });
    expect(report).toMatchObject({ ops: 4000, errors: 0, aborted: null });
    expect(report.verify).toMatchObject({
      mismatches: 0,
      blocksUnverified: 0,
      finalPassBlocks: 2048,
    });
    expect(report.verify.blocksChecked).toBe(report.reads * 8 + 2048);
    const fifoRequests = client.stats.sent;
    await client.close();
    const done = workerMessage<HostReport>(worker);
    mine.close();
    const host = await done;
    expect(host.threadId).not.toBe(threadId);
    expect(host.stats).toMatchObject({ sessionsOpened: 1, sessionsOpen: 0 });
    // Every request the client sent was answered, none failed, none discarded (CLOSE_VMO included).
    expect(host.stats.totals).toMatchObject({
      requests: fifoRequests,
      responses: fifoRequests,
      failedResponses: 0,
      discardedResponses: 0,
    });
    expect(host.deviceOps).toBe(fifoRequests - 1); // all but the CLOSE_VMO reached the device
    expect(host.maxDeviceInFlight).toBeGreaterThan(1);
    expect(await workerExit(worker)).toBe(0);
  });

  it('fails every pending op with ERR_PEER_CLOSED when the server host dies', async () => {
    const { mine, worker } = startHost({ hold: true, parkAfter: 5 });
    const parked = workerMessage<{ parked: number }>(worker);
    const client = await BlockClient.connect(mine);
    // Handlers are attached at once: the rejections come together when the host dies.
    const ops = Array.from({ length: 5 }, (_, i) =>
      rejectsWith(client.trim(i, 1), Status.ERR_PEER_CLOSED),
    );
    expect(await parked).toEqual({ parked: 5 });
    await worker.terminate();
    await Promise.all(ops);
    await rejectsWith(client.flush(), Status.ERR_PEER_CLOSED);
    mine.close();
  });
});
