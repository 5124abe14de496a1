import { Arena, Channel, env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { bindDriverServer, createDriverClient } from '@fdf/fidl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { block, blockBanjo } from '../src/index.js';

const info: block.BlockInfo = {
  blockCount: 2048n,
  blockSize: 512,
  maxTransferSize: block.MAX_TRANSFER_UNBOUNDED,
  flags: block.FlagBits.union(block.Flag.REMOVABLE, block.Flag.TRIM_SUPPORT),
};

function readOp(vmo: Vmo): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: block.BlockOpcode.READ, flags: block.BlockIoFlag.FORCE_ACCESS },
    extra: 0,
    vmo,
    length: 8,
    offsetDev: 100n,
    offsetVmo: 0n,
  });
}

beforeEach(() => env.reset());
afterEach(() => env.reset());

describe('fdf.block over the Driver transport', () => {
  it('Query and Queue: the op reaches the device by reference and comes back edited', async () => {
    const dc = env.createDispatcherWithOwner({ name: 'block-core' }, { name: 'core' });
    const ds = env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
    const [a, b] = Channel.create();
    const seen: block.BlockOp[] = [];
    bindDriverServer(
      block.BlockImpl,
      b,
      {
        query: (completer) => completer.reply({ info, opSize: 64n }),
        queue: (request, completer) => {
          seen.push(request.op);
          if (request.op.$tag === 'rw') request.op.rw.offsetDev += 34n; // a partition start
          completer.reply({ status: Status.OK, op: request.op });
        },
      },
      { dispatcher: ds },
    );
    const client = createDriverClient(block.BlockImpl, a, { dispatcher: dc });

    const vmo = Vmo.create(8 * 512);
    const op = readOp(vmo);
    const arena = Arena.create('op');
    const query = client.query();
    const queued = client.queue({ op }, arena);
    for (let i = 0; i < 3; i++) {
      env.runUntilIdle();
      await Promise.resolve();
    }
    await expect(query).resolves.toEqual({ info, opSize: 64n });
    const done = await queued;
    expect(done.status).toBe(Status.OK);
    expect(done.op).toBe(op);
    expect(seen[0]).toBe(op);
    expect(op.$tag === 'rw' && op.rw.offsetDev).toBe(134n);
    expect(client.stats.bytesCopied).toBe(0);
    arena.release();
    vmo.close();
  });

  it('validation catches an op with an unknown opcode before it is sent', async () => {
    const dc = env.createDispatcherWithOwner({ name: 'core' }, { name: 'core' });
    const [a] = Channel.create();
    const client = createDriverClient(block.Block, a, { dispatcher: dc });
    const vmo = Vmo.create(512);
    const bad = readOp(vmo);
    if (bad.$tag === 'rw') (bad.rw.command as { opcode: number }).opcode = 9;
    await expect(client.queue({ op: bad })).rejects.toMatchObject({
      status: Status.ERR_INVALID_ARGS,
    });
    vmo.close();
  });
});

describe('fdf.block.banjo', () => {
  it('the Banjo variant takes the same types; Queue may complete before it returns', () => {
    const vmo = Vmo.create(512);
    const order: string[] = [];
    const ops: blockBanjo.BlockImplBanjoOps<{ name: string }> = {
      query: () => ({ info, opSize: 64n }),
      queue: (_ctx, request, complete) => complete({ status: Status.OK, op: request.op }),
    };
    const client = blockBanjo.BlockImpl.client(blockBanjo.BlockImpl.bind(ops, { name: 'ramdisk' }));
    expect(client.query().info.blockSize).toBe(512);
    const op = readOp(vmo);
    client.queue({ op }, (r) => {
      order.push('complete');
      expect(r.op).toBe(op);
    });
    order.push('returned');
    expect(order).toEqual(['complete', 'returned']);
    vmo.close();
  });
});
