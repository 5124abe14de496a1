/**
 * The Banjo variant: the ramdisk as a BlockImpl function table and context.
 * Calls are direct; a completion may run before `queue` returns.
 */
import type { blockBanjo } from '@fdf/bindings';
import type { RamdiskDevice } from './ramdiskDevice.js';

/** The function table; the context is the RamdiskDevice. */
export const ramdiskBanjoOps: blockBanjo.BlockImplBanjoOps<RamdiskDevice> = {
  query: (device) => device.query(),
  queue: (device, request, complete) =>
    device.queue(request.op, (status, op) => complete({ status, op })),
};

/** What the ramdisk driver hands to block-core in the Banjo variant. */
export function ramdiskBanjo(device: RamdiskDevice): blockBanjo.BlockImplBanjo<RamdiskDevice> {
  return { ops: ramdiskBanjoOps, ctx: device };
}
