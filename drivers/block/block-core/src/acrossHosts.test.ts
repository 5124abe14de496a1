/**
 * block-core in a host of its own, its device (a MemoryDevice served as
 * fdf.block/BlockImpl) in another: every op to the device is the Channel
 * transport, where a VMO handle written into a message moves with it. An op
 * larger than the device's max transfer is split; each part must carry a
 * handle of its own (a duplicate), the caller's handle must come back with
 * the original op, and every handle block-core made must be closed once.
 */
import { block } from '@fdf/bindings';
import { TestStack, patternVmo, readOp, sha256, writeOp } from '@fdf/block-lib/testing';
import { OutgoingDirectory } from '@fdf/framework';
import { env } from '@fdf/runtime';
import { Handle, Status, Vmo, ZX_DEFAULT_VMO_RIGHTS, ZX_RIGHT_DUPLICATE } from '@fdf/zx';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockCoreDriver } from './driver.js';
import { MemoryDevice } from './__tests__/memoryDevice.js';

const BS = 512;
const DEVICE = 'root/sys/platform/ramdisk-0/block';
const CORE = `${DEVICE}/block`;

let stack: TestStack | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  stack = undefined;
});

/** The device in host `ramdisk`, block-core in host `core`: BlockImpl over the Channel transport. */
async function boot(
  device: MemoryDevice,
): Promise<{ stack: TestStack; driver: BlockCoreDriver; outgoing: OutgoingDirectory }> {
  stack = new TestStack();
  const dispatcher = env.createDispatcherWithOwner({ name: 'ramdisk' }, { name: 'ramdisk' });
  const outgoing = new OutgoingDirectory('ramdisk', dispatcher);
  outgoing.addService(block.BlockImpl, {
    query: (completer) => completer.reply(device.query()),
    queue: (request, completer, arena) =>
      device.queue(request.op, (status, op) => completer.reply({ status, op }), arena),
  });
  stack.addProvider(
    DEVICE,
    outgoing,
    { 'fuchsia.BIND_PROTOCOL': 'fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL' },
    'ramdisk',
  );
  const driver = await stack.start(DEVICE, BlockCoreDriver, { name: 'block-core', host: 'core' });
  return { stack, driver, outgoing };
}

/** Queues `op` on block-core's Block; resolves with the reply once everything settled. */
async function queue(stack: TestStack, op: block.BlockOp): Promise<block.BlockQueueResponse> {
  const client = stack.connect(block.Block, CORE);
  const reply = client.queue({ op });
  await stack.settle();
  return reply;
}

/** Records the VMO handles block-core duplicates and the ones it closes. */
function watchHandles(): { lent: Vmo[]; closed: Handle[] } {
  const lent: Vmo[] = [];
  const closed: Handle[] = [];
  const duplicate = Vmo.prototype.duplicate;
  vi.spyOn(Vmo.prototype, 'duplicate').mockImplementation(function (this: Vmo, rights?: number) {
    const dup = duplicate.call(this, rights);
    lent.push(dup);
    return dup;
  });
  const close = Handle.prototype.close;
  vi.spyOn(Handle.prototype, 'close').mockImplementation(function (this: Handle) {
    if (this instanceof Vmo) closed.push(this);
    close.call(this);
  });
  return { lent, closed };
}

