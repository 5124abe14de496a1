/**
 * Board manifests: which fake devices exist, which drivers are available and
 * in which driver host each one runs, which build (variant) of each driver to
 * use, composite node specs, and workloads. Switching a driver between
 * colocated and split hosts, or between its Banjo and Driver-transport
 * builds, is an edit here and nowhere else.
 *
 * Loading checks the schema first, then the rules that span fields: every
 * driver runs in exactly one host, host names are unique, every reference
 * resolves, and each driver's manifest exists, carries the name the board
 * uses and offers the variant the board asks for. All problems come back at
 * once, each at its line and column, with the path in the file and a fix.
 */
import { dirname, join } from 'node:path';
import { Status, StatusError } from '@fdf/zx';
import type { BindProgram } from '../bind/program.js';
import type { CompositeSpec } from '../composite/compositeSpec.js';
import {
  didYouMean,
  DiagnosticsError,
  listOrNone,
  throwIfAny,
  type Diagnostic,
} from '../diagnostics.js';
import { propertiesFromRecord, type NodeProperty } from '../node/nodeProperty.js';
import { formatYamlPath, YamlSource, type YamlPath } from '../yaml/yamlSource.js';
import { validateYaml, zodIssuesToDiagnostics } from '../yaml/zodIssues.js';
import { resolveBindField } from './bindField.js';
import { boardSchema, BUILTIN_NODE_PATHS, type BoardData } from './boardSchema.js';
import type { DeviceTypeRegistry } from './deviceTypes.js';
import {
  driverManifestPath,
  loadDriverManifest,
  type DriverManifest,
  type DriverVariant,
} from './driverManifest.js';
import { nodeManifestFs, readFailure, type ManifestFs } from './manifestFs.js';

export interface BoardDevice {
  readonly name: string;
  readonly type: string;
  /** Path of the node the device node is added under. */
  readonly parent: string;
  /** Path of the device's own node. */
  readonly path: string;
  readonly properties: readonly NodeProperty[];
  readonly offers: readonly string[];
  /** The config as checked (and defaulted) by the device type, or as written without a registry. */
  readonly config: unknown;
}

export interface BoardDriver {
  readonly name: string;
  /** The driver manifest file (a package directory resolved to its driver.yaml). */
  readonly manifestPath: string;
  /** The parsed manifest; undefined when the board was loaded with loadDrivers: false. */
  readonly manifest: DriverManifest | undefined;
  readonly variant: DriverVariant;
  /** The board's override, else the manifest's flag (false when not loaded). */
  readonly colocate: boolean;
  /** The host this driver runs in. */
  readonly host: string;
}

export interface BoardHost {
  readonly name: string;
  readonly drivers: readonly string[];
}

export interface BoardWorkload {
  readonly name: string;
  readonly description?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Board {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly defaults: {
    readonly variant: DriverVariant;
    readonly deviceParent: string;
    readonly workload?: string;
  };
  readonly devices: readonly BoardDevice[];
  readonly drivers: readonly BoardDriver[];
  readonly composites: readonly CompositeSpec[];
  readonly hosts: readonly BoardHost[];
  readonly workloads: readonly BoardWorkload[];
}

export interface BoardManifestOptions {
  readonly fs?: ManifestFs;
  /** Checks device types and configs when given. */
  readonly deviceTypes?: DeviceTypeRegistry;
  /** Load every driver manifest to check names and variants (default true). */
  readonly loadDrivers?: boolean;
  /** Passed to the driver manifest loader: check that driver modules exist (default true). */
  readonly checkModules?: boolean;
}

/** First occurrence of each name, to report the later ones as duplicates. */
function duplicates<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  report: (index: number, name: string, firstIndex: number) => void,
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const name = nameOf(item);
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else report(i, name, earlier);
  });
}

