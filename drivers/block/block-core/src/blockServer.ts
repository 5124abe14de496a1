/**
 * The Driver-transport variant of what block-core offers: a `fdf.block/Block`
 * server. The op and the arena it came with go down to the device as they
 * are; the reply goes up in that same arena.
 */
import type { block } from '@fdf/bindings';
import { Status } from '@fdf/zx';
import type { BlockCore } from './blockCore.js';

/** Bind it with `bindDriverServer(block.Block, channel, blockServer(core), { dispatcher })`. */
export function blockServer(core: BlockCore): block.BlockServer {
  return {
    query(completer) {
      completer.reply(core.query());
    },
    queue(request, completer, arena) {
      core.queue(
        request.op,
        (status, op) => {
          if (completer.pending) completer.reply({ status, op });
          // The client went away meanwhile (the op still completed below). On a closed binding
          // this sends nothing; it only hands back the request's arena, as a reply would have.
          else completer.closeWithEpitaph(Status.ERR_PEER_CLOSED);
        },
        arena,
      );
    },
  };
}
