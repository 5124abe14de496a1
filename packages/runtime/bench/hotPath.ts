/**
 * Rough throughput of the runtime's hot paths: `tsx bench/hotPath.ts`.
 * Not a test: numbers depend on the machine; it shows where time goes.
 */
import { Arena, Channel, env } from '../src/index.js';

function measure(label: string, n: number, fn: () => void): void {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(36)} ${((n / ms) * 1000).toFixed(0).padStart(10)} ops/s`);
}

const N = 1_000_000;
const a = { name: 'a' };
const b = { name: 'b' };
const client = env.createDispatcherWithOwner(a, { name: 'client' });
const server = env.createDispatcherWithOwner(b, { name: 'server' });
const [toServer, serverEnd] = Channel.create();
let handled = 0;
serverEnd.waitAsync(server, function onMsg() {
  const msg = serverEnd.read();
  msg.arena?.release();
  handled++;
  serverEnd.waitAsync(server, onMsg);
});
const op = { offset: 0 };

measure('inlined write + read + re-arm', N, () => {
  client.post(() => {
    const arena = Arena.create();
    for (let i = 0; i < N; i++) toServer.write(arena, op);
    arena.release();
  });
  env.runUntilIdle();
});

measure('queued write (unknown thread) + drain', N, () => {
  const arena = Arena.create();
  for (let i = 0; i < N; i++) toServer.write(arena, op);
  arena.release();
  env.runUntilIdle();
});

measure('post + run task', N, () => {
  for (let i = 0; i < N; i++) client.post(() => {});
  env.runUntilIdle();
});

measure('arena create + allocate(64) + release', N, () => {
  for (let i = 0; i < N; i++) {
    const arena = Arena.create();
    arena.allocate(64);
    arena.release();
  }
});

console.log(`handled ${handled} messages`);