class BoardChecker {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly source: YamlSource,
    private readonly data: BoardData,
    private readonly options: BoardManifestOptions,
  ) {}

  private error(
    path: YamlPath,
    message: string,
    fix?: string,
    form: 'value' | 'key' = 'value',
  ): void {
    this.diagnostics.push(this.source.at(path, message, fix, form));
  }

  /** Host of each driver; reports unknown, doubly placed and unplaced drivers. */
  hosts(): Map<string, string> {
    const { hosts, drivers } = this.data;
    const driverNames = drivers.map((d) => d.name);
    const known = new Set(driverNames);
    duplicates(
      hosts,
      (h) => h.name,
      (i, name, first) =>
        this.error(
          ['hosts', i, 'name'],
          `host name '${name}' is already used by hosts[${first}]`,
          'give each host a distinct name',
        ),
    );
    const placed = new Map<string, { host: string; at: string }>();
    hosts.forEach((host, i) => {
      host.drivers.forEach((driver, k) => {
        const path = ['hosts', i, 'drivers', k];
        if (!known.has(driver)) {
          this.error(
            path,
            `unknown driver '${driver}'`,
            `${didYouMean(driver, driverNames)}drivers available: ${listOrNone(driverNames)}`,
          );
          return;
        }
        const earlier = placed.get(driver);
        if (earlier !== undefined) {
          this.error(
            path,
            `driver '${driver}' is already placed in host '${earlier.host}' (${earlier.at})`,
            'a driver runs in exactly one host: remove one of the two entries',
          );
          return;
        }
        placed.set(driver, { host: host.name, at: formatYamlPath(path) });
      });
    });
    const hostNames = hosts.map((h) => h.name);
    drivers.forEach((d, i) => {
      if (!placed.has(d.name)) {
        this.error(
          ['drivers', i, 'name'],
          `driver '${d.name}' is not placed in any host`,
          `add it to the drivers of one host (hosts: ${listOrNone(hostNames)})`,
        );
      }
    });
    duplicates(
      drivers,
      (d) => d.name,
      (i, name, first) =>
        this.error(
          ['drivers', i, 'name'],
          `driver '${name}' is listed twice (first at drivers[${first}])`,
          'list each driver once',
        ),
    );
    return new Map([...placed].map(([driver, { host }]) => [driver, host]));
  }

  devices(): BoardDevice[] {
    const { devices, defaults } = this.data;
    const paths = new Map<string, number>(BUILTIN_NODE_PATHS.map((p) => [p, -1]));
    const allPaths = devices.map((d) => `${d.parent ?? defaults.deviceParent}/${d.name}`);
    const registry = this.options.deviceTypes;
    return devices.map((d, i) => {
      const parent = d.parent ?? defaults.deviceParent;
      const path = `${parent}/${d.name}`;
      if (!paths.has(parent)) {
        const later = allPaths.indexOf(parent);
        const where =
          d.parent === undefined ? ['defaults', 'deviceParent'] : ['devices', i, 'parent'];
        if (later > i) {
          this.error(
            where,
            `parent '${parent}' is the device declared later at devices[${later}]`,
            'list a parent device before the devices under it',
          );
        } else {
          const known = [...paths.keys()];
          this.error(
            where,
            `parent '${parent}' is not a node this board creates`,
            `${didYouMean(parent, known)}parents available: ${known.join(', ')}`,
          );
        }
      }
      const clash = paths.get(path);
      if (clash !== undefined) {
        const by = clash < 0 ? 'the manager' : `devices[${clash}]`;
        this.error(
          ['devices', i, 'name'],
          `node '${path}' is already created by ${by}`,
          'give the device another name or parent',
        );
      } else {
        paths.set(path, i);
      }

      let config: unknown = d.config;
      if (registry !== undefined) {
        const type = registry.get(d.type);
        if (type === undefined) {
          const types = registry.types();
          this.error(
            ['devices', i, 'type'],
            `unknown device type '${d.type}'`,
            `${didYouMean(d.type, types)}device types available: ${listOrNone(types)}`,
          );
        } else {
          const parsed = type.config.safeParse(d.config, { reportInput: true });
          if (parsed.success) config = parsed.data;
          else
            this.diagnostics.push(
              ...zodIssuesToDiagnostics(this.source, parsed.error.issues, type.config, [
                'devices',
                i,
                'config',
              ]),
            );
        }
      }
      return {
        name: d.name,
        type: d.type,
        parent,
        path,
        properties: propertiesFromRecord(d.properties),
        offers: d.offers,
        config,
      };
    });
  }

  composites(): CompositeSpec[] {
    const fs = this.options.fs ?? nodeManifestFs;
    duplicates(
      this.data.composites,
      (c) => c.name,
      (i, name, first) =>
        this.error(
          ['composites', i, 'name'],
          `composite '${name}' is already declared at composites[${first}]`,
          'give each composite spec a distinct name',
        ),
    );
    return this.data.composites.map((c, i) => {
      duplicates(
        c.parents,
        (p) => p.name,
        (k, name, first) =>
          this.error(
            ['composites', i, 'parents', k, 'name'],
            `parent role '${name}' is already used by parents[${first}]`,
            'give each parent a distinct role name',
          ),
      );
      const parents = c.parents.map((p, k) => {
        const path = ['composites', i, 'parents', k, 'bind'];
        const bind = resolveBindField(this.source, path, p.bind, fs);
        this.diagnostics.push(...bind.diagnostics);
        let program: BindProgram | undefined;
        if (bind.rules?.kind === 'composite') {
          this.error(
            path,
            'a composite parent needs rules for one node, not composite rules',
            'remove the parent blocks and keep the conditions',
          );
        } else {
          program = bind.rules;
        }
        return {
          name: p.name,
          bind: program ?? {
            kind: 'program' as const,
            file: this.source.file,
            usings: [],
            body: [],
          },
          properties: propertiesFromRecord(p.properties),
        };
      });
      return { name: c.name, parents };
    });
  }

  workloads(): BoardWorkload[] {
    const { workloads, defaults } = this.data;
    duplicates(
      workloads,
      (w) => w.name,
      (i, name, first) =>
        this.error(
          ['workloads', i, 'name'],
          `workload '${name}' is already declared at workloads[${first}]`,
          'give each workload a distinct name',
        ),
    );
    if (defaults.workload !== undefined && !workloads.some((w) => w.name === defaults.workload)) {
      const names = workloads.map((w) => w.name);
      this.error(
        ['defaults', 'workload'],
        `unknown workload '${defaults.workload}'`,
        `${didYouMean(defaults.workload, names)}workloads declared: ${listOrNone(names)}`,
      );
    }
    return workloads.map((w) => ({
      name: w.name,
      ...(w.description === undefined ? {} : { description: w.description }),
      params: w.params,
    }));
  }

  drivers(hostOf: ReadonlyMap<string, string>): BoardDriver[] {
    const fs = this.options.fs ?? nodeManifestFs;
    const load = this.options.loadDrivers !== false;
    const boardDir = dirname(this.source.file);
    return this.data.drivers.map((d, i) => {
      const variant = d.variant ?? this.data.defaults.variant;
      const manifestPath = driverManifestPath(join(boardDir, d.manifest), fs);
      let manifest: DriverManifest | undefined;
      if (load) {
        manifest = this.loadDriver(i, manifestPath, fs);
        if (manifest !== undefined) this.checkDriver(i, manifest, variant);
      }
      return {
        name: d.name,
        manifestPath,
        manifest,
        variant,
        colocate: d.colocate ?? manifest?.colocate ?? false,
        host: hostOf.get(d.name) ?? '',
      };
    });
  }

  private loadDriver(i: number, path: string, fs: ManifestFs): DriverManifest | undefined {
    const where = ['drivers', i, 'manifest'];
    if (!fs.exists(path)) {
      const written = this.data.drivers[i]?.manifest ?? path;
      this.error(
        where,
        `driver manifest '${written}' does not exist (resolved to ${path})`,
        'check the path; it is relative to this board file',
      );
      return undefined;
    }
    try {
      return loadDriverManifest(path, { fs, checkModule: this.options.checkModules !== false });
    } catch (err) {
      if (err instanceof DiagnosticsError) {
        // The manifest's own diagnostics point into it; this one says which board entry uses it.
        this.diagnostics.push(...err.diagnostics);
        this.error(
          where,
          `driver manifest ${path} has ${err.diagnostics.length} error(s), listed with its file name`,
          'fix the driver manifest',
        );
        return undefined;
      }
      if (err instanceof StatusError) {
        this.error(
          where,
          `cannot load driver manifest ${path}: ${readFailure(err)}`,
          'check the path; it is relative to this board file',
        );
        return undefined;
      }
      throw err;
    }
  }

  private checkDriver(i: number, manifest: DriverManifest, variant: DriverVariant): void {
    const entry = this.data.drivers[i];
    if (entry === undefined) return;
    if (manifest.name !== entry.name) {
      this.error(
        ['drivers', i, 'name'],
        `the manifest ${manifest.file} names its driver '${manifest.name}', not '${entry.name}'`,
        `use name: ${manifest.name} (and the same name in hosts)`,
      );
    }
    if (!manifest.variants.includes(variant)) {
      const where = entry.variant === undefined ? ['drivers', i] : ['drivers', i, 'variant'];
      const because = entry.variant === undefined ? ` (the default from defaults.variant)` : '';
      this.error(
        where,
        `driver '${entry.name}' does not offer variant '${variant}'${because}; it offers: ${manifest.variants.join(', ')}`,
        `set \`variant: ${manifest.variants[0] ?? 'driver'}\` for this driver`,
      );
    }
  }
}

