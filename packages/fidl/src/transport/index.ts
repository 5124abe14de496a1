/** The Banjo, Driver and Channel transports, and the protocol types generated code refers to. */
export type {
  ClientBase,
  Completer,
  ErrorCompleter,
  EventStreams,
  OneWayCompleter,
  Result,
  ServerBinding,
  SyncClientBase,
  TransportStats,
  UnknownMethod,
} from './types.js';
export { hangingGet } from './events.js';
export { defineProtocol, type AnyProtocol, type ProtocolDescriptor } from './protocol.js';
export { methodInfo, protocolMethods, type MethodInfo } from './methodInfo.js';
export { codecOf, lazyCodec, type EncodedMessage, type FidlCodec } from './codec.js';
export {
  defineBanjoProtocol,
  type BanjoProtocol,
  type BanjoProtocolDescriptor,
} from './banjo/banjoProtocol.js';
export { createDriverClient, type DriverClientOptions } from './driver/driverClient.js';
export { bindDriverServer, type DriverServerOptions } from './driver/driverServer.js';
export { createDriverSyncClient, type DriverSyncClientOptions } from './driver/driverSyncClient.js';
export { FRAMEWORK_ERR_UNKNOWN_METHOD } from './results.js';
export { createChannelClient, type ChannelBindingOptions } from './channel/channelClient.js';
export { bindChannelServer } from './channel/channelServer.js';
export {
  createChannelSyncClient,
  type ChannelSyncClientOptions,
} from './channel/channelSyncClient.js';
