/**
 * The Banjo variant of what block-core offers: a `fdf.block.banjo/Block`
 * function table and context. Calls are direct; a completion may run before
 * `queue` returns.
 */
import type { blockBanjo } from '@fdf/bindings';
import type { BlockCore } from './blockCore.js';

/** The function table; the context is the BlockCore. */
export const blockCoreBanjoOps: blockBanjo.BlockBanjoOps<BlockCore> = {
  query: (core) => core.query(),
  queue: (core, request, complete) =>
    core.queue(request.op, (status, op) => complete({ status, op })),
};

/** What block-core hands to the driver above it (gpt) in the Banjo variant. */
export function blockCoreBanjo(core: BlockCore): blockBanjo.BlockBanjo<BlockCore> {
  return { ops: blockCoreBanjoOps, ctx: core };
}
