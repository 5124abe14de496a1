/**
 * What block-server needs from the device below it: the shape of the
 * generated Driver-transport `fdf.block/Block` client (`query`, and `queue`
 * resolving with the status and the op once it completed), so a client from
 * `createDriverClient(block.Block, channel)` plugs in as it is, and tests can
 * pass a plain object.
 */
import type { block } from '@fdf/bindings';
import type { Arena } from '@fdf/runtime';

export type BlockInfo = block.BlockInfo;
export type BlockOp = block.BlockOp;
export type BlockQueryResult = block.BlockQueryResult;
export type BlockQueueRequest = block.BlockQueueRequest;
export type BlockQueueResponse = block.BlockQueueResponse;

export interface BlockDevice {
  query(arena?: Arena): Promise<BlockQueryResult>;
  /**
   * Starts `request.op` with `arena` travelling beside it. Resolves with the
   * completion status once the op finished; a rejection counts as a failed
   * op (its StatusError status, or ERR_INTERNAL).
   */
  queue(request: BlockQueueRequest, arena?: Arena): Promise<BlockQueueResponse>;
}
