/**
 * fdf.block/Block, windowed: the child sees the parent's blocks from
 * WINDOW_START on, as a partition driver shows its partition. Each op is
 * edited in place (offset_dev moves) and forwarded with its arena; the reply
 * carries the op as the device saw it.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { DriverCounters } from '@fdf/framework';
import { Status } from '@fdf/zx';
import { relay } from './echoServer.js';

/** Blocks of the parent hidden from the child. */
export const WINDOW_START = 16;

/** Shifts the op into the parent's range; an error status when it does not fit the window. */
export function shiftOp(op: block.BlockOp, visibleBlocks: bigint): Status {
  if (op.$tag === 'flush') return Status.OK;
  const target = op.$tag === 'rw' ? op.rw : op.trim;
  if (target.offsetDev + BigInt(target.length) > visibleBlocks) return Status.ERR_OUT_OF_RANGE;
  target.offsetDev += BigInt(WINDOW_START);
  return Status.OK;
}

export function windowed(result: block.BlockQueryResult): block.BlockQueryResult {
  const count = result.info.blockCount - BigInt(WINDOW_START);
  return { ...result, info: { ...result.info, blockCount: count > 0n ? count : 0n } };
}

export function blockServer(
  parent: block.BlockClient,
  visibleBlocks: bigint,
  counters: DriverCounters,
): block.BlockServer {
  return {
    query: (completer, arena) => relay(parent.query(arena).then(windowed), completer),
    queue: ({ op }, completer, arena) => {
      counters.add('block.forwarded');
      const status = shiftOp(op, visibleBlocks);
      if (status !== Status.OK) completer.reply({ status, op });
      else relay(parent.queue({ op }, arena), completer);
    },
  };
}

export interface BanjoBlockContext {
  readonly parent: blockBanjo.BlockBanjoClient;
  readonly visibleBlocks: bigint;
  readonly counters: DriverCounters;
}

export function blockBanjoOps(): blockBanjo.BlockBanjoOps<BanjoBlockContext> {
  return {
    query: ({ parent }) => windowed(parent.query()),
    queue: ({ parent, visibleBlocks, counters }, { op }, complete) => {
      counters.add('block.forwarded');
      const status = shiftOp(op, visibleBlocks);
      if (status !== Status.OK) complete({ status, op });
      else parent.queue({ op }, complete);
    },
  };
}
