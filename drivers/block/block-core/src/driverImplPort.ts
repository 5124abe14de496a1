/**
 * The device below as a fdf.block/BlockImpl client: Driver transport in this
 * host (the op and its arena go down by reference), Channel transport across
 * hosts (the op is encoded; its VMO handle moves with the message and comes
 * back as a new handle in the reply). The generated client answers with a
 * promise, so the completion runs in a promise continuation. A transport
 * failure (the ramdisk's host went away), or a client that refuses to send
 * the op, completes the op with its status.
 *
 * `transport` picks the VMO lending rule (block-lib's `vmoLending`); pass
 * the transport the connection has. Across hosts every op is lent: a whole op
 * is sent with a duplicate of its VMO (block-lib's `lendOp`) and completes
 * with the caller's own handle, even when the device's host dies while the op
 * is out; the parts of a split op carry the duplicates SplitOp lent them.
 */
import type { block } from '@fdf/bindings';
import { lendOp, vmoLending, type LentOp } from '@fdf/block-lib';
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
  const lending = vmoLending(transport);
  return {
    query: () => client.query(),
    queue(op, complete, arena) {
      let lent: LentOp;
      let reply: Promise<block.BlockImplQueueResponse>;
      try {
        lent = lendOp(lending, op);
      } catch (err) {
        // The VMO cannot be lent across hosts (no DUPLICATE right): nothing is sent.
        complete(statusOf(err), op);
        return;
      }
      try {
        const sent = { op: lent.sent };
        reply = arena === null ? client.queue(sent) : client.queue(sent, arena);
      } catch (err) {
        // The binding refused the op before sending it (a closed client, a bad handle).
        complete(statusOf(err), lent.settle(undefined));
        return;
      }
      reply.then(
        (r) => complete(r.status, lent.settle(r.op)),
        (err: unknown) => complete(statusOf(err), lent.settle(undefined)),
      );
    },
    lending,
  };
}
