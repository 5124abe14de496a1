/**
 * @fdf/block-ramdisk: the fake block device at the bottom of the block
 * stack. One `RamdiskDevice` (storage VMO, timing model, fault injection,
 * counters) served as BlockImpl over Banjo (`ramdiskBanjo`) or the Driver
 * transport (`blockImplServer`).
 */
export { RamdiskDriver, BLOCK_IMPL_BIND_PROTOCOL } from './driver.js';
export {
  parseRamdiskConfig,
  parseFaults,
  parseTiming,
  type BlockRange,
  type DisappearFault,
  type FaultDirection,
  type IoErrorFault,
  type LatencySpike,
  type RamdiskConfig,
  type RamdiskFaults,
  type RamdiskTiming,
  type ResolvedFaults,
  type ResolvedRamdiskConfig,
} from './config.js';
export { type CounterSink, type RamdiskCountersSnapshot } from './counters.js';
export { RamdiskDevice, type DelayScheduler, type RamdiskOptions } from './ramdiskDevice.js';
export { type BlockCompletion } from './timedOp.js';
export { ramdiskBanjo, ramdiskBanjoOps } from './blockImplBanjo.js';
export { blockImplServer } from './blockImplServer.js';
export { describeOp, opcodeName } from './opText.js';
