/**
 * The device below as a Driver-transport `fdf.block/BlockImpl` client. The
 * op and its arena go down by reference; the generated client answers with
 * a promise, so the completion runs in a promise continuation. A transport
 * failure (the ramdisk's host went away) completes the op with its status.
 */
import type { block } from '@fdf/bindings';
import { Status, StatusError } from '@fdf/zx';
import type { BlockImplPort } from './blockImplPort.js';

export function driverImplPort(client: block.BlockImplClient): BlockImplPort {
  return {
    query: () => client.query(),
    queue(op, complete, arena) {
      const reply = arena === null ? client.queue({ op }) : client.queue({ op }, arena);
      reply.then(
        (r) => complete(r.status, r.op),
        (err: unknown) => complete(StatusError.is(err) ? err.status : Status.ERR_INTERNAL, op),
      );
    },
  };
}
