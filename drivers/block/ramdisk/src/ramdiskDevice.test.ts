import { block } from '@fdf/bindings';
import {
  flushOp,
  patternVmo,
  readOp,
  recorder,
  resetRuntime,
  rw,
  sha256,
  trimOp,
  writeOp,
} from '@fdf/block-lib/testing';
import { Status, StatusError, Vmo, ZX_RIGHT_MAP, ZX_RIGHT_READ, ZX_RIGHT_TRANSFER } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { RamdiskDevice } from './ramdiskDevice.js';

afterEach(resetRuntime);

const BS = 512;

function disk(extra: Partial<ConstructorParameters<typeof RamdiskDevice>[0]> = {}) {
  const errors: StatusError[] = [];
  const device = new RamdiskDevice(
    { blockSize: BS, blockCount: 64, ...extra },
    { onError: (e) => errors.push(e) },
  );
  return { device, errors };
}

describe('RamdiskDevice: query', () => {
  it('reports its geometry, flags and max transfer size', () => {
    const { device } = disk({ maxTransferSize: 4 * BS, removable: true });
    expect(device.query()).toEqual({
      info: {
        blockCount: 64n,
        blockSize: BS,
        maxTransferSize: 4 * BS,
        flags: block.Flag.REMOVABLE | block.Flag.TRIM_SUPPORT,
      },
      opSize: 0n,
    });
  });
});

describe('RamdiskDevice: DMA', () => {
  it('writes then reads back the same bytes at every offset pair (checksums)', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    const src = patternVmo(16 * BS, 7);
    device.queue(writeOp(src, 8, 10, 4), complete);
    const dst = Vmo.create(16 * BS);
    device.queue(readOp(dst, 8, 10, 2), complete);
    expect(done.map((d) => d.status)).toEqual([Status.OK, Status.OK]);
    const written = src.read(4 * BS, 8 * BS);
    expect(sha256(dst.read(2 * BS, 8 * BS))).toBe(sha256(written));
    // The bytes sit in storage at the device offset, nowhere else.
    expect(sha256(device.storage.read(10 * BS, 8 * BS))).toBe(sha256(written));
    expect(device.storage.read(0, 10 * BS).every((b) => b === 0)).toBe(true);
    expect(device.storage.read(18 * BS, 46 * BS).every((b) => b === 0)).toBe(true);
    // The read touched only its own range of the destination VMO.
    expect(dst.read(0, 2 * BS).every((b) => b === 0)).toBe(true);
    expect(dst.read(10 * BS, 6 * BS).every((b) => b === 0)).toBe(true);
  });

  it('completes with the very op object it was given', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    const op = readOp(Vmo.create(BS), 1, 0);
    device.queue(op, complete);
    expect(done[0]?.op).toBe(op);
  });

  it('fills the whole device and reads it back in one op', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    const src = patternVmo(64 * BS, 99);
    const dst = Vmo.create(64 * BS);
    device.queue(writeOp(src, 64, 0), complete);
    device.queue(readOp(dst, 64, 0), complete);
    expect(done.map((d) => d.status)).toEqual([Status.OK, Status.OK]);
    expect(sha256(dst.view())).toBe(sha256(src.view()));
  });

  it('serves a disk image passed as storage', () => {
    const image = patternVmo(8 * BS, 3);
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 8 }, { storage: image });
    const { done, complete } = recorder();
    const dst = Vmo.create(BS);
    device.queue(readOp(dst, 1, 5), complete);
    expect(done[0]?.status).toBe(Status.OK);
    expect(dst.read(0, BS)).toEqual(image.read(5 * BS, BS));
  });

  it('refuses storage smaller than the geometry', () => {
    expect(
      () => new RamdiskDevice({ blockSize: 4096, blockCount: 2 }, { storage: Vmo.create(4096) }),
    ).toThrow(/storage VMO has 4096 bytes but 2 blocks of 4096 bytes need 8192/);
  });
});

