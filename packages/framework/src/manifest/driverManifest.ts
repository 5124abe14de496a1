/**
 * Driver manifests (`driver.yaml` beside a driver's source): what a driver is
 * called, what it binds to, how it wants to run, and where its class lives.
 *
 *   name: gpt
 *   bind: |
 *     using fuchsia.block;
 *     fuchsia.BIND_PROTOCOL == fuchsia.block.BIND_PROTOCOL.BLOCK;
 *   module: ./src/driver.ts
 *   colocate: true
 *   dispatcher: { allowSyncCalls: false }
 *   onCrash: restart
 *   restartLimits: { maxRestarts: 3, windowMs: 60000 }
 *   variants: [driver, banjo]
 *
 * Every problem is reported at its line and column, all at once.
 */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Status, StatusError } from '@fdf/zx';
import type { BindRules } from '../bind/program.js';
import { throwIfAny, type Diagnostic } from '../diagnostics.js';
import { YamlSource } from '../yaml/yamlSource.js';
import { validateYaml } from '../yaml/zodIssues.js';
import { bindFieldSchema, resolveBindField } from './bindField.js';
import { nodeManifestFs, readFailure, type ManifestFs } from './manifestFs.js';

/**
 * `driver`: the FIDL Driver-transport build; `banjo`: the legacy direct-call
 * build. A board picks one per driver.
 */
export const DRIVER_VARIANTS = ['driver', 'banjo'] as const;
export type DriverVariant = (typeof DRIVER_VARIANTS)[number];

export const DRIVER_NAME_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';

export const driverNameSchema = z
  .string()
  .regex(new RegExp(DRIVER_NAME_PATTERN), {
    error: (issue) =>
      `driver name '${String(issue.input)}' is invalid; use lowercase words joined by '-', like block-core`,
  })
  .describe('Driver name: lowercase words joined by "-", e.g. block-core.');

export const DEFAULT_RESTART_LIMITS = { maxRestarts: 3, windowMs: 60_000 } as const;

export const driverManifestSchema = z
  .strictObject({
    name: driverNameSchema,
    description: z.string().optional().describe('One line on what the driver does.'),
    bind: bindFieldSchema,
    module: z
      .string()
      .min(1)
      .describe('Path of the module exporting the driver class, relative to this manifest.'),
    export: z
      .string()
      .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, {
        error: 'export must be a JavaScript identifier (or "default")',
      })
      .default('default')
      .describe('Name of the export holding the driver class.'),
    colocate: z
      .boolean()
      .default(false)
      .describe('Run in the same driver host as the parent driver (a board may override it).'),
    fallback: z
      .boolean()
      .default(false)
      .describe('Bind only when no non-fallback driver matches the node.'),
    dispatcher: z
      .strictObject({
        allowSyncCalls: z
          .boolean()
          .default(false)
          .describe('The default dispatcher may block on synchronous calls.'),
      })
      .default({ allowSyncCalls: false })
      .describe('Options of the driver’s default dispatcher.'),
    onCrash: z
      .enum(['restart', 'none'])
      .default('none')
      .describe('What the driver host does when the driver crashes.'),
    restartLimits: z
      .strictObject({
        maxRestarts: z
          .number()
          .int()
          .min(1)
          .describe('Restarts allowed within the window before the node is quarantined.'),
        windowMs: z.number().int().min(1).describe('Length of the window, in milliseconds.'),
      })
      .optional()
      .describe(
        `Only with onCrash: restart. Default ${DEFAULT_RESTART_LIMITS.maxRestarts} restarts per ${DEFAULT_RESTART_LIMITS.windowMs} ms.`,
      ),
    variants: z
      .array(z.enum(DRIVER_VARIANTS))
      .min(1)
      .default(['driver'])
      .describe(
        'The builds of the driver that exist: driver (FIDL Driver transport) and/or banjo.',
      ),
  })
  .superRefine((m, ctx) => {
    if (m.restartLimits !== undefined && m.onCrash !== 'restart') {
      ctx.addIssue({
        code: 'custom',
        path: ['restartLimits'],
        message:
          "restartLimits only apply when onCrash is 'restart'; remove restartLimits or set `onCrash: restart`",
      });
    }
    m.variants.forEach((v, i) => {
      if (m.variants.indexOf(v) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', i],
          message: `variant '${v}' is listed twice; list each variant once`,
        });
      }
    });
  });

