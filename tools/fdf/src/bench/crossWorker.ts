/**
 * Round trips to another worker thread (another driver host): over the
 * zircon-channel analog and, as its floor, over a bare MessagePort.
 */
import { MessageChannel } from 'node:worker_threads';
import { startWorker, transferHandle, workerExit, ZxChannel } from '@fdf/zx';
import type { BenchCase } from './harness.js';

const ROUND_TRIPS = 100;

export async function crossWorkerCases(): Promise<{
  cases: BenchCase[];
  dispose(): Promise<void>;
}> {
  const [local, remote] = ZxChannel.create();
  const { port1, port2 } = new MessageChannel();
  const { descriptor, transferList } = transferHandle(remote);
  const worker = startWorker(
    new URL('./workers/echo.ts', import.meta.url),
    { channel: descriptor, port: port2 },
    [...transferList, port2],
  );
  const request = new Uint8Array(16);

  const nextPortMessage = (): Promise<unknown> =>
    new Promise((resolve) => port1.once('message', resolve));

  const cases: BenchCase[] = [
    {
      name: 'zx-channel-round-trip',
      label: 'zx channel round trip between two worker threads',
      opsPerCall: ROUND_TRIPS,
      fn: async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) {
          local.write(request);
          await local.readAsync();
        }
      },
    },
    {
      name: 'message-port-round-trip',
      label: 'bare MessagePort round trip between two worker threads',
      opsPerCall: ROUND_TRIPS,
      fn: async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) {
          const reply = nextPortMessage();
          port1.postMessage(request);
          await reply;
        }
      },
    },
  ];
  return {
    cases,
    dispose: async () => {
      local.close();
      port1.close();
      await workerExit(worker);
    },
  };
}
