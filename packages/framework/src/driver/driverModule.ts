/**
 * Loading a driver's class from the module its manifest names. The host does
 * it when it starts the driver, so a driver package is only ever imported in
 * the thread it runs in.
 */
import { pathToFileURL } from 'node:url';
import { Status, StatusError } from '@fdf/zx';
import { listOrNone } from '../diagnostics.js';
import { DriverBase, type DriverClass } from './driverBase.js';

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Imports `modulePath` and returns its export `exportName`, checked to be a DriverBase subclass. */
export async function loadDriverClass(
  driver: string,
  modulePath: string,
  exportName: string,
): Promise<DriverClass> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new StatusError(
      Status.ERR_IO,
      `driver ${driver}: cannot load module ${modulePath}: ${reason(err)}; fix the module or the manifest's module field`,
    );
  }
  const exported = mod[exportName];
  if (exported === undefined) {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `driver ${driver}: module ${modulePath} has no export '${exportName}'; set the manifest's export to one of: ${listOrNone(names)}`,
    );
  }
  if (typeof exported !== 'function' || !(exported.prototype instanceof DriverBase)) {
    throw new StatusError(
      Status.ERR_WRONG_TYPE,
      `driver ${driver}: export '${exportName}' of ${modulePath} is not a class extending DriverBase from @fdf/framework; export the driver class (if it does extend DriverBase, the module loaded a second copy of @fdf/framework)`,
    );
  }
  return exported as DriverClass;
}
