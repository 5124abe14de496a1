import { block, blockBanjo } from '@fdf/bindings';
import { patternVmo, readOp, resetRuntime, sha256, writeOp } from '@fdf/block-lib/testing';
import { bindDriverServer, createDriverClient } from '@fdf/fidl';
import { Arena, Channel, env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { banjoImplPort } from './banjoImplPort.js';
import { blockCoreBanjo } from './blockBanjo.js';
import { BlockCore } from './blockCore.js';
import { blockServer } from './blockServer.js';
import { driverImplPort } from './driverImplPort.js';
import { MemoryDevice } from './__tests__/memoryDevice.js';

afterEach(resetRuntime);

const BS = 512;

/** The memory device as a Banjo BlockImpl table. */
function banjoDevice(device: MemoryDevice): blockBanjo.BlockImplBanjo<MemoryDevice> {
  return {
    ops: {
      query: (d) => d.query(),
      queue: (d, request, complete) =>
        d.queue(request.op, (status, op) => complete({ status, op }), null),
    },
    ctx: device,
  };
}

describe('Banjo: BlockImpl table below, Block table above', () => {
  it('splits and moves the data; completions run before queue returns', () => {
    const device = new MemoryDevice(BS, 128, 8 * BS);
    const port = banjoImplPort(blockBanjo.BlockImpl.client(banjoDevice(device)));
    const core = new BlockCore(port, port.query());
    const client = blockBanjo.Block.client(blockCoreBanjo(core));
    expect(client.query().info.maxTransferSize).toBe(block.MAX_TRANSFER_UNBOUNDED);
    const src = patternVmo(64 * BS, 4);
    const dst = Vmo.create(64 * BS);
    const statuses: number[] = [];
    client.queue({ op: writeOp(src, 64, 10) }, (r) => statuses.push(r.status));
    expect(statuses).toEqual([Status.OK]);
    client.queue({ op: readOp(dst, 64, 10) }, (r) => statuses.push(r.status));
    expect(statuses).toEqual([Status.OK, Status.OK]);
    expect(sha256(dst.view())).toBe(sha256(src.view()));
    expect(device.issued).toHaveLength(16);
  });
});

describe('Driver transport: BlockImpl client below, Block server above', () => {
  /** device <- BlockImpl channel <- block-core <- Block channel <- client, each its own driver. */
  async function stack(device: MemoryDevice) {
    const devDispatcher = env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
    const coreDispatcher = env.createDispatcherWithOwner(
      { name: 'block-core' },
      { name: 'block-core' },
    );
    const topDispatcher = env.createDispatcherWithOwner({ name: 'gpt' }, { name: 'gpt' });
    const arenas: Arena[] = [];
    const [implClientEnd, implServerEnd] = Channel.create();
    bindDriverServer(
      block.BlockImpl,
      implServerEnd,
      {
        query: (completer) => completer.reply(device.query()),
        queue: (request, completer, arena) => {
          arenas.push(arena);
          device.queue(request.op, (status, op) => completer.reply({ status, op }), arena);
        },
      },
      { dispatcher: devDispatcher },
    );
    const port = driverImplPort(
      createDriverClient(block.BlockImpl, implClientEnd, { dispatcher: coreDispatcher }),
    );
    const created = BlockCore.create(port);
    await settle();
    const core = await created;
    const [blockClientEnd, blockServerEnd] = Channel.create();
    bindDriverServer(block.Block, blockServerEnd, blockServer(core), {
      dispatcher: coreDispatcher,
    });
    const client = createDriverClient(block.Block, blockClientEnd, { dispatcher: topDispatcher });
    return { core, client, arenas };
  }

  it('query, then a split write and read: one arena travels the whole way', async () => {
    const device = new MemoryDevice(BS, 128, 8 * BS);
    const { client, arenas, core } = await stack(device);
    const query = client.query();
    await settle();
    expect((await query).info.blockCount).toBe(128n);

    const arena = Arena.create('op');
    const src = patternVmo(32 * BS, 8);
    const write = writeOp(src, 32, 0);
    const wrote = client.queue({ op: write }, arena);
    await settle();
    const w = await wrote;
    expect(w.status).toBe(Status.OK);
    expect(w.op).toBe(write);
    expect(device.issued).toHaveLength(4);
    expect(arenas).toHaveLength(4);
    expect(arenas.every((a) => a === arena)).toBe(true);

    const dst = Vmo.create(32 * BS);
    const read = client.queue({ op: readOp(dst, 32, 0) }, arena);
    await settle();
    expect((await read).status).toBe(Status.OK);
    expect(sha256(dst.view())).toBe(sha256(src.view()));
    expect(core.stats().split).toEqual({ ops: 2, subOps: 8 });
    expect(client.stats.bytesCopied).toBe(0);
    arena.release();
  });

  it('a device error and a refusal come back as statuses', async () => {
    const device = new MemoryDevice(BS, 16);
    device.badBlocks = { start: 3, count: 1 };
    const { client } = await stack(device);
    const replies = [
      client.queue({ op: readOp(Vmo.create(BS), 1, 3) }),
      client.queue({ op: readOp(Vmo.create(BS), 1, 16) }),
    ];
    await settle();
    expect((await Promise.all(replies)).map((r) => r.status)).toEqual([
      Status.ERR_IO,
      Status.ERR_OUT_OF_RANGE,
    ]);
  });

  it('when the device side closes, ops in flight complete with its status', async () => {
    const device = new MemoryDevice(BS, 16);
    device.mode = { kind: 'manual' };
    const devDispatcher = env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
    const coreDispatcher = env.createDispatcherWithOwner(
      { name: 'block-core' },
      { name: 'block-core' },
    );
    const [implClientEnd, implServerEnd] = Channel.create();
    const binding = bindDriverServer(
      block.BlockImpl,
      implServerEnd,
      {
        query: (completer) => completer.reply(device.query()),
        queue: (request, completer, arena) =>
          device.queue(request.op, (status, op) => completer.reply({ status, op }), arena),
      },
      { dispatcher: devDispatcher },
    );
    const port = driverImplPort(
      createDriverClient(block.BlockImpl, implClientEnd, { dispatcher: coreDispatcher }),
    );
    const core = new BlockCore(port, device.query());
    const statuses: number[] = [];
    core.queue(readOp(Vmo.create(BS), 1, 0), (status) => statuses.push(status));
    await settle();
    expect(device.waiting).toHaveLength(1);
    binding.close(Status.ERR_IO_NOT_PRESENT);
    await settle();
    expect(statuses).toEqual([Status.ERR_IO_NOT_PRESENT]);
    expect(core.inFlight).toBe(0);
  });
});

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) {
    env.runUntilIdle();
    await Promise.resolve();
  }
  env.runUntilIdle();
}