/**
 * Parses and checks a board manifest. `file` names it in diagnostics and
 * anchors relative paths. Throws a DiagnosticsError (ERR_INVALID_ARGS) that
 * lists every problem.
 */
export function parseBoardManifest(
  text: string,
  file: string,
  options: BoardManifestOptions = {},
): Board {
  const what = `board manifest ${file}`;
  const source = YamlSource.parse(text, file);
  const data = validateYaml(source, boardSchema, what);
  const checker = new BoardChecker(source, data, options);
  const hostOf = checker.hosts();
  const devices = checker.devices();
  const composites = checker.composites();
  const workloads = checker.workloads();
  const drivers = checker.drivers(hostOf);
  throwIfAny(what, checker.diagnostics);
  return {
    file,
    name: data.name,
    ...(data.description === undefined ? {} : { description: data.description }),
    defaults: {
      variant: data.defaults.variant,
      deviceParent: data.defaults.deviceParent,
      ...(data.defaults.workload === undefined ? {} : { workload: data.defaults.workload }),
    },
    devices,
    drivers,
    composites,
    hosts: data.hosts.map((h) => ({ name: h.name, drivers: [...h.drivers] })),
    workloads,
  };
}

export function loadBoardManifest(file: string, options: BoardManifestOptions = {}): Board {
  const fs = options.fs ?? nodeManifestFs;
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (err) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `cannot read board manifest ${file} (${readFailure(err)}); check the path`,
    );
  }
  return parseBoardManifest(text, file, options);
}
