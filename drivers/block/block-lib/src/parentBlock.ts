/**
 * The block device below a forwarding driver, whichever transport reaches
 * it: the Banjo function table (direct calls, a completion may run before
 * `queue` returns), or a fdf.block/Block client (Driver transport in this
 * host, Channel transport across hosts). The op-forwarding logic is written
 * once against this interface and runs unchanged over all three.
 *
 * Handles: in this host an op's VMO travels by reference, so lending it to
 * the parent costs nothing. Across hosts a VMO handle moves with the message
 * and comes back as a new handle in the reply; `lendVmo` then hands the
 * parent a duplicate, so the driver's own handle (a shadow VMO, or the VMO of
 * an op split in several parts) stays usable, and `returnVmo` closes what
 * came back. `queue` itself lends a whole op the same way (`lendOp`): the op
 * sent carries a duplicate, the caller's op keeps its own handle and
 * completes with it, whether the parent replies or goes away.
 *
 * Shared by gpt, fvm and zxcrypt; block-core (a BlockImpl client, not a
 * Block one) uses `vmoLending` for the parts of the ops it splits and `lendOp`
 * in its driverImplPort for whole ops.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { serviceName, type DriverBase, type ServiceTransport } from '@fdf/framework';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, statusName, Vmo, type Handle } from '@fdf/zx';

/** fuchsia.BIND_PROTOCOL of a block device with no partition layer above it yet (block-core's child). */
export const BLOCK_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.BLOCK';

/** How an op comes back: its status and the op as the parent returned it. */
export type OpCompletion = (status: Status, op: block.BlockOp) => void;

/**
 * The VMO lend/return rule for one hop, on its own: what a driver that is not
 * a fdf.block/Block client (block-core, a BlockImpl client) uses for the
 * parts of an op it splits, so the rule lives in one place.
 */
export interface VmoLending {
  /** The handle to put in an op for the parent (the VMO itself, or a duplicate across hosts). */
  lendVmo(vmo: Vmo): Vmo;
  /** Gives back a handle an op returned with; closes it when it was a duplicate or a moved handle. */
  returnVmo(returned: Handle, own: Vmo): void;
}

export interface ParentBlock extends VmoLending {
  readonly transport: ServiceTransport;
  query(): Promise<block.BlockQueryResult>;
  /** Starts `op` on the parent; `done` runs exactly once, possibly before `queue` returns. */
  queue(op: block.BlockOp, arena: Arena | undefined, done: OpCompletion): void;
}

function statusOf(err: unknown): Status {
  return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
}

const BY_REFERENCE: VmoLending = { lendVmo: (vmo) => vmo, returnVmo: () => undefined };

/** Duplicates made by a Channel-transport `lendVmo`: whoever lent one gives it back. */
const LENT = new WeakSet<Handle>();

/**
 * The lend/return rule for a hop over `transport`: by reference in this host
 * (Banjo, Driver transport), a duplicate across hosts (Channel transport),
 * where the handle written into a message moves with it.
 */
export function vmoLending(transport: ServiceTransport): VmoLending {
  if (transport !== 'channel') return BY_REFERENCE;
  return {
    lendVmo: (vmo) => {
      const lent = vmo.duplicate();
      LENT.add(lent);
      return lent;
    },
    returnVmo: (returned, own) => {
      if (returned !== own && !returned.closed) returned.close();
    },
  };
}

/** A whole op lent for one hop: what to send, and how the caller's op comes back. */
export interface LentOp {
  /** The op to send: `op` itself, or a copy carrying a lent duplicate of its VMO. */
  readonly sent: block.BlockOp;
  /**
   * The op to complete the caller with, from the one the parent returned
   * (`undefined` when none came back: the op was refused or the parent went
   * away). Gives back (closes) the lent handle and the one the reply carries;
   * the op completes with the caller's own handle.
   */
  settle(returned: block.BlockOp | undefined): block.BlockOp;
}

/**
 * Lends `op` to the parent by `lending`'s rule, as the one place that
 * forwards whole ops across a hop does (fidlParent here, block-core's
 * driverImplPort). By reference (Banjo, Driver transport) the op itself is
 * sent and comes back as the parent returned it. Across hosts the op sent
 * is a copy with a duplicate of its VMO, so the caller's handle never moves:
 * if the host below dies while the op is out, the op still completes with a
 * valid handle, and the driver above can return it upward. A handle that is
 * already a lent duplicate (a part of a split op, a shadow VMO) is sent as it
 * is: whoever lent it gives it back. Throws when the VMO cannot be lent (no
 * DUPLICATE right): the caller completes the op with that status.
 */
