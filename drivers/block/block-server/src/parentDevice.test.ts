import { block, type blockBanjo } from '@fdf/bindings';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { banjoDevice, fidlDevice } from './parentDevice.js';
import { serverOptions } from './driver.js';

function rwOp(vmo: Vmo): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: block.BlockOpcode.READ, flags: 0 },
    extra: 0,
    vmo,
    length: 1,
    offsetDev: 0n,
    offsetVmo: 0n,
  });
}

const INFO = { blockCount: 8n, blockSize: 512, maxTransferSize: 0xffff_ffff, flags: 0 };

describe('the parent device', () => {
  it('lends a duplicate VMO over the Channel transport and closes what comes back', async () => {
    const own = Vmo.create(512);
    const seen: Vmo[] = [];
    const returned: Vmo[] = [];
    const client = {
      query: () => Promise.resolve({ info: INFO, opSize: 0n }),
      queue: ({ op }: { op: block.BlockOp }) => {
        if (op.$tag === 'rw') seen.push(op.rw.vmo as Vmo);
        // Across hosts the reply carries a new handle to the same memory.
        const back = (op.$tag === 'rw' ? (op.rw.vmo as Vmo) : own).duplicate();
        returned.push(back);
        return Promise.resolve({ status: Status.OK, op: rwOp(back) });
      },
    } as unknown as block.BlockClient;
    const device = fidlDevice(client, 'channel', 'fdf.block.Block/default');
    const op = rwOp(own);
    const reply = await device.queue({ op });
    expect(reply.status).toBe(Status.OK);
    expect(reply.op).toBe(op);
    expect(seen[0]).not.toBe(own);
    expect(own.closed).toBe(false);
    expect(returned[0]!.closed).toBe(true);
  });

  it('passes ops by reference over the Driver transport', async () => {
    const own = Vmo.create(512);
    let seen: block.BlockOp | undefined;
    const client = {
      queue: ({ op }: { op: block.BlockOp }) => {
        seen = op;
        return Promise.resolve({ status: Status.OK, op });
      },
    } as unknown as block.BlockClient;
    const op = rwOp(own);
    await fidlDevice(client, 'driver', 'x').queue({ op });
    expect(seen).toBe(op);
  });

  it('completes a Banjo op once, also when the table completes inside queue or throws', async () => {
    const op = rwOp(Vmo.create(512));
    const inline = {
      query: () => ({ info: INFO, opSize: 0n }),
      queue: (_r: unknown, done: (r: { status: number; op: block.BlockOp }) => void) =>
        done({ status: Status.ERR_IO, op }),
    } as unknown as blockBanjo.BlockBanjoClient;
    expect((await banjoDevice(inline, 'x').queue({ op })).status).toBe(Status.ERR_IO);
    const throwing = {
      queue: () => {
        throw new StatusError(Status.ERR_BAD_STATE, 'broken table');
      },
    } as unknown as blockBanjo.BlockBanjoClient;
    expect((await banjoDevice(throwing, 'x').queue({ op })).status).toBe(Status.ERR_BAD_STATE);
  });
});

describe('block-server options from the node', () => {
  const node = (props: Record<string, unknown>) => ({ property: (k: string) => props[k] as never });
  it('reads the split size and FIFO depth, and names a bad one', () => {
    expect(serverOptions(node({}), 'here')).toEqual({});
    expect(
      serverOptions(
        node({
          'fdf.block_server.max_transfer_blocks': 'device',
          'fdf.block_server.fifo_depth': 32,
        }),
        'here',
      ),
    ).toEqual({ maxTransferBlocks: 'device', fifoDepth: 32 });
    expect(() => serverOptions(node({ 'fdf.block_server.fifo_depth': 500 }), 'here')).toThrow(
      'here: fdf.block_server.fifo_depth is 500; give a number from 1 to 102',
    );
  });
});
