import { Status, StatusError } from '@fdf/zx';
import type { IrDeclKind, IrLibrary, IrRoot } from '../ir/types.js';
import { declName, libraryAlias, libraryOf, safeIdent } from './names.js';
import type { EmitOptions } from './options.js';

/**
 * What the emitter knows while it writes one library: the whole compilation
 * (to resolve names from other libraries), which imports the file needs, and
 * the top-level names already taken (a FIDL type `EchoClient` next to a
 * protocol `Echo` would clash with the generated client interface).
 */
export class EmitContext {
  readonly libraries = new Map<string, IrLibrary>();
  /** Other FIDL libraries this file refers to, by library name. */
  readonly importedLibraries = new Set<string>();
  usesZx = false;
  usesRuntime = false;
  usesFidl = false;
  readonly #taken = new Map<string, string>();

  constructor(
    readonly root: IrRoot,
    readonly library: IrLibrary,
    readonly options: Required<EmitOptions>,
  ) {
    for (const lib of root.libraries) this.libraries.set(lib.name, lib);
  }

  /** Claims a top-level name for `what`; a second claim is a clash the FIDL author must resolve. */
  claim(name: string, what: string): string {
    const previous = this.#taken.get(name);
    if (previous !== undefined) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `library ${this.library.name}: the generated name '${name}' is needed for ${what} but is already used for ${previous}; rename one of the FIDL declarations`,
      );
    }
    this.#taken.set(name, what);
    return name;
  }

  /** The declaration kind of `fqn` in any library of the compilation. */
  kindOf(fqn: string): IrDeclKind | undefined {
    return this.libraries.get(libraryOf(fqn))?.declarations[fqn];
  }

  /** How this file spells a declared type or value: `BlockOp`, or `zx.Status` from another library. */
  ref(fqn: string): string {
    const lib = libraryOf(fqn);
    const local = safeIdent(declName(fqn));
    if (lib === this.library.name || lib === '') return local;
    this.importedLibraries.add(lib);
    return `${libraryAlias(lib)}.${local}`;
  }

  fidl(name: string): string {
    this.usesFidl = true;
    return `$fidl.${name}`;
  }

  zx(name: string): string {
    this.usesZx = true;
    return `$zx.${name}`;
  }

  runtime(name: string): string {
    this.usesRuntime = true;
    return `$runtime.${name}`;
  }
}
