/**
 * The Driver-transport variant of what block-core offers: a `fdf.block/Block`
 * server. The op and the arena it came with go down to the device as they
 * are; the reply goes up in that same arena.
 */
import type { block } from '@fdf/bindings';
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
          // A client that went away meanwhile gets no reply; the op still completed below.
          if (completer.pending) completer.reply({ status, op });
        },
        arena,
      );
    },
  };
}
