/**
 * The Channel transport: wire format V2 over a zircon channel pair, the
 * client on a client driver's dispatcher and the server on a server driver's
 * dispatcher, either both in this thread (same host) or the server in a
 * worker thread (another driver host). Same protocol, same server object and
 * same requests as the Driver and Banjo cases.
 *
 * Two-way: a burst of calls all in flight, awaited together. One-way: a
 * burst of Sends followed by one empty Echo, whose reply proves every Send
 * before it was handled (the channel and the server keep FIFO order).
 */
import type { Worker } from 'node:worker_threads';
import { sample } from '@fdf/bindings';
import {
  bindChannelServer,
  createChannelClient,
  type ServerBinding,
  type TransportStats,
} from '@fdf/fidl';
import { env } from '@fdf/runtime';
import {
  Status,
  StatusError,
  startWorker,
  transferHandle,
  workerExit,
  workerMessage,
  ZxChannel,
} from '@fdf/zx';
import type { BenchCase } from '../harness.js';
import {
  asStatusError,
  BURST,
  copiedPerCall,
  probe,
  sameBytes,
  withTimeout,
  type CopiedPerCall,
  type EchoRequests,
} from './common.js';
import type { EchoHostReport } from './echoHost.js';
import { echoServer, newEchoCounter } from './echoServer.js';

/** How long a closing binding or worker may take before dispose gives up on it. */
const CLOSE_TIMEOUT_MS = 10_000;

interface Target {
  /** `same-host` or `cross-worker`: the suffix of the case names. */
  where: string;
  label: string;
  client: sample.EchoClient;
  /** The server end's counters and how many requests it handled. */
  server(): Promise<{ stats: TransportStats; received: number }>;
  close(): Promise<void>;
}

function sameHost(): Target {
  const [clientEnd, serverEnd] = ZxChannel.create();
  const clientDispatcher = env.createDispatcherWithOwner(
    { name: 'channel-client' },
    { name: 'channel-client' },
  );
  const serverDispatcher = env.createDispatcherWithOwner(
    { name: 'channel-server' },
    { name: 'channel-server' },
  );
  const counter = newEchoCounter();
  const client = createChannelClient(sample.Echo, clientEnd, { dispatcher: clientDispatcher });
  const binding: ServerBinding<sample.EchoEvents> = bindChannelServer(
    sample.Echo,
    serverEnd,
    echoServer(counter),
    { dispatcher: serverDispatcher },
  );
  return {
    where: 'same-host',
    label: 'same host',
    client,
    server: async () => ({ stats: { ...binding.stats }, received: counter.received }),
    close: async () => {
      client.close();
      await withTimeout(binding.unbound, CLOSE_TIMEOUT_MS, 'the same-host Echo server');
    },
  };
}

function crossWorker(): Target {
  const [clientEnd, remote] = ZxChannel.create();
  const moved = transferHandle(remote);
  const worker: Worker = startWorker(
    new URL('./echoHost.ts', import.meta.url),
    { channel: moved.descriptor },
    moved.transferList,
  );
  const clientDispatcher = env.createDispatcherWithOwner(
    { name: 'channel-worker-client' },
    { name: 'channel-worker-client' },
  );
  const client = createChannelClient(sample.Echo, clientEnd, { dispatcher: clientDispatcher });
  return {
    where: 'cross-worker',
    label: 'across worker threads',
    client,
    server: async () => {
      // Listening before asking: the worker may answer at once.
      const report = workerMessage<EchoHostReport>(worker);
      worker.postMessage('report');
      try {
        return await withTimeout(report, CLOSE_TIMEOUT_MS, 'the echo host worker report');
      } catch (err) {
        throw asStatusError(err, 'the echo host worker failed');
      }
    },
    close: async () => {
      client.close();
      try {
        const code = await withTimeout(
          workerExit(worker),
          CLOSE_TIMEOUT_MS,
          'the echo host worker',
        );
        if (code !== 0) {
          throw new StatusError(
            Status.ERR_INTERNAL,
            `the echo host worker exited with code ${code}`,
          );
        }
      } catch (err) {
        // Whatever went wrong, the thread must not outlive the bench.
        await worker.terminate();
        throw asStatusError(err, 'the echo host worker failed');
      }
    },
  };
}

export interface ChannelFacts {
  /** Bytes copied per two-way call, per case name. */
  copied: Map<string, CopiedPerCall>;
}

export interface ChannelCases {
  cases: BenchCase[];
  facts: ChannelFacts;
  dispose(): Promise<void>;
}

async function targetCases(
  t: Target,
  req: EchoRequests,
  facts: ChannelFacts,
): Promise<BenchCase[]> {
  const { client } = t;
  const oneWay: BenchCase = {
    name: `channel-one-way-${t.where}`,
    label: `Channel one-way Send, ${t.label} (bursts of ${BURST}, fenced)`,
    opsPerCall: BURST,
    fn: async () => {
      for (let i = 0; i < BURST; i++) client.send(req.send);
      await client.echo(req.fence);
    },
  };
  const calls: Promise<sample.EchoEchoResponse>[] = [];
  const twoWay: BenchCase = {
    name: `channel-two-way-${t.where}`,
    label: `Channel two-way Echo, ${t.label} (${BURST} in flight)`,
    opsPerCall: BURST,
    fn: async () => {
      calls.length = 0;
      for (let i = 0; i < BURST; i++) calls.push(client.echo(req.echo));
      await Promise.all(calls);
    },
  };

  let server = await t.server();
  await probe(oneWay, () => null);
  const afterOneWay = await t.server();
  if (afterOneWay.received - server.received !== BURST + 1) {
    throw new StatusError(
      Status.ERR_INTERNAL,
      `benchmark ${oneWay.name} is broken: the server handled ${afterOneWay.received - server.received} requests, not ${BURST} Sends and the fence`,
    );
  }
  server = afterOneWay;
  const clientBefore = { ...client.stats };
  await probe(twoWay, () => null);
  const first = await calls[0];
  if (first === undefined || !sameBytes(first.data, req.echo.data)) {
    throw new StatusError(
      Status.ERR_INTERNAL,
      `benchmark ${twoWay.name} is broken: the reply bytes differ from the request bytes`,
    );
  }
  const serverAfter = await t.server();
  facts.copied.set(
    twoWay.name,
    copiedPerCall(
      { before: clientBefore, after: { ...client.stats } },
      { before: server.stats, after: serverAfter.stats },
      BURST,
    ),
  );
  return [oneWay, twoWay];
}

export async function channelCases(req: EchoRequests): Promise<ChannelCases> {
  const facts: ChannelFacts = { copied: new Map() };
  const targets: Target[] = [];
  const dispose = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const t of targets) {
      try {
        await t.close();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    targets.push(sameHost());
    targets.push(crossWorker());
    const cases: BenchCase[] = [];
    for (const t of targets) cases.push(...(await targetCases(t, req, facts)));
    return { cases, facts, dispose };
  } catch (err) {
    // The setup failure is the one to report; closing is best effort.
    await dispose().catch(() => undefined);
    throw err;
  }
}
