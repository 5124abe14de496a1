/**
 * The shared forwarding pieces end to end: a pass-through driver on a
 * TestStack connects to a memory disk with `connectParentBlock`, reads
 * through it with `readBlocks`, and offers its child Block (`blockServer`,
 * `blockBanjoOps`) and Partition (`partitionServer`, `partitionBanjoOps`),
 * in the Banjo variant, the Driver variant in one host, and across hosts.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { DriverBase, OutgoingDirectory, type DriverVariant } from '@fdf/framework';
import { env } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BLOCK_BIND_PROTOCOL,
  blockBanjoOps,
  blockServer,
  connectParentBlock,
  isOffered,
  offeredInstance,
  partitionBanjoOps,
  partitionServer,
  queueAsync,
  readBlocks,
  writeBlocks,
  type BlockDevice,
  type ParentBlock,
  type PartitionIdentity,
} from '../src/index.js';
import { MemoryDisk, TestStack, plaintext, run, rwOp, sameBytes } from '../src/testing/index.js';

const BS = 512;
const BLOCKS = 64;
const DISK = 'root/sys/platform/ramdisk-0/block';
const CHILD = `${DISK}/child`;
const IDENTITY: PartitionIdentity = {
  typeGuid: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
  instanceGuid: Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i),
  name: 'pass',
};

/** Forwards every op unchanged; records what it saw at start. */
class PassThroughDriver extends DriverBase {
  parent: ParentBlock | undefined;
  firstBlock: Uint8Array | undefined;
  instance: string | undefined;

  async start(): Promise<void> {
    const protocol = this.variant === 'banjo' ? blockBanjo.Block.name : block.Block.name;
    this.instance = offeredInstance(this, protocol).instance;
    const parent = connectParentBlock(this);
    this.parent = parent;
    const info = await parent.query();
    this.firstBlock = await readBlocks(parent, info.info.blockSize, 0n, 1);
    const device: BlockDevice = {
      query: () => info,
      queue: (op, arena, done) => parent.queue(op, arena, done),
    };
    const offers =
      this.variant === 'banjo'
        ? [
            this.outgoing.addBanjo(blockBanjo.Block, blockBanjoOps(), device),
            this.outgoing.addBanjo(blockBanjo.Partition, partitionBanjoOps(), IDENTITY),
          ]
        : [
            this.outgoing.addService(block.Block, blockServer(device)),
            this.outgoing.addService(block.Partition, partitionServer(IDENTITY)),
          ];
    await this.node.addChild({ name: 'child', properties: {}, offers });
  }
}

function diskImage(): Uint8Array {
  const bytes = new Uint8Array(BLOCKS * BS);
  bytes.set(plaintext(BS, 'block zero'), 0);
  return bytes;
}

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

interface Setup {
  readonly variant: DriverVariant;
  readonly host: string;
  readonly transport: string;
}

const SETUPS: Setup[] = [
  { variant: 'banjo', host: 'block', transport: 'banjo' },
  { variant: 'driver', host: 'block', transport: 'driver' },
  { variant: 'driver', host: 'other', transport: 'channel' },
];

async function boot(setup: Setup): Promise<{
  stack: TestStack;
  disk: MemoryDisk;
  driver: PassThroughDriver;
}> {
  stack = new TestStack();
  const disk = new MemoryDisk(diskImage(), BS);
  disk.serve(stack, DISK);
  const driver = await stack.start(DISK, PassThroughDriver, {
    variant: setup.variant,
    name: 'pass',
    host: setup.host,
  });
  return { stack, disk, driver };
}

