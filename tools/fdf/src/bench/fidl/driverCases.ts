/**
 * The Driver transport: client and server in two drivers of this host, each
 * on its own synchronized dispatcher, joined by a runtime channel. The
 * request object and its arena travel by reference.
 *
 * - inlined: the burst is issued from a task of the client driver, so every
 *   request meets an idle server owned by another driver and its handler runs
 *   in the client's frame. A two-way reply cannot inline back: the client's
 *   task is still running (the runtime queues it, as the RFC's send-and-reply
 *   example does), and the burst's replies are drained by the run loop.
 * - queued: the burst is issued from outside any runtime callback, so the
 *   first request is queued (unknown thread) and the rest queue behind it
 *   (the server is busy). For two-way, the client's dispatcher allows sync
 *   calls, and the runtime never inlines into such a dispatcher from one
 *   that does not, so every reply is queued too. Each hand-over of the call
 *   goes through the run loop, amortized over the burst.
 *
 * The hand-overs are read back from the dispatchers' counters and printed
 * under the table, so the labels are checked, not assumed.
 */
import { sample } from '@fdf/bindings';
import {
  bindDriverServer,
  createDriverClient,
  type ServerBinding,
  type TransportStats,
} from '@fdf/fidl';
import { Channel, env, type Dispatcher, type DispatcherStats } from '@fdf/runtime';
import { Status, StatusError } from '@fdf/zx';
import type { BenchCase } from '../harness.js';
import {
  BURST,
  copiedPerCall,
  handOvers,
  probe,
  type CopiedPerCall,
  type EchoRequests,
} from './common.js';
import { echoServer, newEchoCounter, type EchoCounter } from './echoServer.js';

interface DriverPair {
  client: sample.EchoClient;
  binding: ServerBinding<sample.EchoEvents>;
  clientDispatcher: Dispatcher;
  serverDispatcher: Dispatcher;
  counter: EchoCounter;
}

function driverPair(tag: string, clientAllowsSyncCalls: boolean): DriverPair {
  const clientDispatcher = env.createDispatcherWithOwner(
    { name: `${tag}-client` },
    { name: `${tag}-client`, allowSyncCalls: clientAllowsSyncCalls },
  );
  const serverDispatcher = env.createDispatcherWithOwner(
    { name: `${tag}-server` },
    { name: `${tag}-server` },
  );
  const [clientEnd, serverEnd] = Channel.create();
  const counter = newEchoCounter();
  const client = createDriverClient(sample.Echo, clientEnd, { dispatcher: clientDispatcher });
  const binding = bindDriverServer(sample.Echo, serverEnd, echoServer(counter), {
    dispatcher: serverDispatcher,
  });
  return { client, binding, clientDispatcher, serverDispatcher, counter };
}

interface Snapshot {
  client: DispatcherStats;
  server: DispatcherStats;
  clientStats: TransportStats;
  serverStats: TransportStats;
  received: number;
}

function snapshot(p: DriverPair): Snapshot {
  return {
    client: p.clientDispatcher.stats(),
    server: p.serverDispatcher.stats(),
    clientStats: { ...p.client.stats },
    serverStats: { ...p.binding.stats },
    received: p.counter.received,
  };
}

export interface DriverFacts {
  /** Per case name: how the request (and the reply) were handed over, per call. */
  handOvers: Map<string, string>;
  /** Bytes copied per two-way call, per case name. */
  copied: Map<string, CopiedPerCall>;
}

export async function driverCases(
  req: EchoRequests,
): Promise<{ cases: BenchCase[]; facts: DriverFacts }> {
  const facts: DriverFacts = { handOvers: new Map(), copied: new Map() };
  const cases: BenchCase[] = [];

  /** Probes a case once, checks what the server saw and records the hand-overs and copies. */
  const add = async (
    c: BenchCase,
    p: DriverPair,
    twoWay: boolean,
    posted: number,
    replies: () => Promise<sample.EchoEchoResponse>[],
  ): Promise<void> => {
    const before = snapshot(p);
    let after = before;
    await probe(c, () => {
      after = snapshot(p);
      const n = after.received - before.received;
      return n === BURST ? null : `the server handled ${n} requests, not ${BURST}`;
    });
    if (twoWay) {
      const first = await replies()[0];
      // Zero copy means the very buffer comes back, not merely equal bytes.
      if (first?.data !== req.echo.data) {
        throw new StatusError(
          Status.ERR_INTERNAL,
          `benchmark ${c.name} is broken: the reply does not hand back the arena-backed request buffer`,
        );
      }
      facts.copied.set(
        c.name,
        copiedPerCall(
          { before: before.clientStats, after: after.clientStats },
          { before: before.serverStats, after: after.serverStats },
          BURST,
        ),
      );
    }
    const request = handOvers(before.server, after.server, BURST);
    const reply = twoWay ? `; reply: ${handOvers(before.client, after.client, BURST, posted)}` : '';
    facts.handOvers.set(c.name, `request: ${request}${reply}`);
    cases.push(c);
  };

  {
    const p = driverPair('one-way-inlined', false);
    const burst = (): void => {
      for (let i = 0; i < BURST; i++) p.client.send(req.send, req.arena);
    };
    const c: BenchCase = {
      name: 'driver-one-way-inlined',
      label: `Driver one-way Send, inlined (from a client task, bursts of ${BURST})`,
      opsPerCall: BURST,
      fn: () => {
        p.clientDispatcher.post(burst);
        env.runUntilIdle();
      },
    };
    await add(c, p, false, 1, () => []);
  }
  {
    const p = driverPair('two-way-inlined', false);
    const calls: Promise<sample.EchoEchoResponse>[] = [];
    const burst = (): void => {
      for (let i = 0; i < BURST; i++) calls.push(p.client.echo(req.echo, req.arena));
    };
    const c: BenchCase = {
      name: 'driver-two-way-inlined',
      label: `Driver two-way Echo, request inlined (from a client task, ${BURST} in flight)`,
      opsPerCall: BURST,
      fn: async () => {
        calls.length = 0;
        p.clientDispatcher.post(burst);
        env.runUntilIdle();
        await Promise.all(calls);
      },
    };
    await add(c, p, true, 1, () => calls);
  }
  {
    const p = driverPair('one-way-queued', false);
    const c: BenchCase = {
      name: 'driver-one-way-queued',
      label: `Driver one-way Send, queued (from outside the runtime, bursts of ${BURST})`,
      opsPerCall: BURST,
      fn: () => {
        for (let i = 0; i < BURST; i++) p.client.send(req.send, req.arena);
        env.runUntilIdle();
      },
    };
    await add(c, p, false, 0, () => []);
  }
  {
    const p = driverPair('two-way-queued', true);
    const calls: Promise<sample.EchoEchoResponse>[] = [];
    const c: BenchCase = {
      name: 'driver-two-way-queued',
      label: `Driver two-way Echo, queued both ways (${BURST} in flight)`,
      opsPerCall: BURST,
      fn: async () => {
        calls.length = 0;
        for (let i = 0; i < BURST; i++) calls.push(p.client.echo(req.echo, req.arena));
        env.runUntilIdle();
        await Promise.all(calls);
      },
    };
    await add(c, p, true, 0, () => calls);
  }
  return { cases, facts };
}
