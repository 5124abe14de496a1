/**
 * `pnpm bench runtime`: the cost of one message through the driver runtime,
 * next to what a JS user would write instead and to the Banjo floor.
 *
 * - direct-call: a call through a function table with a context (Banjo).
 * - event-emitter, rxjs-subject: the Node and RxJS ways to hand a value over.
 * - inlined-write: a one-way Driver-transport write whose handler runs in the
 *   writer's frame (sender and receiver in different drivers, both idle).
 * - queued-write: the same write when every hand-over goes through the run
 *   loop, amortized over a burst of 256 messages.
 * - runtime-round-trip: request inlined into the server, reply queued back
 *   (reentrant for the client), as in the RFC's send-and-reply example.
 * - zx-channel-round-trip / message-port-round-trip: one request and reply to
 *   an echo worker thread, over the zircon-channel analog and over a bare
 *   MessagePort.
 */
import { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import { Arena, Channel, Dispatcher, env, type Message } from '@fdf/runtime';
import { Status } from '@fdf/zx';
import type { BenchCase, BenchResult, BenchSuite } from './harness.js';
import { crossWorkerCases } from './crossWorker.js';

const BATCH = 1000;
const BURST = 256;

interface Sink {
  sum: number;
}

/** The Banjo shape: a table of functions taking a context. */
interface SinkOps {
  write(ctx: Sink, value: number): void;
}

function directCallCase(): BenchCase {
  const ops: SinkOps = {
    write(ctx, value) {
      ctx.sum += value;
    },
  };
  const ctx: Sink = { sum: 0 };
  return {
    name: 'direct-call',
    label: 'direct call through a function table (Banjo floor)',
    opsPerCall: BATCH,
    fn: () => {
      for (let i = 0; i < BATCH; i++) ops.write(ctx, i);
    },
  };
}

function eventEmitterCase(): BenchCase {
  const emitter = new EventEmitter();
  const sink: Sink = { sum: 0 };
  emitter.on('message', (v: number) => {
    sink.sum += v;
  });
  return {
    name: 'event-emitter',
    label: 'EventEmitter.emit',
    opsPerCall: BATCH,
    fn: () => {
      for (let i = 0; i < BATCH; i++) emitter.emit('message', i);
    },
  };
}

function rxjsSubjectCase(): BenchCase {
  const subject = new Subject<number>();
  const sink: Sink = { sum: 0 };
  subject.subscribe((v) => {
    sink.sum += v;
  });
  return {
    name: 'rxjs-subject',
    label: 'RxJS Subject.next',
    opsPerCall: BATCH,
    fn: () => {
      for (let i = 0; i < BATCH; i++) subject.next(i);
    },
  };
}

interface Pair {
  client: Dispatcher;
  server: Dispatcher;
  clientEnd: Channel;
  serverEnd: Channel;
}

/** Two drivers, each with its own synchronized dispatcher, joined by a channel. */
function driverPair(tag: string): Pair {
  const clientDriver = { name: `${tag}-client` };
  const serverDriver = { name: `${tag}-server` };
  const client = env.createDispatcherWithOwner(clientDriver, { name: `${tag}-client` });
  const server = env.createDispatcherWithOwner(serverDriver, { name: `${tag}-server` });
  const [clientEnd, serverEnd] = Channel.create();
  return { client, server, clientEnd, serverEnd };
}

/** Arms a read handler that takes one message per wait and re-arms, as FIDL bindings do. */
function serve(end: Channel, d: Dispatcher, onMessage: (m: Message) => void): void {
  const handler = (status: Status): void => {
    if (status !== Status.OK) return;
    const m = end.read();
    onMessage(m);
    m.arena?.release();
    end.waitAsync(d, handler);
  };
  end.waitAsync(d, handler);
}

function inlinedWriteCase(arena: Arena): BenchCase {
  const { client, server, clientEnd, serverEnd } = driverPair('inlined');
  const sink: Sink = { sum: 0 };
  const payload = { value: 1 };
  serve(serverEnd, server, (m) => {
    sink.sum += (m.data as { value: number }).value;
  });
  const burst = (): void => {
    for (let i = 0; i < BATCH; i++) clientEnd.write(arena, payload);
  };
  return {
    name: 'inlined-write',
    label: 'Driver transport one-way write, inlined',
    opsPerCall: BATCH,
    fn: () => {
      // Writing from a task of the client driver puts it on the call stack,
      // so every write meets an idle receiver and is inlined.
      client.post(burst);
      env.runUntilIdle();
    },
  };
}

function queuedWriteCase(arena: Arena): BenchCase {
  const { serverEnd, server, clientEnd } = driverPair('queued');
  const sink: Sink = { sum: 0 };
  const payload = { value: 1 };
  serve(serverEnd, server, (m) => {
    sink.sum += (m.data as { value: number }).value;
  });
  return {
    name: 'queued-write',
    label: `Driver transport one-way write, queued (bursts of ${BURST})`,
    opsPerCall: BURST,
    fn: () => {
      // From outside any runtime callback the first hand-over is queued
      // (unknown thread); the rest queue behind it because the receiver is busy.
      for (let i = 0; i < BURST; i++) clientEnd.write(arena, payload);
      env.runUntilIdle();
    },
  };
}

function roundTripCase(arena: Arena): BenchCase {
  const { client, server, clientEnd, serverEnd } = driverPair('round-trip');
  const request = { value: 1 };
  let remaining = 0;
  serve(serverEnd, server, (m) => {
    serverEnd.write(arena, m.data);
  });
  serve(clientEnd, client, () => {
    if (--remaining > 0) clientEnd.write(arena, request);
  });
  return {
    name: 'runtime-round-trip',
    label: 'runtime round trip (request inlined, reply queued)',
    opsPerCall: BATCH,
    fn: () => {
      remaining = BATCH;
      client.post(() => clientEnd.write(arena, request));
      env.runUntilIdle();
    },
  };
}

export async function runtimeSuite(): Promise<BenchSuite> {
  env.reset();
  const arena = Arena.create('bench');
  const cross = await crossWorkerCases();
  return {
    title: 'runtime: one message, side by side (ns per operation, ratio to the direct call)',
    cases: async () => [
      directCallCase(),
      eventEmitterCase(),
      rxjsSubjectCase(),
      inlinedWriteCase(arena),
      queuedWriteCase(arena),
      roundTripCase(arena),
      ...cross.cases,
    ],
    dispose: async () => {
      await cross.dispose();
      arena.release();
      env.reset();
    },
    notes: (results: BenchResult[]) => {
      const ns = (name: string) => results.find((r) => r.name === name)?.nsPerOp ?? NaN;
      const ratio = (a: string, b: string) => (ns(a) / ns(b)).toFixed(2);
      return [
        '',
        `inlined write / direct call:                 ${ratio('inlined-write', 'direct-call')}x (target <= 6x)`,
        `queued write / inlined write:                ${ratio('queued-write', 'inlined-write')}x (target <= 3x)`,
        `zx channel / bare MessagePort round trip:    ${ratio('zx-channel-round-trip', 'message-port-round-trip')}x (target <= 1.3x)`,
      ];
    },
  };
}
