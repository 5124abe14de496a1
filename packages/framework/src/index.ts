/**
 * @fdf/framework: the data layer of the driver framework. Bind rules, node
 * properties and the node tree, composite node specs, driver and board
 * manifests, and driver matching. Driver hosts and the manager build on it.
 */

// Diagnostics: every input error is located and says how to fix it.
export {
  DiagnosticsError,
  formatDiagnostic,
  type Diagnostic,
  type SourceLocation,
} from './diagnostics.js';

// Bind rules.
export { compileBindRules, compileBindProgram, type CompileOptions } from './bind/compiler.js';
export { evaluate, evaluateBindRules, type BindResult } from './bind/evaluate.js';
export {
  compileBindYaml,
  bindConditionSchema,
  bindConditionsSchema,
  type BindConditionInput,
} from './bind/yamlConditions.js';
export {
  formatBindRules,
  formatCondition,
  formatBindValue,
  type BindRules,
  type BindProgram,
  type CompositeBindRules,
  type CompositeBindParent,
  type BindStatement,
  type BindCondition,
  type BindIf,
  type BindLiteral,
  type BindBranch,
  type BindValue,
  type BindOp,
  type BindUsing,
} from './bind/program.js';

// Nodes.
export {
  propertyMap,
  propertiesFromRecord,
  formatPropertyValue,
  MAX_PROPERTY_INT,
  type NodeProperty,
  type PropertyValue,
} from './node/nodeProperty.js';
export { Node, type NodeState, type BoundDriver } from './node/node.js';
export {
  NodeTree,
  type NodeTreeEvent,
  type NodeTreeListener,
  type PropertiesInput,
} from './node/nodeTree.js';
export { printNodeTree, type PrintOptions } from './node/nodePrinter.js';

// Composite node specs.
export {
  createCompositeSpec,
  type CompositeSpec,
  type CompositeParentSpec,
} from './composite/compositeSpec.js';
export {
  CompositeAssembler,
  effectiveParentProperties,
  type CompositeRole,
  type CompositeStatus,
  type CompositeSpecSource,
} from './composite/compositeAssembler.js';

// Manifests.
export {
  parseDriverManifest,
  loadDriverManifest,
  driverManifestPath,
  driverManifestSchema,
  DRIVER_VARIANTS,
  DEFAULT_RESTART_LIMITS,
  type DriverManifest,
  type DriverManifestInput,
  type DriverManifestOptions,
  type DriverVariant,
} from './manifest/driverManifest.js';
export {
  parseBoardManifest,
  loadBoardManifest,
  type Board,
  type BoardDevice,
  type BoardDriver,
  type BoardHost,
  type BoardWorkload,
  type BoardManifestOptions,
} from './manifest/boardManifest.js';
export {
  boardSchema,
  boardJsonSchema,
  BOARD_SCHEMA_ID,
  BUILTIN_NODE_PATHS,
  DEFAULT_DEVICE_PARENT,
  type BoardInput,
} from './manifest/boardSchema.js';
export {
  createDeviceTypeRegistry,
  type DeviceType,
  type DeviceTypeRegistry,
} from './manifest/deviceTypes.js';
export { nodeManifestFs, memoryManifestFs, type ManifestFs } from './manifest/manifestFs.js';

// Matching.
export {
  matchNode,
  formatNodeMatch,
  type DriverCandidate,
  type NodeMatch,
  type MatchOutcome,
  type MatchOptions,
  type Rejection,
} from './match/driverMatcher.js';
export {
  matchCompositeRules,
  type CompositeAssignment,
  type CompositeRulesMatch,
} from './match/compositeDriverMatch.js';

// ---- Runtime half: drivers, namespaces, driver hosts, the driver manager. ----

// Drivers.
export { DriverBase, type DriverClass } from './driver/driverBase.js';
export type { DriverContext } from './driver/driverContext.js';
export {
  DriverNode,
  ChildNode,
  type ChildNodeArgs,
  type NodeLink,
  type ServedOffers,
} from './driver/driverNode.js';
export {
  DriverLogger,
  formatLogRecord,
  LOG_LEVELS,
  type LogLevel,
  type LogRecord,
  type LogSink,
} from './driver/logger.js';
export { DriverCounters, type CounterSnapshot } from './driver/counters.js';
export {
  integerParam,
  type Workload,
  type WorkloadParams,
  type WorkloadResult,
  type WorkloadReport,
} from './driver/workload.js';
export type {
  ChildNodeRequest,
  DeviceInfo,
  DriverStartInfo,
  NodeInfo,
} from './driver/startInfo.js';
export { loadDriverClass } from './driver/driverModule.js';

// Namespaces: what a driver serves and what its parents offer it.
export {
  OutgoingDirectory,
  type OutgoingServiceStats,
  type ServiceOptions,
  type ServiceTransport,
} from './namespace/outgoing.js';
export {
  IncomingNamespace,
  type ConnectOptions,
  type IncomingConnection,
  type IncomingRoute,
  type ProviderRef,
  type ServiceRouter,
} from './namespace/incoming.js';
export { serviceOffer, serviceName, DEFAULT_INSTANCE } from './namespace/serviceOffer.js';

// Driver hosts.
export {
  DriverHost,
  type DriverHostOptions,
  type HostedDriverReport,
  type HostStats,
  type ManagerLink,
} from './host/driverHost.js';
export {
  HostedDriver,
  runOnDispatcher,
  type DispatcherDump,
  type DriverIdentity,
  type HostedDriverState,
} from './host/hostedDriver.js';
export { WorkerHost, HOST_ENTRY, type HostExit } from './host/workerHost.js';

// The driver manager.
export {
  DriverManager,
  type DriverInstanceInfo,
  type DriverManagerOptions,
  type HostInfo,
  type HostState,
  type InstanceState,
  type WorkloadTarget,
} from './manager/driverManager.js';
export {
  formatManagerEvent,
  type ManagerEvent,
  type ManagerListener,
} from './manager/managerEvents.js';
export { driverUrl } from './manager/placement.js';
export {
  formatDispatcherDump,
  formatDriverList,
  formatHostList,
  formatWorkloadReports,
  resultsDigest,
  type BoardReports,
} from './manager/inspect.js';
