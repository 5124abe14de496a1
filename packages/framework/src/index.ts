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
