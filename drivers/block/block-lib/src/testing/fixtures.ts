/** Op builders, a completion recorder and a fake-time dispatcher for the ramdisk and block-core tests. */
import { createHash } from 'node:crypto';
import { block } from '@fdf/bindings';
import { env, FakeClock, type Dispatcher } from '@fdf/runtime';
import { Vmo, type Status } from '@fdf/zx';

export function rw(
  opcode: number,
  vmo: Vmo,
  length: number,
  offsetDev: number | bigint,
  offsetVmo: number | bigint = 0,
  flags = 0,
): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: opcode as block.BlockOpcode, flags },
    extra: 0,
    vmo,
    length,
    offsetDev: BigInt(offsetDev),
    offsetVmo: BigInt(offsetVmo),
  });
}

export const readOp = (
  vmo: Vmo,
  length: number,
  dev: number | bigint,
  at: number | bigint = 0,
  flags = 0,
) => rw(block.BlockOpcode.READ, vmo, length, dev, at, flags);
export const writeOp = (
  vmo: Vmo,
  length: number,
  dev: number | bigint,
  at: number | bigint = 0,
  flags = 0,
) => rw(block.BlockOpcode.WRITE, vmo, length, dev, at, flags);
export const trimOp = (length: number, dev: number): block.BlockOp =>
  block.BlockOp.trim({
    command: { opcode: block.BlockOpcode.TRIM, flags: 0 },
    length,
    offsetDev: BigInt(dev),
  });
export const flushOp = (): block.BlockOp =>
  block.BlockOp.flush({ command: { opcode: block.BlockOpcode.FLUSH, flags: 0 } });

export interface Completed {
  status: Status;
  op: block.BlockOp;
  at: number;
}

/** A completion callback that records what completed, when (env.now()), and in which order. */
export function recorder(): {
  done: Completed[];
  complete: (status: Status, op: block.BlockOp) => void;
} {
  const done: Completed[] = [];
  return { done, complete: (status, op) => done.push({ status, op, at: env.now() }) };
}

/** A VMO filled with deterministic bytes from `seed`. */
export function patternVmo(size: number, seed: number): Vmo {
  const vmo = Vmo.create(size);
  const view = vmo.view();
  let x = seed >>> 0 || 1;
  for (let i = 0; i < view.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view[i] = x & 0xff;
  }
  return vmo;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface FakeTimeEnv {
  clock: FakeClock;
  dispatcher: Dispatcher;
  /** Moves time and runs what came due. */
  advance(ms: number): void;
  /**
   * Moves time in steps of `stepMs` (a power of two, so sums stay exact)
   * until `ms` have passed, running what comes due at each step: callbacks
   * see the time they were due at, to the step.
   */
  step(ms: number, stepMs?: number): void;
}

/** A fresh runtime with fake time and a dispatcher owned by a pretend driver named `name`. */
export function fakeTimeEnv(name = 'device'): FakeTimeEnv {
  env.reset();
  const clock = new FakeClock(0);
  env.setClock(clock);
  const dispatcher = env.createDispatcherWithOwner({ name }, { name });
  return {
    clock,
    dispatcher,
    advance(ms) {
      clock.advance(ms);
      env.runUntilIdle();
    },
    step(ms, stepMs = 1 / 128) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.advance(Math.min(stepMs, end - clock.now()));
        env.runUntilIdle();
      }
    },
  };
}

export function resetRuntime(): void {
  env.reset();
  env.setClock(null);
}
