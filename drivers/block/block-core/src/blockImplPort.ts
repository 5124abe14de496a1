/**
 * What block-core needs from the device below it: its geometry once, and a
 * callback-style `queue`. A Banjo table (whose completion may run inside
 * `queue`) and a Driver-transport client (whose completion is a promise)
 * both fit behind it; see banjoImplPort.ts and driverImplPort.ts.
 */
import type { block } from '@fdf/bindings';
import type { VmoLending } from '@fdf/block-lib';
import type { Arena } from '@fdf/runtime';
import type { Status } from '@fdf/zx';

/** Called exactly once per op, with its status and the op (as the layers below returned it). */
export type BlockCompletion = (status: Status, op: block.BlockOp) => void;

export interface BlockImplPort {
  query(): block.BlockQueryResult | Promise<block.BlockQueryResult>;
  /**
   * Starts `op`; `arena` travels with it when the transport carries one (the
   * Driver transport), so one arena serves the op down the whole stack.
   * Must not throw: a failure is a completion with a status.
   */
  queue(op: block.BlockOp, complete: BlockCompletion, arena: Arena | null): void;
  /**
   * How an op block-core makes itself (a part of a split op) carries the
   * caller's VMO on this hop: block-lib's `vmoLending(transport)`. Absent
   * means by reference (Banjo, Driver transport). Across hosts (Channel
   * transport) a handle written into a message moves with it, so each part
   * gets a duplicate and the handle its reply carries back is closed.
   */
  readonly lending?: VmoLending;
}
