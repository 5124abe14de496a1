export { EchoFilterDriver } from './driver.js';
export { echoServer, banjoEchoOps, relay } from './echoServer.js';
export { blockServer, blockBanjoOps, shiftOp, windowed, WINDOW_START } from './blockServer.js';
