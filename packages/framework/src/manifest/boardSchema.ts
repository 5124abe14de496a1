/**
 * The schema of board manifests (`boards/<name>.yaml`), in zod for
 * validation and published as JSON Schema (boards/schema/board.schema.json)
 * for editors and other tools. Cross-field rules (every driver in exactly one
 * host, references that resolve) are checked by boardManifest.ts, since JSON
 * Schema cannot express them.
 */
import { z } from 'zod';
import { propertyKeySchema, propertyValueSchema } from '../bind/yamlConditions.js';
import { bindFieldSchema } from './bindField.js';
import { DRIVER_VARIANTS, driverNameSchema } from './driverManifest.js';

export const BOARD_SCHEMA_ID = 'https://fdf-ts.dev/schema/board.schema.json';

/** Nodes the manager creates before any device: the parents a device may use without declaring them. */
export const BUILTIN_NODE_PATHS = ['root', 'root/sys', 'root/sys/platform'] as const;
export const DEFAULT_DEVICE_PARENT = 'root/sys/platform';

const NODE_NAME = /^[A-Za-z0-9_.:-]+$/;
const NODE_PATH = /^root(\/[A-Za-z0-9_.:-]+)*$/;

const nodeNameSchema = z
  .string()
  .regex(NODE_NAME, {
    error: (i) =>
      `'${String(i.input)}' is not a node name; use letters, digits, '_', '-', '.' or ':'`,
  })
  .describe('A node name: letters, digits, "_", "-", "." or ":".');

const nodePathSchema = z
  .string()
  .regex(NODE_PATH, {
    error: (i) =>
      `'${String(i.input)}' is not a node path; write it from the root, like root/sys/platform`,
  })
  .describe('A node path from the root, like root/sys/platform.');

const simpleNameSchema = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
      error: (i) =>
        `${what} name '${String(i.input)}' is invalid; use lowercase words joined by '-'`,
    })
    .describe(
      `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} name: lowercase words joined by "-".`,
    );

const variantSchema = z
  .enum(DRIVER_VARIANTS)
  .describe('driver: the FIDL Driver-transport build; banjo: the legacy direct-call build.');

const propertiesSchema = z
  .record(propertyKeySchema, propertyValueSchema)
  .describe('Node properties: key -> uint32, string or bool.');

export const deviceSchema = z
  .strictObject({
    name: nodeNameSchema.describe('Name of the node the device appears as.'),
    type: z
      .string()
      .min(1)
      .describe('The fake device type (registered by its package), e.g. ramdisk.'),
    parent: nodePathSchema
      .optional()
      .describe('Where the device node appears; defaults.deviceParent if absent.'),
    properties: propertiesSchema.default({}),
    offers: z
      .array(z.string().min(1))
      .default([])
      .describe('Service instances the device node offers.'),
    config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Device configuration, checked by the schema of the device type.'),
  })
  .describe('A fake device: a node with properties, backed by a simulated piece of hardware.');

export const boardDriverSchema = z
  .strictObject({
    name: driverNameSchema,
    manifest: z
      .string()
      .min(1)
      .describe(
        'Path of the driver manifest, or of the driver package directory holding driver.yaml; relative to this file.',
      ),
    variant: variantSchema
      .optional()
      .describe('Which build of the driver to run; defaults.variant if absent.'),
    colocate: z
      .boolean()
      .optional()
      .describe("Overrides the manifest's colocate flag for this board."),
  })
  .describe('A driver available on this board.');

export const compositeParentSchema = z.strictObject({
  name: z.string().min(1).describe('The role of this parent, e.g. i2c or gpio-int.'),
  bind: bindFieldSchema,
  properties: propertiesSchema
    .default({})
    .describe('What composite drivers match against; the matched node’s properties if empty.'),
});

export const compositeSchema = z
  .strictObject({
    name: nodeNameSchema.describe('Name of the spec and of the composite node.'),
    parents: z.array(compositeParentSchema).min(1).describe('The parents, the primary one first.'),
  })
  .describe('A composite node spec: a node built from several parents once they all exist.');

export const hostSchema = z
  .strictObject({
    name: simpleNameSchema('host'),
    drivers: z.array(driverNameSchema).min(1).describe('Drivers running in this host (by name).'),
  })
  .describe(
    'A driver host: one worker thread with its own heap; its drivers talk over the Driver transport.',
  );

export const workloadSchema = z
  .strictObject({
    name: simpleNameSchema('workload'),
    description: z.string().optional(),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Parameters passed to the workload.'),
  })
  .describe('Something to run against the board, such as a benchmark or a client.');

export const boardSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    name: simpleNameSchema('board'),
    description: z.string().optional(),
    defaults: z
      .strictObject({
        variant: variantSchema.default('driver'),
        deviceParent: nodePathSchema.default(DEFAULT_DEVICE_PARENT),
        workload: z.string().optional().describe('The workload run when none is named.'),
      })
      .default({ variant: 'driver', deviceParent: DEFAULT_DEVICE_PARENT })
      .describe('Values used where a device, driver or command does not say.'),
    devices: z.array(deviceSchema).default([]),
    drivers: z.array(boardDriverSchema).min(1),
    composites: z.array(compositeSchema).default([]),
    hosts: z.array(hostSchema).min(1),
    workloads: z.array(workloadSchema).default([]),
  })
  .meta({
    $id: BOARD_SCHEMA_ID,
    title: 'fdf-ts board manifest',
    description:
      'A board: its fake devices, the drivers available, which driver host each runs in, composite node specs and workloads.',
  });

export type BoardInput = z.input<typeof boardSchema>;
export type BoardData = z.output<typeof boardSchema>;

/** The JSON Schema published at boards/schema/board.schema.json. */
export function boardJsonSchema(): Record<string, unknown> {
  // 'input' describes what a person writes: fields with defaults are optional.
  return z.toJSONSchema(boardSchema, { io: 'input' }) as Record<string, unknown>;
}
