import { block } from '@fdf/bindings';
import {
  fakeTimeEnv,
  flushOp,
  patternVmo,
  readOp,
  resetRuntime,
  sha256,
  writeOp,
} from '@fdf/block-lib/testing';
import { bindDriverServer, createDriverClient } from '@fdf/fidl';
import { Arena, Channel, arenaPoolStats, env, type Dispatcher } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { blockImplServer } from './blockImplServer.js';
import { RamdiskDevice, type RamdiskOptions } from './ramdiskDevice.js';
import type { RamdiskConfig } from './config.js';

afterEach(resetRuntime);

/** The ramdisk serving BlockImpl on one end of a runtime channel, a client driver on the other. */
function connect(config: RamdiskConfig, server?: Dispatcher, options: RamdiskOptions = {}) {
  const serverDispatcher =
    server ?? env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
  const clientDispatcher = env.createDispatcherWithOwner(
    { name: 'block-core' },
    { name: 'block-core' },
  );
  const device = new RamdiskDevice(config, { dispatcher: serverDispatcher, ...options });
  const [clientEnd, serverEnd] = Channel.create();
  const binding = bindDriverServer(block.BlockImpl, serverEnd, blockImplServer(device), {
    dispatcher: serverDispatcher,
  });
  const client = createDriverClient(block.BlockImpl, clientEnd, { dispatcher: clientDispatcher });
  return { device, client, binding };
}

/** Runs the runtime until idle, letting promise continuations run in between. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    env.runUntilIdle();
    await Promise.resolve();
  }
  env.runUntilIdle();
}

describe('blockImplServer: BlockImpl over the Driver transport', () => {
  it('query answers the geometry', async () => {
    const { client } = connect({ blockSize: 512, blockCount: 128, maxTransferSize: 4096 });
    const query = client.query();
    await settle();
    await expect(query).resolves.toEqual({
      info: {
        blockCount: 128n,
        blockSize: 512,
        maxTransferSize: 4096,
        flags: block.Flag.TRIM_SUPPORT,
      },
      opSize: 0n,
    });
  });

  it('write then read back through the channel; the op travels by reference', async () => {
    const { client, device } = connect({ blockSize: 512, blockCount: 128 });
    const src = patternVmo(8192, 5);
    const dst = Vmo.create(8192);
    const arena = Arena.create('op');
    const write = writeOp(src, 16, 40);
    const wrote = client.queue({ op: write }, arena);
    await settle();
    const w = await wrote;
    expect(w.status).toBe(Status.OK);
    expect(w.op).toBe(write);
    const read = client.queue({ op: readOp(dst, 16, 40) }, arena);
    await settle();
    expect((await read).status).toBe(Status.OK);
    expect(sha256(dst.view())).toBe(sha256(src.view()));
    expect(client.stats.bytesCopied).toBe(0);
    expect(device.counters().bytesWritten).toBe(8192);
    arena.release();
  });

  it('refusals and faults come back as statuses, not transport errors', async () => {
    const { client } = connect({
      blockSize: 512,
      blockCount: 16,
      readOnly: true,
      faults: { ioErrors: [{ blocks: { start: 4, count: 1 } }] },
    });
    const vmo = Vmo.create(4096);
    const replies = [
      client.queue({ op: writeOp(vmo, 1, 0) }),
      client.queue({ op: readOp(vmo, 1, 4) }),
      client.queue({ op: readOp(vmo, 8, 12) }),
      client.queue({ op: flushOp() }),
    ];
    await settle();
    const statuses = (await Promise.all(replies)).map((r) => r.status);
    expect(statuses).toEqual([
      Status.ERR_ACCESS_DENIED,
      Status.ERR_IO,
      Status.ERR_OUT_OF_RANGE,
      Status.OK,
    ]);
  });

  it('with a timing model the reply comes at the modeled time (fake time)', async () => {
    const t = fakeTimeEnv('ramdisk');
    const { client } = connect(
      { blockSize: 512, blockCount: 16, timing: { latencyMs: 3, bandwidthMiBps: 1 } },
      t.dispatcher,
    );
    let status: number | undefined;
    const vmo = Vmo.create(1024);
    void client.queue({ op: readOp(vmo, 2, 0) }).then((r) => (status = r.status));
    await settle();
    // 1024 bytes at 1 MiB/s: 1000 / 1024 ms.
    t.advance(3 + 1000 / 1024 - 1 / 1024);
    await settle();
    expect(status).toBeUndefined();
    t.advance(1 / 1024);
    await settle();
    expect(status).toBe(Status.OK);
  });

  it('a client that closes before a delayed completion does not break the server', async () => {
    const t = fakeTimeEnv('ramdisk');
    const { client, device } = connect(
      { blockSize: 512, blockCount: 16, timing: { latencyMs: 3 } },
      t.dispatcher,
    );
    const arena = Arena.create('op');
    arena.allocate(64); // the arena now holds a slab
    const reply = client.queue({ op: flushOp() }, arena);
    reply.catch(() => undefined);
    arena.release();
    await settle();
    client.close();
    await settle();
    const freeBefore = arenaPoolStats().freeSlabs;
    t.advance(3);
    await settle();
    await expect(reply).rejects.toMatchObject({ status: Status.ERR_CANCELED });
    expect(device.counters().ops.flush).toBe(1);
    // Nobody to reply to, but the request's arena went back to the pool all the same.
    expect(arenaPoolStats().freeSlabs).toBe(freeBefore + 1);
  });
});
