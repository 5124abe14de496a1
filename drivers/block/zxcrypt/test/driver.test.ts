import { block } from '@fdf/bindings';
import { MemoryDisk, TestStack, plaintext, run, rwOp, sameBytes } from '@fdf/block-lib/testing';
import type { DriverVariant } from '@fdf/framework';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SHADOW_BYTES,
  UNSEALED_BIND_PROTOCOL,
  ZxcryptDriver,
  decryptBlocks,
  formatZxcrypt,
} from '../src/index.js';

const BS = 512;
const BLOCKS = 4096;
const VOLUME = 'root/sys/platform/ramdisk-0/block/part-002/data-p-1';
const NODE = `${VOLUME}/data-zxcrypt`;
const UNSEALED = `${NODE}/unsealed`;
const ROOT_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

interface Booted {
  stack: TestStack;
  disk: MemoryDisk;
  zxcrypt: ZxcryptDriver;
  dataKey: Uint8Array;
}

async function boot(
  variant: DriverVariant,
  options: { completeLater?: boolean; key?: string | number; image?: Uint8Array } = {},
): Promise<Booted> {
  const formatted = formatZxcrypt(BLOCKS, BS, ROOT_KEY);
  const image = options.image ?? new Uint8Array(BLOCKS * BS);
  if (options.image === undefined) image.set(formatted.superblocks, 0);
  stack = new TestStack();
  const disk = new MemoryDisk(image, BS);
  disk.completeLater = options.completeLater ?? false;
  disk.serve(stack, VOLUME);
  stack.addComposite('data-zxcrypt', VOLUME, 'volume', {
    'fdf.block.zxcrypt': true,
    'fdf.zxcrypt.root_key': options.key ?? hex(ROOT_KEY),
    'fdf.block.partition_name': 'data',
  });
  const zxcrypt = await stack.start(NODE, ZxcryptDriver, { variant, name: 'zxcrypt' });
  return { stack, disk, zxcrypt, dataKey: formatted.dataKey };
}

function failure(promise: Promise<unknown>): Promise<StatusError> {
  return promise.then(
    () => {
      throw new StatusError(Status.ERR_BAD_STATE, 'expected the start to fail');
    },
    (err: unknown) => err as StatusError,
  );
}

