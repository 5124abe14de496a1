/**
 * @fdf/block-core: turns a device's BlockImpl into the Block protocol of
 * the drivers above, with per-device statistics and splitting of ops larger
 * than max_transfer_size. `BlockCore` holds the logic; `banjoImplPort` and
 * `driverImplPort` connect it to the device below, `blockCoreBanjo` and
 * `blockServer` offer it to the driver above.
 */
export { BlockCoreDriver, BLOCK_BIND_PROTOCOL } from './driver.js';
export { BlockCore, DEFAULT_SPLIT_DEPTH, type BlockCoreOptions } from './blockCore.js';
export { type BlockCompletion, type BlockImplPort } from './blockImplPort.js';
export { banjoImplPort, type BanjoImplPort } from './banjoImplPort.js';
export { driverImplPort } from './driverImplPort.js';
export { blockCoreBanjo, blockCoreBanjoOps } from './blockBanjo.js';
export { blockServer } from './blockServer.js';
export { type BlockStatsSnapshot, type CounterSink, type OpStatsSnapshot } from './blockStats.js';
