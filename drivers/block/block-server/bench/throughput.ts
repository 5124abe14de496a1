// Throughput and latency of the FIFO path, client and block-server in one
// thread and across two worker threads, over the memory device of the tests.
// Run: pnpm --filter @fdf/block-server bench   (tsx bench/throughput.ts)
import { env } from '@fdf/runtime';
import { startWorker, transferHandle, workerExit, workerMessage, ZxChannel } from '@fdf/zx';
import { BlockServer } from '../src/blockServer.js';
import { BlockClient } from '../src/client.js';
import { connectLocal } from '../src/localSession.js';
import { runWorkload, type WorkloadOptions, type WorkloadReport } from '../src/workload.js';
import { MemoryBlockDevice } from '../test/memoryBlockDevice.js';

const BLOCKS = 16_384; // 8 MiB of 512-byte blocks
const cases: [string, WorkloadOptions][] = [
  ['4K rand read  QD1 ', { ioSize: 4096, readPercent: 100, queueDepth: 1 }],
  ['4K rand read  QD32', { ioSize: 4096, readPercent: 100, queueDepth: 32 }],
  ['4K rand write QD32', { ioSize: 4096, readPercent: 0, queueDepth: 32 }],
  ['4K rand 70/30 QD32', { ioSize: 4096, readPercent: 70, queueDepth: 32 }],
  ['64K seq read  QD8 ', { ioSize: 65536, readPercent: 100, queueDepth: 8, pattern: 'sequential' }],
];
const durationMs = Number(process.env['BENCH_MS'] ?? 1500);

function line(where: string, name: string, r: WorkloadReport): string {
  const l = r.latencyUs;
  return `${where.padEnd(12)} ${name}  ${r.iops.toFixed(0).padStart(7)} IOPS ${r.mibPerSec.toFixed(1).padStart(7)} MiB/s  p50 ${l.p50.toFixed(1).padStart(7)} µs  p99 ${l.p99.toFixed(1).padStart(7)} µs  p99.9 ${l.p999.toFixed(1).padStart(7)} µs  errors ${r.errors} mismatches ${r.verify.mismatches}`;
}

async function run(where: string, client: BlockClient): Promise<void> {
  for (const [name, opts] of cases) {
    const report = await runWorkload(client, {
      ...opts,
      durationMs,
      seed: 1,
      verify: true,
      prefill: false,
    });
    console.log(line(where, name, report));
  }
}

// One thread: the client and the server share the event loop and the runtime.
{
  const device = new MemoryBlockDevice({ blockCount: BLOCKS, blockSize: 512 });
  const dispatcher = env.createDispatcherWithOwner(
    { name: 'block-server' },
    { name: 'block-server' },
  );
  const server = await BlockServer.create(device, { dispatcher });
  const client = connectLocal(server);
  await run('same thread', client);
  await client.close();
}

// Two threads: block-server in its own driver host.
{
  const [mine, theirs] = ZxChannel.create();
  const { descriptor, transferList } = transferHandle(theirs);
  const host = new URL('../test/workers/blockServerHost.ts', import.meta.url);
  const worker = startWorker(
    host,
    { channel: descriptor, blockCount: BLOCKS, blockSize: 512 },
    transferList,
  );
  const client = await BlockClient.connect(mine);
  await run('two hosts', client);
  await client.close();
  const done = workerMessage(worker);
  mine.close();
  await done;
  await workerExit(worker);
}
