export { Arena, SLAB_SIZE, arenaPoolStats } from './arena.js';
export { Channel, MIN_TXID, type WaitOptions } from './channel.js';
export { type Clock, FakeClock, realClock } from './clock.js';
export { Dispatcher } from './dispatcher.js';
export { env } from './env.js';
export { moveHandle } from './handleTransfer.js';
export { dispatcherScheduler } from './rxScheduler.js';
export { type BlockingSource, BATCH_SIZE } from './runLoop.js';
export { Task } from './task.js';
export { Token, type TokenHandler } from './token.js';
export type {
  DispatcherOptions,
  DispatcherState,
  DispatcherStats,
  InlineBlocker,
  Message,
} from './types.js';
