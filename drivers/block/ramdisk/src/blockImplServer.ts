/**
 * The Driver-transport variant: the ramdisk as a `fdf.block/BlockImpl`
 * server. The op arrives by reference with its arena and goes back, edited
 * by nobody, in the reply; the arena lives until that reply.
 */
import type { block } from '@fdf/bindings';
import { Status } from '@fdf/zx';
import type { RamdiskDevice } from './ramdiskDevice.js';

/** Bind it with `bindDriverServer(block.BlockImpl, channel, blockImplServer(device), { dispatcher })`. */
export function blockImplServer(device: RamdiskDevice): block.BlockImplServer {
  return {
    query(completer) {
      completer.reply(device.query());
    },
    queue(request, completer) {
      device.queue(request.op, (status, op) => {
        if (completer.pending) completer.reply({ status, op });
        // The client went away meanwhile (the op still ran). On a closed binding this sends
        // nothing; it only hands back the request's arena, which a reply would have released.
        else completer.closeWithEpitaph(Status.ERR_PEER_CLOSED);
      });
    },
  };
}
