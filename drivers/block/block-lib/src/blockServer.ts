/**
 * fdf.block/Block as this driver serves it to a child, in both variants,
 * over one `BlockDevice`: the object that holds the op-forwarding logic. The
 * FIDL server (Driver transport in this host, Channel transport to other
 * hosts) and the Banjo function table only adapt the calling convention, so
 * the logic is written once.
 *
 * Shared by gpt, fvm and zxcrypt.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { Arena } from '@fdf/runtime';
import type { OpCompletion } from './parentBlock.js';

/** A block device a forwarding driver shows to its child. */
export interface BlockDevice {
  /** Answers from what the driver knows; never waits (Banjo's Query is a direct call). */
  query(): block.BlockQueryResult;
  /** Accepts `op`; `done` runs exactly once, possibly before `queue` returns. */
  queue(op: block.BlockOp, arena: Arena | undefined, done: OpCompletion): void;
}

export function blockServer(device: BlockDevice): block.BlockServer {
  return {
    query: (completer) => completer.reply(device.query()),
    queue: ({ op }, completer, arena) =>
      device.queue(op, arena, (status, returned) => {
        // A child that went away meanwhile gets no reply; the op still ran to completion.
        if (completer.pending) completer.reply({ status, op: returned });
      }),
  };
}

export function blockBanjoOps(): blockBanjo.BlockBanjoOps<BlockDevice> {
  return {
    query: (device) => device.query(),
    queue: (device, { op }, complete) =>
      device.queue(op, undefined, (status, returned) => complete({ status, op: returned })),
  };
}
