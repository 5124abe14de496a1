import { IR_VERSION, type IrLibrary, type IrRoot } from '../../ir/types.js';

/**
 * One library's coding table: its dependencies' libraries first (each once,
 * in dependency order), then the library itself, as an IrRoot the codec can
 * be built from.
 */
export function codingTableOf(library: IrLibrary, dependencies: readonly IrRoot[]): IrRoot {
  const seen = new Set<string>();
  const libraries: IrLibrary[] = [];
  for (const lib of [...dependencies.flatMap((d) => d.libraries), library]) {
    if (seen.has(lib.name)) continue;
    seen.add(lib.name);
    libraries.push(lib);
  }
  return { irVersion: IR_VERSION, libraries };
}