export type DriverManifestInput = z.input<typeof driverManifestSchema>;

export interface DriverManifest {
  /** The manifest file. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly bind: BindRules;
  /** Where the bind rules were written: in the manifest, or in a file. */
  readonly bindOrigin: 'inline' | 'conditions' | { readonly file: string };
  /** The driver module's path, resolved against the manifest's directory. */
  readonly module: string;
  readonly export: string;
  readonly colocate: boolean;
  readonly fallback: boolean;
  readonly dispatcher: { readonly allowSyncCalls: boolean };
  readonly onCrash: 'restart' | 'none';
  /** Present when onCrash is 'restart'. */
  readonly restartLimits?: { readonly maxRestarts: number; readonly windowMs: number };
  readonly variants: readonly DriverVariant[];
}

export interface DriverManifestOptions {
  readonly fs?: ManifestFs;
  /** Check that the module file exists (default true). */
  readonly checkModule?: boolean;
}

/**
 * Parses and validates a driver manifest's text. `file` names it in
 * diagnostics and anchors relative paths. Throws a DiagnosticsError
 * (ERR_INVALID_ARGS) listing every problem.
 */
export function parseDriverManifest(
  text: string,
  file: string,
  options: DriverManifestOptions = {},
): DriverManifest {
  const fs = options.fs ?? nodeManifestFs;
  const what = `driver manifest ${file}`;
  const source = YamlSource.parse(text, file);
  const m = validateYaml(source, driverManifestSchema, what);

  const diagnostics: Diagnostic[] = [];
  const bind = resolveBindField(source, ['bind'], m.bind, fs);
  diagnostics.push(...bind.diagnostics);
  if (bind.rules?.kind === 'composite' && m.colocate) {
    // Fuchsia runs a composite driver with its primary parent; colocation is implied.
    diagnostics.push(
      source.at(
        ['colocate'],
        'composite drivers always run in the host of their primary parent',
        'remove colocate',
      ),
    );
  }
  const modulePath = join(dirname(file), m.module);
  if (options.checkModule !== false && !fs.exists(modulePath)) {
    diagnostics.push(
      source.at(
        ['module'],
        `module '${m.module}' does not exist (resolved to ${resolve(modulePath)})`,
        'check the path; it is relative to this manifest',
      ),
    );
  }
  throwIfAny(what, diagnostics);
  if (bind.rules === undefined) {
    throw new StatusError(
      Status.ERR_INTERNAL,
      `${what}: bind rules compiled to nothing without an error; report this as a bug`,
    );
  }

  return {
    file,
    name: m.name,
    ...(m.description === undefined ? {} : { description: m.description }),
    bind: bind.rules,
    bindOrigin: bind.origin,
    module: modulePath,
    export: m.export,
    colocate: m.colocate,
    fallback: m.fallback,
    dispatcher: { allowSyncCalls: m.dispatcher.allowSyncCalls },
    onCrash: m.onCrash,
    ...(m.onCrash === 'restart'
      ? { restartLimits: m.restartLimits ?? DEFAULT_RESTART_LIMITS }
      : {}),
    variants: m.variants,
  };
}

/** The manifest file for `path`: the path itself, or `driver.yaml` inside a package directory. */
export function driverManifestPath(path: string, fs: ManifestFs = nodeManifestFs): string {
  return fs.isDirectory(path) ? join(path, 'driver.yaml') : path;
}

/** Reads and parses a driver manifest from a file or a driver package directory. */
export function loadDriverManifest(
  path: string,
  options: DriverManifestOptions = {},
): DriverManifest {
  const fs = options.fs ?? nodeManifestFs;
  const file = driverManifestPath(path, fs);
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (err) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `cannot read driver manifest ${file} (${readFailure(err)}); give the path of a driver.yaml or of a directory holding one`,
    );
  }
  return parseDriverManifest(text, file, options);
}
