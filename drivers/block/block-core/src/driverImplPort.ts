/**
 * The device below as a fdf.block/BlockImpl client: Driver transport in this
 * host (the op and its arena go down by reference), Channel transport across
 * hosts (the op is encoded; its VMO handle moves with the message and comes
 * back as a new handle in the reply). The generated client answers with a
 * promise, so the completion runs in a promise continuation. A transport
 * failure (the ramdisk's host went away), or a client that refuses to send
 * the op, completes the op with its status.
 *
 * `transport` picks the VMO lending rule for the parts of a split op
 * (block-lib's `vmoLending`); pass the transport the connection has.
 */
import type { block } from '@fdf/bindings';
import { vmoLending } from '@fdf/block-lib';
import type { ServiceTransport } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import type { BlockImplPort } from './blockImplPort.js';

function statusOf(err: unknown): Status {
  return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
}

export function driverImplPort(
  client: block.BlockImplClient,
  transport: ServiceTransport = 'driver',
): BlockImplPort {
  return {
    query: () => client.query(),
    queue(op, complete, arena) {
      let reply: Promise<block.BlockImplQueueResponse>;
      try {
        reply = arena === null ? client.queue({ op }) : client.queue({ op }, arena);
      } catch (err) {
        // The binding refused the op before sending it (a closed client, a bad handle).
        complete(statusOf(err), op);
        return;
      }
      reply.then(
        (r) => complete(r.status, r.op),
        (err: unknown) => complete(statusOf(err), op),
      );
    },
    lending: vmoLending(transport),
  };
}
