/**
 * Groups parsed files into libraries, wires each file's `using` lines to the
 * libraries they name, and orders libraries so dependencies come first.
 */
import { compoundText, type RawAttribute, type RawFile } from './ast.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { ImportEntry, Library } from './model.js';

export function groupLibraries(files: RawFile[], sink: DiagnosticSink, zxPath?: string): Library[] {
  const byName = new Map<string, Library>();
  for (const file of files) {
    if (!file.library) continue;
    const name = compoundText(file.library);
    let lib = byName.get(name);
    if (!lib) {
      lib = {
        name,
        files: [],
        attributes: [],
        decls: new Map(),
        declOrder: [],
        dependencies: new Set(),
        imports: new Map(),
        builtinZx: zxPath !== undefined && file.path === zxPath,
      };
      byName.set(name, lib);
    }
    lib.files.push(file);
    for (const attr of file.attributes) {
      // Library documentation may be spread over files; it is concatenated.
      const prevDoc =
        attr.docText !== undefined ? lib.attributes.findIndex((a) => a.docText !== undefined) : -1;
      if (prevDoc >= 0) {
        const prev = lib.attributes[prevDoc] as RawAttribute;
        lib.attributes[prevDoc] = {
          ...prev,
          docText: `${prev.docText ?? ''}\n${attr.docText ?? ''}`,
        };
        continue;
      }
      const dup =
        attr.docText === undefined &&
        lib.attributes.find((a) => a.docText === undefined && a.name.name === attr.name.name);
      if (dup) {
        sink.error(
          'FIDL-DUPLICATE-ATTRIBUTE',
          attr.name.span,
          `library '${name}' already has attribute @${attr.name.name} (at ${dup.span.file}:${dup.span.line}); keep it on one file only`,
        );
        continue;
      }
      lib.attributes.push(attr);
    }
  }
  for (const lib of byName.values()) resolveImports(lib, byName, sink);
  reportLibraryCycles([...byName.values()], sink);
  return [...byName.values()];
}

function resolveImports(lib: Library, byName: Map<string, Library>, sink: DiagnosticSink): void {
  for (const file of lib.files) {
    const table = new Map<string, ImportEntry>();
    lib.imports.set(file, table);
    for (const using of file.usings) {
      const target = compoundText(using.library);
      if (target === lib.name) {
        sink.error(
          'FIDL-SELF-IMPORT',
          using.library.span,
          `library '${lib.name}' cannot import itself; remove this using line`,
        );
        continue;
      }
      const dep = byName.get(target);
      if (!dep) {
        sink.error(
          'FIDL-UNKNOWN-LIBRARY',
          using.library.span,
          `library '${target}' was not found among the given files; pass its .fidl files to the compiler too`,
        );
        continue;
      }
      if ([...table.values()].some((e) => e.library === dep)) {
        sink.error(
          'FIDL-DUPLICATE-IMPORT',
          using.span,
          `library '${target}' is already imported in this file; remove the duplicate using line`,
        );
        continue;
      }
      const keys = [target];
      if (using.alias) keys.push(using.alias.name);
      let clash = false;
      for (const key of keys) {
        const other = table.get(key);
        if (other) {
          sink.error(
            'FIDL-CONFLICTING-IMPORT',
            using.alias?.span ?? using.library.span,
            `the name '${key}' already refers to library '${other.library.name}' in this file; choose a different alias`,
          );
          clash = true;
        }
      }
      if (clash) continue;
      const entry: ImportEntry = { library: dep, using, used: false };
      for (const key of keys) table.set(key, entry);
      lib.dependencies.add(dep);
    }
  }
}

function reportLibraryCycles(libs: Library[], sink: DiagnosticSink): void {
  const state = new Map<Library, 'visiting' | 'done'>();
  const stack: Library[] = [];
  const visit = (lib: Library): void => {
    state.set(lib, 'visiting');
    stack.push(lib);
    for (const dep of lib.dependencies) {
      const s = state.get(dep);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep)).map((l) => l.name);
        cycle.push(dep.name);
        const file = lib.files.find((f) =>
          f.usings.some((u) => compoundText(u.library) === dep.name),
        );
        const using = file?.usings.find((u) => compoundText(u.library) === dep.name);
        if (using) {
          sink.error(
            'FIDL-LIBRARY-CYCLE',
            using.span,
            `libraries import each other in a cycle (${cycle.join(' -> ')}); move the shared declarations into a library both can import`,
          );
        }
        lib.dependencies.delete(dep);
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(lib, 'done');
  };
  for (const lib of libs) if (!state.has(lib)) visit(lib);
}

/**
 * Dependency order (each library after everything it imports), with the
 * target library last. The target is the library that no other given library
 * depends on; when several qualify, the one whose file came first.
 */
export function orderLibraries(libs: Library[]): { ordered: Library[]; target: Library | null } {
  const dependedOn = new Set<Library>();
  for (const lib of libs) for (const dep of lib.dependencies) dependedOn.add(dep);
  // `libs` is in first-file order already (Map insertion order).
  const target =
    libs.find((l) => !dependedOn.has(l) && !l.builtinZx) ??
    libs.find((l) => !dependedOn.has(l)) ??
    null;
  const ordered: Library[] = [];
  const seen = new Set<Library>();
  const visit = (lib: Library): void => {
    if (seen.has(lib)) return;
    seen.add(lib);
    for (const dep of lib.dependencies) visit(dep);
    ordered.push(lib);
  };
  for (const lib of libs) if (lib !== target) visit(lib);
  if (target) visit(target);
  return { ordered, target };
}