describe.each(SETUPS)('forwarding ($variant variant, $transport transport)', (setup) => {
  it('connects to the one instance the node offers and reads through it at start', async () => {
    const { driver } = await boot(setup);
    expect(driver.parent?.transport).toBe(setup.transport);
    expect(driver.instance).toBe('default');
    expect(sameBytes(driver.firstBlock!, plaintext(BS, 'block zero'))).toBe('equal');
  });

  it('writes and reads whole blocks through the parent', async () => {
    const { disk, driver } = await boot(setup);
    const parent = driver.parent!;
    const data = plaintext(3 * BS, 'parent io');
    await writeBlocks(parent, BS, 7n, data);
    expect(sameBytes(disk.bytes.subarray(7 * BS, 10 * BS), data)).toBe('equal');
    expect(sameBytes(await readBlocks(parent, BS, 7n, 3), data)).toBe('equal');
  });

  it('rejects with the status of the device below, saying what was asked', async () => {
    const { driver } = await boot(setup);
    const failed = await readBlocks(driver.parent!, BS, BigInt(BLOCKS - 1), 2).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(StatusError.is(failed) && failed.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect((failed as Error).message).toMatch(
      /reading 2 blocks at block 63: the device below answered ZX_ERR_OUT_OF_RANGE/,
    );
  });

  it("serves the child's Block: ops reach the disk and complete once", async () => {
    const { stack, disk } = await boot(setup);
    const child = stack.connectBlock(CHILD, setup.variant);
    expect((await child.query()).info.blockCount).toBe(BigInt(BLOCKS));
    const data = plaintext(2 * BS, 'child write');
    const vmo = Vmo.create(2 * BS);
    vmo.write(data, 0);
    const wrote = await run(child, rwOp(block.BlockOpcode.WRITE, vmo, 11n, 2));
    expect(wrote.status).toBe(Status.OK);
    expect(sameBytes(disk.bytes.subarray(11 * BS, 13 * BS), data)).toBe('equal');
    // Across hosts `vmo` moved with the op (the reply carries it back): read into a new one.
    const into = Vmo.create(BS);
    const failed = await run(child, rwOp(block.BlockOpcode.READ, into, BigInt(BLOCKS), 1));
    expect(failed.status).toBe(Status.ERR_OUT_OF_RANGE);
    await stack.settle();
    expect(wrote.completions()).toBe(1);
    expect(failed.completions()).toBe(1);
  });

  it("serves the child's Partition: GUIDs as given, and the name", async () => {
    const { stack } = await boot(setup);
    if (setup.variant === 'banjo') {
      const client = stack.connectBanjo(blockBanjo.Partition, CHILD);
      expect(client.getGuid({ guidType: block.GuidType.TYPE })).toEqual({
        $tag: 'response',
        response: { guid: { value: IDENTITY.typeGuid } },
      });
      expect(client.getGuid({ guidType: block.GuidType.INSTANCE })).toEqual({
        $tag: 'response',
        response: { guid: { value: IDENTITY.instanceGuid } },
      });
      // A direct call can pass what FIDL validation would refuse.
      expect(client.getGuid({ guidType: 7 as block.GuidType })).toEqual({
        $tag: 'err',
        err: Status.ERR_INVALID_ARGS,
      });
      expect(client.getName()).toEqual({ $tag: 'response', response: { name: 'pass' } });
    } else {
      const client = stack.connect(block.Partition, CHILD);
      expect(await client.getGuid({ guidType: block.GuidType.TYPE })).toMatchObject({
        response: { guid: { value: IDENTITY.typeGuid } },
      });
      expect(await client.getGuid({ guidType: block.GuidType.INSTANCE })).toMatchObject({
        response: { guid: { value: IDENTITY.instanceGuid } },
      });
      expect(await client.getName()).toEqual({ $tag: 'response', response: { name: 'pass' } });
    }
  });
});

describe('finding the parent', () => {
  /** Looks for the Block protocol of its variant, as connectParentBlock does, and records it. */
  class ProbeDriver extends DriverBase {
    offered = false;
    parentRole: string | undefined;
    start(): Promise<void> {
      const protocol = this.variant === 'banjo' ? blockBanjo.Block.name : block.Block.name;
      this.offered = isOffered(this, protocol);
      this.parentRole = offeredInstance(this, protocol).parent;
      return Promise.resolve();
    }
  }

  it('isOffered and offeredInstance see the parent offer of the node', async () => {
    stack = new TestStack();
    new MemoryDisk(diskImage(), BS).serve(stack, DISK);
    const probe = await stack.start(DISK, ProbeDriver, { name: 'probe' });
    expect(probe.offered).toBe(true);
    expect(probe.parentRole).toBe('default');
  });

  it('offeredInstance fails with ERR_NOT_FOUND when the node offers no such protocol', async () => {
    stack = new TestStack();
    new MemoryDisk(diskImage(), BS).serve(stack, DISK);
    // The Driver variant's child offers fdf.block.Block, not the Banjo table.
    await stack.start(DISK, PassThroughDriver, { name: 'pass' });
    const failed = await stack.start(CHILD, ProbeDriver, { name: 'probe', variant: 'banjo' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(StatusError.is(failed) && failed.status).toBe(Status.ERR_NOT_FOUND);
    expect((failed as Error).message).toContain(
      "needs exactly one 'fdf.block.banjo.Block/<instance>' offer",
    );
  });

  it('queueAsync resolves with the op the parent returned', async () => {
    const { driver } = await boot(SETUPS[1]!);
    const vmo = Vmo.create(BS);
    const op = await queueAsync(
      driver.parent!,
      rwOp(block.BlockOpcode.READ, vmo, 0n, 1),
      'reading block 0',
    );
    expect(op.$tag === 'rw' && op.rw.offsetDev).toBe(0n);
    expect(sameBytes(vmo.read(0, BS), plaintext(BS, 'block zero'))).toBe('equal');
  });
});

describe('the parent host going away while a whole op is out (across hosts)', () => {
  /** A disk in host `block` that can hold ops, and close its side as its host dying would. */
  function holdingDisk(stack: TestStack): {
    hold: () => void;
    held: () => number;
    die: () => void;
  } {
    const disk = new MemoryDisk(diskImage(), BS);
    const dispatcher = env.createDispatcherWithOwner({ name: 'held-disk' }, { name: 'held-disk' });
    const outgoing = new OutgoingDirectory('held-disk', dispatcher);
    let holding = false;
    let held = 0;
    outgoing.addService(block.Block, {
      query: (completer) => completer.reply(disk.query()),
      queue: ({ op }, completer) => {
        if (holding) held++;
        else completer.reply({ status: disk.run(op), op });
      },
    });
    stack.addProvider(DISK, outgoing, { 'fuchsia.BIND_PROTOCOL': BLOCK_BIND_PROTOCOL }, 'block');
    return {
      hold: () => (holding = true),
      held: () => held,
      die: () => outgoing.close(),
    };
  }

  it('completes the op once with ERR_PEER_CLOSED, with the caller’s VMO still open; the child host lives on', async () => {
    stack = new TestStack();
    const disk = holdingDisk(stack);
    const driver = await stack.start(DISK, PassThroughDriver, { name: 'pass', host: 'other' });
    expect(driver.parent?.transport).toBe('channel');
    disk.hold();

    const child = stack.connectBlock(CHILD);
    const data = plaintext(2 * BS, 'still mine');
    const vmo = Vmo.create(2 * BS);
    vmo.write(data, 0);
    const op = rwOp(block.BlockOpcode.WRITE, vmo, 3n, 2);
    const wrote = run(child, op);
    await stack.settle();
    expect(disk.held()).toBe(1);

    disk.die();
    const got = await wrote;
    await stack.settle();
    expect(got.status).toBe(Status.ERR_PEER_CLOSED);
    expect(got.completions()).toBe(1);
    // The caller's op comes back with its own handle, open and usable.
    expect(got.op.$tag === 'rw' && got.op.rw.vmo).toBe(vmo);
    expect(vmo.closed).toBe(false);
    expect(sameBytes(vmo.read(0, 2 * BS), data)).toBe('equal');
    // The host of the driver above did not crash; its next op fails the same way, once.
    expect(
      stack
        .host('other')
        .reports()
        .map((r) => r.state),
    ).toEqual(['running']);
    const again = await run(child, rwOp(block.BlockOpcode.READ, vmo, 0n, 1));
    await stack.settle();
    expect(again.status).toBe(Status.ERR_PEER_CLOSED);
    expect(again.completions()).toBe(1);
    expect(vmo.closed).toBe(false);
    expect(
      stack
        .host('other')
        .reports()
        .map((r) => r.state),
    ).toEqual(['running']);
  });
});
