import { blockBanjo } from '@fdf/bindings';
import {
  fakeTimeEnv,
  patternVmo,
  readOp,
  resetRuntime,
  sha256,
  writeOp,
} from '@fdf/block-lib/testing';
import { Status, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { ramdiskBanjo } from './blockImplBanjo.js';
import { RamdiskDevice } from './ramdiskDevice.js';

afterEach(resetRuntime);

describe('ramdiskBanjo: the Banjo BlockImpl table', () => {
  it('query and queue through the generated Banjo client', () => {
    const device = new RamdiskDevice({ blockSize: 512, blockCount: 32 });
    const client = blockBanjo.BlockImpl.client(ramdiskBanjo(device));
    expect(client.query().info.blockCount).toBe(32n);
    const results: blockBanjo.BlockImplQueueResponse[] = [];
    const src = patternVmo(4096, 21);
    const dst = Vmo.create(4096);
    const write = writeOp(src, 8, 3);
    client.queue({ op: write }, (r) => results.push(r));
    // The completion ran before queue returned.
    expect(results).toHaveLength(1);
    client.queue({ op: readOp(dst, 8, 3) }, (r) => results.push(r));
    expect(results.map((r) => r.status)).toEqual([Status.OK, Status.OK]);
    expect(results[0]?.op).toBe(write);
    expect(sha256(dst.view())).toBe(sha256(src.view()));
  });

  it('errors come back as statuses in the response', () => {
    const device = new RamdiskDevice({ blockSize: 512, blockCount: 4 });
    const client = blockBanjo.BlockImpl.client(ramdiskBanjo(device));
    let status: number | undefined;
    client.queue({ op: readOp(Vmo.create(4096), 8, 0) }, (r) => (status = r.status));
    expect(status).toBe(Status.ERR_OUT_OF_RANGE);
  });

  it('with a timing model the callback runs later, on the dispatcher', () => {
    const t = fakeTimeEnv('ramdisk');
    const device = new RamdiskDevice(
      { blockSize: 512, blockCount: 4, timing: { latencyMs: 1 } },
      { dispatcher: t.dispatcher },
    );
    const ops = ramdiskBanjo(device);
    let status: number | undefined;
    ops.ops.queue(ops.ctx, { op: readOp(Vmo.create(512), 1, 0) }, (r) => (status = r.status));
    expect(status).toBeUndefined();
    t.advance(1);
    expect(status).toBe(Status.OK);
  });
});
