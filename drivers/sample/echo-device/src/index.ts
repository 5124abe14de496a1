export { EchoDeviceDriver, ECHO_BIND_PROTOCOL } from './driver.js';
export { EchoCore, echoServer, banjoEchoOps } from './echoServer.js';
export { BlockStore, blockServer, blockBanjoOps } from './blockServer.js';
export { fillBlock } from './blockPattern.js';
export { parseEchoDeviceConfig, DEFAULT_CONFIG, type EchoDeviceConfig } from './deviceConfig.js';
