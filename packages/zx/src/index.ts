export { Status, StatusError, statusName, check } from './status.js';
export { Handle, ObjType } from './handle.js';
export * from './rights.js';
export * from './signals.js';
export {
  INFINITE,
  zxClockGetMonotonic,
  monotonicMs,
  deadlineAfter,
  remainingMs,
  nsToMs,
} from './clock.js';
export {
  registerHandleKind,
  handleFromTransfer,
  transferHandles,
  transferHandle,
  isHandleDescriptor,
  type HandleClass,
  type HandleDescriptor,
  type TransferredHandles,
} from './handleTransfer.js';
export { Vmo, ZX_PAGE_SIZE } from './vmo.js';
export { Event } from './event.js';
export { EventPair } from './eventPair.js';
export {
  ZxChannel,
  ZX_CHANNEL_MAX_MSG_BYTES,
  ZX_CHANNEL_MAX_MSG_HANDLES,
  type ZxMessage,
} from './channel.js';
export { Fifo, ZX_FIFO_MAX_SIZE_BYTES } from './fifo.js';
export { startWorker, workerMessage, workerExit } from './worker.js';