describe('RamdiskDevice: refusals', () => {
  it('ERR_OUT_OF_RANGE past the end, naming the op and the device size', () => {
    const { device, errors } = disk();
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(8 * BS), 8, 60), complete);
    expect(done[0]?.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(errors[0]?.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(errors[0]?.message).toMatch(
      /READ of 8 blocks at device block 60 \(vmo block 0\): reaches past the end of the device \(64 blocks of 512 bytes\); keep offset_dev \+ length <= 64/,
    );
  });

  it('accepts an op that ends exactly at the last block', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(4 * BS), 4, 60), complete);
    expect(done[0]?.status).toBe(Status.OK);
  });

  it('ERR_OUT_OF_RANGE for offsets that do not fit a number, without a partial copy', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(BS), 1, 2n ** 63n), complete);
    device.queue(trimOp(1, 64), complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_OUT_OF_RANGE, Status.ERR_OUT_OF_RANGE]);
  });

  it('ERR_OUT_OF_RANGE when the op does not fit its VMO', () => {
    const { device, errors } = disk();
    const { done, complete } = recorder();
    device.queue(writeOp(Vmo.create(4096), 4, 0, 5), complete);
    expect(done[0]?.status).toBe(Status.ERR_OUT_OF_RANGE);
    expect(errors[0]?.message).toMatch(/past the end of its VMO \(4096 bytes, 8 blocks\)/);
  });

  it('ERR_INVALID_ARGS for a zero length and for more than max_transfer_size', () => {
    const { device, errors } = disk({ maxTransferSize: 4 * BS });
    const { done, complete } = recorder();
    device.queue(readOp(Vmo.create(8 * BS), 0, 0), complete);
    device.queue(readOp(Vmo.create(8 * BS), 5, 0), complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_INVALID_ARGS, Status.ERR_INVALID_ARGS]);
    expect(errors[1]?.message).toMatch(/2560 bytes, more than the device's max_transfer_size 2048/);
  });

  it('READONLY refuses writes and trims with ERR_ACCESS_DENIED and leaves storage alone', () => {
    const image = patternVmo(64 * BS, 5);
    const before = sha256(image.view());
    const errors: StatusError[] = [];
    const device = new RamdiskDevice(
      { blockSize: BS, blockCount: 64, readOnly: true },
      { storage: image, onError: (e) => errors.push(e) },
    );
    const { done, complete } = recorder();
    device.queue(writeOp(patternVmo(BS, 1), 1, 3), complete);
    device.queue(trimOp(2, 3), complete);
    device.queue(readOp(Vmo.create(BS), 1, 3), complete);
    device.queue(flushOp(), complete);
    expect(done.map((d) => d.status)).toEqual([
      Status.ERR_ACCESS_DENIED,
      Status.ERR_ACCESS_DENIED,
      Status.OK,
      Status.OK,
    ]);
    expect(errors[0]?.message).toMatch(/WRITE of 1 blocks .*: the device is read-only/);
    expect(sha256(image.view())).toBe(before);
    expect(device.query().info.flags & block.Flag.READONLY).toBe(block.Flag.READONLY);
  });

  it('checks the VMO handle: type, open, and the right the copy needs', () => {
    const { device, errors } = disk();
    const { done, complete } = recorder();
    const closed = Vmo.create(BS);
    closed.close();
    device.queue(readOp(closed, 1, 0), complete);
    const readOnly = Vmo.create(BS).replace(ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
    device.queue(readOp(readOnly, 1, 0), complete); // the device would write into it
    device.queue(writeOp(readOnly, 1, 0), complete); // reading from it is fine
    expect(done.map((d) => d.status)).toEqual([
      Status.ERR_BAD_HANDLE,
      Status.ERR_ACCESS_DENIED,
      Status.OK,
    ]);
    expect(errors[1]?.message).toMatch(/lacks the WRITE right/);
  });

  it('ERR_NOT_SUPPORTED for CLOSE_VMO and for TRIM without TRIM_SUPPORT', () => {
    const { device } = disk({ trim: false });
    const { done, complete } = recorder();
    device.queue(rw(block.BlockOpcode.CLOSE_VMO, Vmo.create(BS), 1, 0), complete);
    device.queue(trimOp(1, 0), complete);
    expect(done.map((d) => d.status)).toEqual([Status.ERR_NOT_SUPPORTED, Status.ERR_NOT_SUPPORTED]);
    expect(device.query().info.flags & block.Flag.TRIM_SUPPORT).toBe(0);
  });

  it('ERR_INVALID_ARGS for a malformed op, and queue still does not throw', () => {
    const { device } = disk();
    const { done, complete } = recorder();
    device.queue({ $tag: 'bogus' } as unknown as block.BlockOp, complete);
    device.queue(
      block.BlockOp.flush({ command: { opcode: block.BlockOpcode.READ, flags: 0 } }),
      complete,
    );
    expect(done.map((d) => d.status)).toEqual([Status.ERR_INVALID_ARGS, Status.ERR_INVALID_ARGS]);
  });
});

