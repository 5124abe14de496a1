/**
 * The device below as a Banjo BlockImpl client (what
 * `incoming.connectBanjo(blockBanjo.BlockImpl)` returns, or
 * `blockBanjo.BlockImpl.client({ ops, ctx })`): direct calls, completions
 * maybe before `queue` returns.
 */
import type { block, blockBanjo } from '@fdf/bindings';
import type { BlockImplPort } from './blockImplPort.js';

export interface BanjoImplPort extends BlockImplPort {
  query(): block.BlockQueryResult;
}

export function banjoImplPort(client: blockBanjo.BlockImplBanjoClient): BanjoImplPort {
  return {
    query: () => client.query(),
    queue: (op, complete) => client.queue({ op }, (r) => complete(r.status, r.op)),
  };
}