describe('block-core across hosts (Channel transport to the device)', () => {
  it('splits a write and a read: each part gets its own handle, data verified, the caller keeps its VMO', async () => {
    // 8 blocks per op at most: 64 blocks are 8 parts, 4 in flight at a time.
    const device = new MemoryDevice(BS, 128, 8 * BS);
    const { stack, driver } = await boot(device);
    expect(stack.node(DEVICE).provider?.host).toBe('ramdisk');
    const handles = watchHandles();

    const src = patternVmo(64 * BS, 7);
    const write = writeOp(src, 64, 10);
    const wrote = await queue(stack, write);
    expect(wrote.status).toBe(Status.OK);
    // The original op comes back, with the caller's own handle, still open.
    expect(wrote.op).toBe(write);
    expect(wrote.op.$tag === 'rw' && wrote.op.rw.vmo).toBe(src);
    expect(src.closed).toBe(false);
    expect(sha256(device.bytes.subarray(10 * BS, 74 * BS))).toBe(sha256(src.view()));

    const dst = Vmo.create(64 * BS);
    const read = readOp(dst, 64, 10);
    const got = await queue(stack, read);
    expect(got.status).toBe(Status.OK);
    expect(got.op.$tag === 'rw' && got.op.rw.vmo).toBe(dst);
    expect(dst.closed).toBe(false);
    expect(sha256(dst.view())).toBe(sha256(src.view()));

    // 16 parts reached the device, each with a handle that moved to it (not the caller's).
    expect(device.issued).toHaveLength(16);
    expect(device.completed.every((c) => c.status === Status.OK)).toBe(true);
    const devHandles = device.issued.map((i) => (i.op.$tag === 'rw' ? i.op.rw.vmo : null));
    expect(devHandles.every((h) => h !== src && h !== dst)).toBe(true);
    // Each part was lent one duplicate, which moved with its message; the handle each
    // reply brought back was closed exactly once (a second close would have thrown).
    expect(handles.lent).toHaveLength(16);
    expect(handles.lent.every((h) => h.closed)).toBe(true);
    expect(handles.closed).toHaveLength(16);
    expect(new Set(handles.closed).size).toBe(16);
    expect(handles.closed.some((h) => h === src || h === dst)).toBe(false);
    expect(driver.core?.stats().split).toEqual({ ops: 2, subOps: 16 });
    expect(driver.core?.inFlight).toBe(0);
  });

  it('an op within the max transfer goes down whole with a lent handle and comes back with its caller handle', async () => {
    const device = new MemoryDevice(BS, 32, 8 * BS);
    const { stack } = await boot(device);
    const handles = watchHandles();
    const src = patternVmo(4 * BS, 3);
    const expected = sha256(src.read(0, 4 * BS));
    const write = writeOp(src, 4, 0);
    const wrote = await queue(stack, write);
    expect(wrote.status).toBe(Status.OK);
    expect(device.issued).toHaveLength(1);
    expect(sha256(device.bytes.subarray(0, 4 * BS))).toBe(expected);
    // One duplicate moved to the device; the handle its reply carried was closed once;
    // the caller's own handle never left and comes back with the op, still open.
    expect(handles.lent).toHaveLength(1);
    expect(handles.lent[0]?.closed).toBe(true);
    expect(handles.closed).toHaveLength(1);
    expect(handles.closed[0]).not.toBe(src);
    expect(src.closed).toBe(false);
    expect(wrote.op.$tag === 'rw' && wrote.op.rw.vmo).toBe(src);
    expect(sha256(src.read(0, 4 * BS))).toBe(expected);
  });

  it('the device host going away while a whole op is out: ERR_PEER_CLOSED once, the caller keeps its VMO', async () => {
    const device = new MemoryDevice(BS, 32, 8 * BS);
    device.mode = { kind: 'manual' };
    const { stack, driver, outgoing } = await boot(device);
    const src = patternVmo(4 * BS, 9);
    const client = stack.connect(block.Block, CORE);
    let completions = 0;
    const reply = client.queue({ op: writeOp(src, 4, 0) }).then((r) => {
      completions++;
      return r;
    });
    await stack.settle();
    expect(device.issued).toHaveLength(1);
    expect(completions).toBe(0);
    // The device's side closes its channels, as when its host dies.
    outgoing.close();
    const got = await reply;
    await stack.settle();
    expect(got.status).toBe(Status.ERR_PEER_CLOSED);
    expect(completions).toBe(1);
    expect(got.op.$tag === 'rw' && got.op.rw.vmo).toBe(src);
    expect(src.closed).toBe(false);
    expect(src.read(0, BS)).toHaveLength(BS);
    expect(
      stack
        .host('core')
        .reports()
        .map((r) => r.state),
    ).toEqual(['running']);
    expect(driver.core?.inFlight).toBe(0);
  });

  it('a part that fails completes the original once with its status; the caller keeps its VMO', async () => {
    const device = new MemoryDevice(BS, 128, 8 * BS);
    device.badBlocks = { start: 30, count: 1 };
    const { stack, driver } = await boot(device);
    const handles = watchHandles();
    const dst = Vmo.create(64 * BS);
    const got = await queue(stack, readOp(dst, 64, 10));
    expect(got.status).toBe(Status.ERR_IO);
    expect(got.op.$tag === 'rw' && got.op.rw.vmo).toBe(dst);
    expect(dst.closed).toBe(false);
    // Parts issued before the failure was seen all came back; none is left open.
    expect(handles.lent.length).toBe(device.issued.length);
    expect(handles.lent.every((h) => h.closed)).toBe(true);
    expect(handles.closed).toHaveLength(device.issued.length);
    expect(driver.core?.inFlight).toBe(0);
  });

  it('a VMO block-core cannot lend (no DUPLICATE right) fails the op, sends nothing, and the host lives on', async () => {
    const device = new MemoryDevice(BS, 128, 8 * BS);
    const { stack, driver } = await boot(device);
    const src = patternVmo(64 * BS, 5);
    const noDup = src.duplicate(ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_DUPLICATE);
    const wrote = await queue(stack, writeOp(noDup, 64, 0));
    expect(wrote.status).toBe(Status.ERR_ACCESS_DENIED);
    expect(device.issued).toHaveLength(0);
    expect(noDup.closed).toBe(false);
    // The next op still works.
    const ok = await queue(stack, writeOp(src, 64, 0));
    expect(ok.status).toBe(Status.OK);
    expect(driver.core?.inFlight).toBe(0);
  });
});
