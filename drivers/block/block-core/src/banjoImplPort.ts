/** The device below as a Banjo BlockImpl table: direct calls, completions maybe before queue returns. */
import { blockBanjo, type block } from '@fdf/bindings';
import type { BlockImplPort } from './blockImplPort.js';

export interface BanjoImplPort extends BlockImplPort {
  query(): block.BlockQueryResult;
}

export function banjoImplPort(proto: blockBanjo.BlockImplBanjo): BanjoImplPort {
  const client = blockBanjo.BlockImpl.client(proto);
  return {
    query: () => client.query(),
    queue: (op, complete) => client.queue({ op }, (r) => complete(r.status, r.op)),
  };
}
