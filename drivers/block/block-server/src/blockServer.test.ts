// BlockServer itself: creation checks, and the device below reached through the
// generated Driver-transport fdf.block/Block client, as in a real block host.
import { block } from '@fdf/bindings';
import { bindDriverServer, createDriverClient } from '@fdf/fidl';
import { Arena, Channel, env } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectsWith } from '../test/harness.js';
import { MemoryBlockDevice } from '../test/memoryBlockDevice.js';
import type { BlockDevice } from './blockDevice.js';
import { BlockServer } from './blockServer.js';
import { connectLocal } from './localSession.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

function dispatcher(name: string) {
  return env.createDispatcherWithOwner({ name }, { name });
}

describe('BlockServer.create', () => {
  it('refuses a device with a zero block size and bad options, saying which', async () => {
    const d = dispatcher('block-server');
    await rejectsWith(
      BlockServer.create(new MemoryBlockDevice({ blockCount: 8, blockSize: 0 }), { dispatcher: d }),
      Status.ERR_BAD_STATE,
    );
    const device = new MemoryBlockDevice({ blockCount: 8, blockSize: 512 });
    await rejectsWith(
      BlockServer.create(device, { dispatcher: d, fifoDepth: 103 }),
      Status.ERR_INVALID_ARGS,
    );
    await rejectsWith(
      BlockServer.create(device, { dispatcher: d, maxInFlight: 0 }),
      Status.ERR_INVALID_ARGS,
    );
    await rejectsWith(
      BlockServer.create(device, { dispatcher: d, maxTransferBlocks: -1 }),
      Status.ERR_INVALID_ARGS,
    );
  });

  it("does not split in 'device' mode when the device takes transfers of any size", async () => {
    const device = new MemoryBlockDevice({ blockCount: 8, blockSize: 512 });
    const server = await BlockServer.create(device, {
      dispatcher: dispatcher('bs'),
      maxTransferBlocks: 'device',
    });
    expect(server.maxTransferBlocks).toBe(0);
    expect(server.fifoDepth).toBe(102);
  });

  it('serves a smaller FIFO depth when asked, and the client follows it', async () => {
    const device = new MemoryBlockDevice({ blockCount: 8, blockSize: 512 });
    const server = await BlockServer.create(device, { dispatcher: dispatcher('bs'), fifoDepth: 4 });
    const client = connectLocal(server);
    expect(client.maxInFlight).toBe(4);
    await Promise.all(Array.from({ length: 20 }, () => client.flush()));
    expect(server.stats().totals).toMatchObject({ requests: 20, responses: 20 });
  });
});

describe('over the Driver transport', () => {
  it('queues ops through a generated fdf.block/Block client; the op and its arena reach the device', async () => {
    const memory = new MemoryBlockDevice({ blockCount: 128, blockSize: 512 });
    const arenas: Arena[] = [];
    const impl: block.BlockServer = {
      query: (completer) => {
        void memory.query().then((r) => completer.reply(r));
      },
      queue: (request, completer, arena) => {
        arenas.push(arena);
        void memory.queue(request, arena).then((r) => completer.reply(r));
      },
    };
    const [clientEnd, serverEnd] = Channel.create();
    const serverDispatcher = dispatcher('block-server');
    bindDriverServer(block.Block, serverEnd, impl, { dispatcher: dispatcher('block-core') });
    const device: BlockDevice = createDriverClient(block.Block, clientEnd, {
      dispatcher: serverDispatcher,
    });
    const server = await BlockServer.create(device, { dispatcher: serverDispatcher });
    expect(server.info.blockCount).toBe(128n);

    const client = connectLocal(server);
    const vmo = Vmo.create(8 * 512);
    const view = vmo.view();
    const vmoid = await client.attachVmo(vmo);
    view.fill(0x3c, 0, 2048);
    await client.write(vmoid, 64, 4);
    await client.read(vmoid, 64, 4, 4);
    expect(view.subarray(2048, 4096).every((b) => b === 0x3c)).toBe(true);
    expect(memory.storage[64 * 512]).toBe(0x3c);
    // One arena per op, created by block-server and handed down with the op.
    expect(arenas).toHaveLength(2);
    expect(arenas[0]).not.toBe(arenas[1]);
    expect(memory.seen.every((s) => s.hadArena)).toBe(true);
    await client.close();
  });
});
