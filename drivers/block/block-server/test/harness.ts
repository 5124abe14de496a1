/** Same-thread fixtures: a server over a memory device, and a raw FIFO client that speaks bytes. */
import { env, type Dispatcher } from '@fdf/runtime';
import { type Fifo, Status, StatusError, statusName, Vmo } from '@fdf/zx';
import { expect } from 'vitest';
import { BlockServer, type BlockServerOptions } from '../src/blockServer.js';
import type { BlockSession } from '../src/blockSession.js';
import {
  BLOCK_FIFO_ESIZE,
  decodeResponse,
  encodeRequest,
  newRequest,
  newResponse,
  type FifoRequest,
  type FifoResponse,
} from '../src/fifoProtocol.js';
import { MemoryBlockDevice, type MemoryDeviceOptions } from './memoryBlockDevice.js';

export interface Fixture {
  device: MemoryBlockDevice;
  server: BlockServer;
  dispatcher: Dispatcher;
}

export async function startServer(
  deviceOpts: Partial<MemoryDeviceOptions> = {},
  serverOpts: Partial<Omit<BlockServerOptions, 'dispatcher'>> = {},
): Promise<Fixture> {
  const device = new MemoryBlockDevice({ blockCount: 256, blockSize: 512, ...deviceOpts });
  const dispatcher = env.createDispatcherWithOwner(
    { name: 'block-server' },
    { name: 'block-server' },
  );
  const server = await BlockServer.create(device, { dispatcher, ...serverOpts });
  return { device, server, dispatcher };
}

/** A client that writes requests as given and reads responses raw: for malformed and edge cases. */
export class RawClient {
  readonly fifo: Fifo;
  readonly session: BlockSession;
  readonly #out: Uint8Array;
  readonly #view: DataView;
  readonly #in: Uint8Array;
  readonly #inView: DataView;

  constructor(server: BlockServer) {
    const { session, fifo } = server.openSession();
    this.fifo = fifo;
    this.session = session;
    this.#out = new Uint8Array(fifo.depth * BLOCK_FIFO_ESIZE);
    this.#view = new DataView(this.#out.buffer);
    this.#in = new Uint8Array(fifo.depth * BLOCK_FIFO_ESIZE);
    this.#inView = new DataView(this.#in.buffer);
  }

  /** A VMO of `blocks` 512-byte blocks, attached: its vmoid and the VMO. */
  attach(bytes = 64 * 512): { vmoid: number; vmo: Vmo } {
    const vmo = Vmo.create(bytes);
    return { vmoid: this.session.attachVmo(vmo), vmo };
  }

  /** Writes every request; they must all fit the FIFO now. */
  send(...requests: Partial<FifoRequest>[]): void {
    requests.forEach((r, i) => encodeRequest(this.#view, i, { ...newRequest(), ...r }));
    this.sendBytes(this.#out.subarray(0, requests.length * BLOCK_FIFO_ESIZE));
  }

  sendBytes(bytes: Uint8Array): void {
    const n = this.fifo.write(bytes);
    expect(n * BLOCK_FIFO_ESIZE).toBe(bytes.length);
  }

  /** Waits for exactly `count` more responses. */
  async responses(count: number): Promise<FifoResponse[]> {
    const out: FifoResponse[] = [];
    while (out.length < count) {
      const n = this.fifo.tryRead(this.#in, Math.min(count - out.length, this.fifo.depth));
      if (n === 0) {
        await this.fifo.readable();
        continue;
      }
      for (let i = 0; i < n; i++) out.push(decodeResponse(this.#inView, i, newResponse()));
    }
    return out;
  }

  /** One response. */
  async response(): Promise<FifoResponse> {
    return (await this.responses(1))[0] as FifoResponse;
  }
}

/** Lets queued runtime work and promise continuations run until nothing more happens this turn. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    env.runUntilIdle();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  env.runUntilIdle();
}

export function expectStatus(actual: number, expected: Status): void {
  expect(statusName(actual)).toBe(statusName(expected));
}

export async function rejectsWith(promise: Promise<unknown>, status: Status): Promise<StatusError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected a rejection with ${statusName(status)}`).toBeInstanceOf(StatusError);
  expect(statusName((thrown as StatusError).status)).toBe(statusName(status));
  return thrown as StatusError;
}