describe.each<DriverVariant>(['driver', 'banjo'])('zxcrypt driver (%s variant)', (variant) => {
  it('adds the unsealed node and hides the reserved blocks', async () => {
    const { stack, zxcrypt } = await boot(variant);
    const [child] = stack.children(NODE);
    expect(child?.name).toBe('unsealed');
    expect(child?.properties).toEqual([
      { key: 'fuchsia.BIND_PROTOCOL', value: UNSEALED_BIND_PROTOCOL },
      { key: 'fdf.block.partition_name', value: 'data' },
    ]);
    expect(zxcrypt.geometry?.reservedBlocks).toBe(2);
    const { info } = await stack.connectBlock(UNSEALED, variant).query();
    expect(info.blockCount).toBe(BigInt(BLOCKS - 2));
    expect(info.maxTransferSize).toBe(SHADOW_BYTES);
  });

  it.each([false, true])(
    'reads back what it wrote; the device holds only ciphertext (device completes later: %s)',
    async (completeLater) => {
      const { stack, disk, zxcrypt, dataKey } = await boot(variant, { completeLater });
      const client = stack.connectBlock(UNSEALED, variant);
      const data = plaintext(16 * BS, 'zxcrypt secret payload, never on disk');
      const vmo = Vmo.create(20 * BS);
      vmo.write(data, 4 * BS);
      const wrote = await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 100n, 16, 4n));
      expect(wrote.status).toBe(Status.OK);
      expect(wrote.completions()).toBe(1);
      // The client gets its op back with its own VMO and offsets; its buffer is unchanged.
      expect(wrote.op.$tag === 'rw' && wrote.op.rw.vmo).toBe(vmo);
      expect(wrote.op.$tag === 'rw' && [wrote.op.rw.offsetVmo, wrote.op.rw.offsetDev]).toEqual([
        4n,
        100n,
      ]);
      expect(sameBytes(vmo.read(4 * BS, data.length), data)).toBe('equal');
      // Client block 100 is device block 102.
      expect(disk.ops.at(-1)).toEqual({
        opcode: block.BlockOpcode.WRITE,
        offsetDev: 102n,
        length: 16,
      });

      // No plaintext anywhere on the device: not the message, not any 32-byte piece of it.
      for (let at = 0; at < data.length; at += 512) {
        expect(disk.find(data.subarray(at, at + 32))).toEqual([]);
      }
      // It is the right ciphertext: the device's blocks decrypt with the data key and tweak 102.
      const raw = disk.bytes.slice(102 * BS, 118 * BS);
      decryptBlocks(dataKey, 102, raw, raw, BS);
      expect(sameBytes(raw, data)).toBe('equal');

      const into = Vmo.create(16 * BS);
      const read = await run(client, rwOp(block.BlockOpcode.READ, into, 100n, 16));
      expect(read.status).toBe(Status.OK);
      expect(read.completions()).toBe(1);
      expect(sameBytes(into.read(0, data.length), data)).toBe('equal');
      expect(zxcrypt.counters.get('zxcrypt.encrypted_blocks')).toBe(16);
      expect(zxcrypt.counters.get('zxcrypt.decrypted_blocks')).toBe(16);
    },
  );

  it('never touches the superblocks: client block 0 is device block 2', async () => {
    const { stack, disk } = await boot(variant);
    const superblocks = disk.bytes.slice(0, 2 * BS);
    const client = stack.connectBlock(UNSEALED, variant);
    const vmo = Vmo.create(2 * BS);
    expect((await run(client, rwOp(block.BlockOpcode.WRITE, vmo, 0n, 2))).status).toBe(Status.OK);
    expect(disk.ops.at(-1)?.offsetDev).toBe(2n);
    expect(sameBytes(disk.bytes.subarray(0, 2 * BS), superblocks)).toBe('equal');
  });

  it('refuses ops past the end, too large for the shadow, or with a short VMO', async () => {
    const { stack, disk, zxcrypt } = await boot(variant);
    const client = stack.connectBlock(UNSEALED, variant);
    const before = disk.ops.length;
    const end = BigInt(BLOCKS - 2);
    const cases: [block.BlockOp, Status][] = [
      [rwOp(block.BlockOpcode.READ, Vmo.create(2 * BS), end - 1n, 2), Status.ERR_OUT_OF_RANGE],
      [rwOp(block.BlockOpcode.WRITE, Vmo.create(BS), end, 1), Status.ERR_OUT_OF_RANGE],
      // VMOs are whole 4096-byte pages: 8 blocks, and the op wants 9.
      [rwOp(block.BlockOpcode.WRITE, Vmo.create(4096), 0n, 9), Status.ERR_OUT_OF_RANGE],
      [
        rwOp(block.BlockOpcode.WRITE, Vmo.create(SHADOW_BYTES + BS), 0n, SHADOW_BYTES / BS + 1),
        Status.ERR_INVALID_ARGS,
      ],
      [
        block.BlockOp.trim({
          command: { opcode: block.BlockOpcode.TRIM, flags: 0 },
          length: 1,
          offsetDev: end,
        }),
        Status.ERR_OUT_OF_RANGE,
      ],
    ];
    for (const [op, status] of cases) {
      const result = await run(client, op);
      expect(result.status).toBe(status);
      expect(result.completions()).toBe(1);
    }
    expect(disk.ops.length).toBe(before);
    expect(zxcrypt.counters.get('block.errors')).toBe(cases.length);
  });

  it('shifts trims and forwards flushes', async () => {
    const { stack, disk } = await boot(variant);
    const client = stack.connectBlock(UNSEALED, variant);
    const trim = block.BlockOp.trim({
      command: { opcode: block.BlockOpcode.TRIM, flags: 0 },
      length: 4,
      offsetDev: 10n,
    });
    expect((await run(client, trim)).status).toBe(Status.OK);
    expect(disk.ops.at(-1)).toEqual({ opcode: block.BlockOpcode.TRIM, offsetDev: 12n, length: 4 });
    const flush = block.BlockOp.flush({ command: { opcode: block.BlockOpcode.FLUSH, flags: 0 } });
    expect((await run(client, flush)).status).toBe(Status.OK);
  });

  it('queues writes that do not fit the shadow and starts them as space frees', async () => {
    const { stack, disk, zxcrypt } = await boot(variant, { completeLater: true });
    const client = stack.connectBlock(UNSEALED, variant);
    const per = SHADOW_BYTES / BS / 2 + 1; // two of these never fit together
    const writes = [0, 1, 2].map((i) => {
      const vmo = Vmo.create(per * BS);
      vmo.write(plaintext(per * BS, `write ${i}`), 0);
      return run(client, rwOp(block.BlockOpcode.WRITE, vmo, BigInt(i * per), per));
    });
    const results = await Promise.all(writes);
    expect(results.map((r) => [r.status, r.completions()])).toEqual([
      [Status.OK, 1],
      [Status.OK, 1],
      [Status.OK, 1],
    ]);
    expect(zxcrypt.counters.get('zxcrypt.shadow_waits')).toBeGreaterThan(0);
    for (const i of [0, 1, 2]) {
      const into = Vmo.create(per * BS);
      expect(
        (await run(client, rwOp(block.BlockOpcode.READ, into, BigInt(i * per), per))).status,
      ).toBe(Status.OK);
      expect(sameBytes(into.read(0, per * BS), plaintext(per * BS, `write ${i}`))).toBe('equal');
    }
    expect(disk.find(plaintext(per * BS, 'write 1').subarray(0, 64))).toEqual([]);
  });

  it('passes device errors up without decrypting, and frees the shadow', async () => {
    const { stack, disk, zxcrypt } = await boot(variant);
    const client = stack.connectBlock(UNSEALED, variant);
    disk.failWrites.add(12n);
    const whole = SHADOW_BYTES / BS;
    const failed = await run(
      client,
      rwOp(block.BlockOpcode.WRITE, Vmo.create(SHADOW_BYTES), 0n, whole),
    );
    expect(failed.status).toBe(Status.ERR_IO);
    expect(failed.completions()).toBe(1);
    // The whole shadow is free again: a write of its full size goes through.
    disk.failWrites.clear();
    const ok = await run(
      client,
      rwOp(block.BlockOpcode.WRITE, Vmo.create(SHADOW_BYTES), 0n, whole),
    );
    expect(ok.status).toBe(Status.OK);
    expect(zxcrypt.counters.get('block.errors')).toBe(1);
  });

  it('fails to start with a wrong key: ZX_ERR_ACCESS_DENIED, no child', async () => {
    const wrong = hex(Uint8Array.from({ length: 32 }, (_, i) => i));
    const err = await failure(boot(variant, { key: wrong }));
    expect(StatusError.is(err, Status.ERR_ACCESS_DENIED)).toBe(true);
    expect(err.message).toMatch(
      /zxcrypt on .*data-zxcrypt: the volume cannot be unsealed: .*wrong root key/,
    );
    expect(stack?.children(NODE)).toEqual([]);
  });

  it('fails to start without a usable key property, saying how to give one', async () => {
    const missing = await failure(
      (async () => {
        stack = new TestStack();
        new MemoryDisk(new Uint8Array(BLOCKS * BS), BS).serve(stack, VOLUME);
        stack.addComposite('data-zxcrypt', VOLUME, 'volume', { 'fdf.block.zxcrypt': true });
        await stack.start(NODE, ZxcryptDriver, { variant, name: 'zxcrypt' });
      })(),
    );
    expect(StatusError.is(missing, Status.ERR_NOT_FOUND)).toBe(true);
    expect(missing.message).toMatch(/no fdf.zxcrypt.root_key property; give the volume's root key/);
    await stack?.stop();

    const short = await failure(boot(variant, { key: 'abcd' }));
    expect(StatusError.is(short, Status.ERR_INVALID_ARGS)).toBe(true);
    expect(short.message).toMatch(/32 or 64 hex digits/);
  });

  it('fails to start on a volume that is not zxcrypt', async () => {
    const err = await failure(boot(variant, { image: new Uint8Array(BLOCKS * BS) }));
    expect(StatusError.is(err, Status.ERR_NOT_SUPPORTED)).toBe(true);
    expect(err.message).toMatch(/format the volume with formatZxcrypt/);
  });
});
