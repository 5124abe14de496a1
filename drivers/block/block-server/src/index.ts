// @fdf/block-server: serves the block FIFO protocol to clients in other
// driver hosts, the client library they use, and a workload generator.
export {
  BLOCK_FIFO_ESIZE,
  BLOCK_FIFO_MAX_DEPTH,
  BLOCK_VMOID_INVALID,
  BLOCK_VMOID_MAX,
  BlockIoFlag,
  BlockOpcode,
  MAX_TXN_GROUP_COUNT,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  newRequest,
  newResponse,
  opcodeName,
  type FifoRequest,
  type FifoResponse,
} from './fifoProtocol.js';
export type {
  BlockDevice,
  BlockInfo,
  BlockOp,
  BlockQueryResult,
  BlockQueueRequest,
  BlockQueueResponse,
} from './blockDevice.js';
export {
  BlockServer,
  type BlockServerOptions,
  type OpenSessionOptions,
  type ServerStats,
} from './blockServer.js';
export { BlockSession, type SessionState, type SessionStats } from './blockSession.js';
export { serveBlockDevice, type ControlBinding } from './controlServer.js';
export {
  CONTROL_TXID_BYTES,
  decodeControl,
  encodeControl,
  infoFromWire,
  infoToWire,
  type ControlMessage,
  type ControlMethod,
  type WireInfo,
} from './controlProtocol.js';
export {
  BlockDeviceConnection,
  ChannelSessionControl,
  type CloseReason,
  type SessionControl,
} from './controlClient.js';
export {
  BlockClient,
  type BlockClientOptions,
  type BlockClientStats,
  type BlockRequestSpec,
} from './client.js';
export { connectLocal, localSessionControl } from './localSession.js';
export {
  runWorkload,
  type VerifyReport,
  type WorkloadOptions,
  type WorkloadPhase,
  type WorkloadProgress,
  type WorkloadReport,
  type WorkloadTarget,
} from './workload.js';
export { LatencyHistogram, type LatencySummary } from './latencyHistogram.js';
export { Prng } from './prng.js';

// The drivers: block-server, the block-client workload driver, and the ramdisk over a disk image.
export {
  BlockServerDriver,
  BlockServerProperty,
  FIFO_BIND_PROTOCOL,
  FIFO_NODE,
  serverOptions,
} from './driver.js';
export { BlockClientDriver } from './workloadDriver.js';
export { ImageRamdiskDriver } from './imageRamdiskDriver.js';
export {
  Connector,
  type ConnectorClient,
  type ConnectorServer,
} from './generated/fdf.blockserver.js';
export { connectParentDevice, banjoDevice, fidlDevice, type ParentDevice } from './parentDevice.js';
// Reaching a running workload from a tool or test, and giving a board a disk the caller owns.
export {
  ProgressCell,
  ReportCell,
  WORKLOAD_PHASES,
  type CellPhase,
  type ProgressSnapshot,
} from './sharedCells.js';
export { createDiskVmo, diskDevice, withDiskStorage } from './boardDisk.js';
export { formatDiskImage, hasGpt, seededGuid, type DiskImageLayout } from './diskImage.js';
export { parseDiskImageConfig, type DiskImageConfig } from './diskImageConfig.js';
export type { CallCounts } from './countingTarget.js';
export type { StressReport } from './stressWorkload.js';
