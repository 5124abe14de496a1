/**
 * The `dma` workload: `count` reads of `blocks` blocks into one VMO the
 * client created. The device writes into that VMO's memory from its own
 * host: the client sees the data through its own mapping, so the bytes were
 * shared, not copied through the channel. Each block is checked against the
 * device's documented pattern (see echo-device's README).
 */
import { block } from '@fdf/bindings';
import {
  integerParam,
  type DriverCounters,
  type WorkloadParams,
  type WorkloadResult,
} from '@fdf/framework';
import { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { FNV_OFFSET, fnv1a, hex32 } from './checksum.js';
import type { BlockPort } from './ports.js';

/** The device block a block of data came from, when it holds the device's pattern; else -1. */
export function patternBlock(data: Uint8Array): number {
  const b = (data[0] ?? 0) | ((data[1] ?? 0) << 8);
  for (let i = 2; i < data.length; i++) if (data[i] !== ((b * 131 + i * 7) & 0xff)) return -1;
  return b;
}

export async function dmaWorkload(
  port: BlockPort,
  params: WorkloadParams,
  counters: DriverCounters,
): Promise<WorkloadResult> {
  const count = integerParam('dma', params, 'count', 16, { min: 1, max: 10_000_000 });
  const blocks = integerParam('dma', params, 'blocks', 8, { min: 1, max: 1024 });
  const { info } = await port.query();
  const blockSize = info.blockSize;
  const total = Number(info.blockCount);
  if (blocks > total) {
    throw new StatusError(
      Status.ERR_OUT_OF_RANGE,
      `dma: ${blocks} blocks per read, but the device shows ${total}; lower workloads[].params.blocks`,
    );
  }
  const vmo = Vmo.create(blocks * blockSize);
  const view = vmo.view();
  let hash = FNV_OFFSET;
  try {
    for (let i = 0; i < count; i++) {
      const offset = (i * blocks) % (total - blocks + 1);
      view.fill(0);
      const arena = Arena.create('dma-workload');
      let reply: block.BlockQueueResponse;
      try {
        reply = await port.queue(
          block.BlockOp.rw({
            command: { opcode: block.BlockOpcode.READ, flags: 0 },
            extra: 0,
            // The op carries a handle of its own: over the Channel transport it moves.
            vmo: vmo.duplicate(),
            length: blocks,
            offsetDev: BigInt(offset),
            offsetVmo: 0n,
          }),
          arena,
        );
      } finally {
        arena.release();
      }
      if (reply.op.$tag === 'rw' && !reply.op.rw.vmo.closed) reply.op.rw.vmo.close();
      if (reply.status !== Status.OK) {
        throw new StatusError(
          reply.status,
          `dma: read ${i} of ${blocks} blocks at ${offset} failed`,
        );
      }
      let first = -1;
      for (let k = 0; k < blocks; k++) {
        const got = patternBlock(view.subarray(k * blockSize, (k + 1) * blockSize));
        if (got < 0 || (k > 0 && got !== first + k)) {
          throw new StatusError(
            Status.ERR_IO,
            `dma: read ${i}, block ${k} of the VMO does not hold the device's data; the device's writes did not reach the client's memory`,
          );
        }
        if (k === 0) first = got;
      }
      hash = fnv1a(hash, view);
    }
  } finally {
    vmo.close();
  }
  counters.add('dma.completed', count);
  return {
    ops: count,
    summary: `${count} reads of ${blocks} x ${blockSize} B landed in the client's VMO`,
    checksum: hex32(hash),
  };
}