describe('RamdiskDevice: FLUSH and TRIM', () => {
  it('FLUSH completes OK; TRIM zeroes exactly its blocks', () => {
    const image = patternVmo(16 * BS, 11);
    const device = new RamdiskDevice({ blockSize: BS, blockCount: 16 }, { storage: image });
    const { done, complete } = recorder();
    const before = image.read(0, 16 * BS);
    device.queue(flushOp(), complete);
    device.queue(trimOp(3, 4), complete);
    expect(done.map((d) => d.status)).toEqual([Status.OK, Status.OK]);
    const after = image.read(0, 16 * BS);
    expect(after.subarray(4 * BS, 7 * BS).every((b) => b === 0)).toBe(true);
    expect(after.subarray(0, 4 * BS)).toEqual(before.subarray(0, 4 * BS));
    expect(after.subarray(7 * BS)).toEqual(before.subarray(7 * BS));
  });
});

describe('RamdiskDevice: completion before queue returns', () => {
  it('completes inside queue without a timing model', () => {
    const { device } = disk();
    let returned = false;
    let completedBeforeReturn = false;
    device.queue(flushOp(), () => (completedBeforeReturn = !returned));
    returned = true;
    expect(completedBeforeReturn).toBe(true);
  });

  it('survives a completion that queues the next op from inside itself, 300 deep', () => {
    const { device } = disk();
    const vmo = patternVmo(BS, 2);
    let left = 300;
    const statuses: Status[] = [];
    const next = (): void => {
      if (left-- === 0) return;
      device.queue(writeOp(vmo, 1, left % 64), (status) => {
        statuses.push(status);
        next();
      });
    };
    next();
    expect(statuses).toHaveLength(300);
    expect(statuses.every((s) => s === Status.OK)).toBe(true);
  });
});

describe('RamdiskDevice: counters', () => {
  it('counts ops by kind, bytes on success, errors by status', () => {
    const { device } = disk({ maxTransferSize: 8 * BS });
    const { complete } = recorder();
    const vmo = Vmo.create(16 * BS);
    device.queue(writeOp(vmo, 4, 0), complete);
    device.queue(readOp(vmo, 2, 0), complete);
    device.queue(readOp(vmo, 2, 63), complete); // out of range
    device.queue(readOp(vmo, 9, 0), complete); // too large
    device.queue(flushOp(), complete);
    device.queue(trimOp(1, 0), complete);
    expect(device.counters()).toEqual({
      ops: { read: 3, write: 1, flush: 1, trim: 1, other: 0 },
      bytesRead: 2 * BS,
      bytesWritten: 4 * BS,
      errors: { ZX_ERR_OUT_OF_RANGE: 1, ZX_ERR_INVALID_ARGS: 1 },
      inFlight: 0,
    });
  });
});
