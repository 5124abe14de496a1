/**
 * The Driver-transport variant: the ramdisk as a `fdf.block/BlockImpl`
 * server. The op arrives by reference with its arena and goes back, edited
 * by nobody, in the reply; the arena lives until that reply.
 */
import type { block } from '@fdf/bindings';
import type { RamdiskDevice } from './ramdiskDevice.js';

/** Bind it with `bindDriverServer(block.BlockImpl, channel, blockImplServer(device), { dispatcher })`. */
export function blockImplServer(device: RamdiskDevice): block.BlockImplServer {
  return {
    query(completer) {
      completer.reply(device.query());
    },
    queue(request, completer) {
      device.queue(request.op, (status, op) => {
        // A client that went away meanwhile gets no reply; the op still ran.
        if (completer.pending) completer.reply({ status, op });
      });
    },
  };
}