export function lendOp(lending: VmoLending, op: block.BlockOp): LentOp {
  const asReturned: LentOp = { sent: op, settle: (returned) => returned ?? op };
  if (op.$tag !== 'rw' || !(op.rw.vmo instanceof Vmo) || LENT.has(op.rw.vmo)) return asReturned;
  const own = op.rw.vmo;
  const lent = lending.lendVmo(own);
  if (lent === own) return asReturned;
  LENT.delete(lent);
  return {
    sent: block.BlockOp.rw({ ...op.rw, vmo: lent }),
    settle: (returned) => {
      // Moved with the message (closed) once sent; closed here if it never left.
      lending.returnVmo(lent, own);
      if (returned === undefined) return op;
      if (returned.$tag !== 'rw') return returned;
      lending.returnVmo(returned.rw.vmo, own);
      returned.rw.vmo = own;
      return returned;
    },
  };
}

/** A parent reached through a fdf.block/Block client (Driver or Channel transport). */
export function fidlParent(client: block.BlockClient, transport: ServiceTransport): ParentBlock {
  const lending = vmoLending(transport);
  return {
    transport,
    query: () => client.query(),
    queue: (op, arena, done) => {
      let lent: LentOp;
      let reply: Promise<block.BlockQueueResponse>;
      try {
        lent = lendOp(lending, op);
      } catch (err) {
        // The VMO cannot be lent across hosts (no DUPLICATE right): nothing is sent.
        done(statusOf(err), op);
        return;
      }
      try {
        reply = client.queue({ op: lent.sent }, arena);
      } catch (err) {
        // The binding refused the op before sending it (a closed client, a bad handle).
        done(statusOf(err), lent.settle(undefined));
        return;
      }
      // A transport failure (the parent went away) still completes the op, with its status.
      reply.then(
        (r) => done(r.status, lent.settle(r.op)),
        (err: unknown) => done(statusOf(err), lent.settle(undefined)),
      );
    },
    ...lending,
  };
}

/** A parent reached through its Banjo function table. */
export function banjoParent(client: blockBanjo.BlockBanjoClient): ParentBlock {
  return {
    transport: 'banjo',
    query: () => Promise.resolve(client.query()),
    queue: (op, _arena, done) => {
      let completed = false;
      try {
        client.queue({ op }, (reply) => {
          completed = true;
          done(reply.status, reply.op);
        });
      } catch (err) {
        // A parent that throws instead of completing: complete here, unless it already did.
        if (!completed) done(statusOf(err), op);
        else throw err;
      }
    },
    ...vmoLending('banjo'),
  };
}

/** Where a protocol is offered to this driver: the one instance and the parent role offering it. */
export interface OfferedInstance {
  readonly instance: string;
  readonly parent: string;
}

/**
 * The instance of `protocolName` the node offers. A parent with several
 * children serves each from its own instance (gpt's `part-001`, fvm's
 * `data-p-1`), so the driver above looks up which one its node carries
 * instead of assuming `default`.
 */
export function offeredInstance(driver: DriverBase, protocolName: string): OfferedInstance {
  const prefix = `${serviceName(protocolName)}/`;
  const routes = driver.incoming.routes.filter((r) => r.offer.startsWith(prefix));
  const route = routes[0];
  if (route === undefined || routes.length > 1) {
    const offered = driver.incoming.routes.map((r) => r.offer).join(', ') || 'nothing';
    throw new StatusError(
      route === undefined ? Status.ERR_NOT_FOUND : Status.ERR_INVALID_ARGS,
      `${driver.name} on ${driver.node.path} needs exactly one '${prefix}<instance>' offer from its parent and got ${routes.length} (the node offers: ${offered}); bind it to a node whose parent offers one, and run both drivers in the same variant (a Banjo table needs the banjo variant, a FIDL protocol the driver variant)`,
    );
  }
  return { instance: route.offer.slice(prefix.length), parent: route.parent };
}

/** True when some parent offers `protocolName` (any instance). */
export function isOffered(driver: DriverBase, protocolName: string): boolean {
  const prefix = `${serviceName(protocolName)}/`;
  return driver.incoming.routes.some((r) => r.offer.startsWith(prefix));
}

/** The transport of the connection made last (right after `incoming.connect`). */
export function lastTransport(driver: DriverBase): ServiceTransport {
  const connections = driver.incoming.connections;
  return connections[connections.length - 1]?.transport ?? 'driver';
}

/** Connects to the block device under this driver, in the driver's variant. */
export function connectParentBlock(driver: DriverBase): ParentBlock {
  if (driver.variant === 'banjo') {
    const where = offeredInstance(driver, blockBanjo.Block.name);
    return banjoParent(driver.incoming.connectBanjo(blockBanjo.Block, where));
  }
  const where = offeredInstance(driver, block.Block.name);
  const client = driver.incoming.connect(block.Block, where);
  return fidlParent(client, lastTransport(driver));
}

/** Runs `op` on the parent and resolves with the op it returned; rejects with its status. */
export function queueAsync(
  parent: ParentBlock,
  op: block.BlockOp,
  what: string,
): Promise<block.BlockOp> {
  return new Promise((resolve, reject) => {
    parent.queue(op, undefined, (status, returned) => {
      if (status === Status.OK) resolve(returned);
      else
        reject(
          new StatusError(
            status,
            `${what}: the device below answered ${statusName(status)}; check that device's log and counters`,
          ),
        );
    });
  });
}
