/**
 * Test helpers for the compiler: compile inline sources or fixture files and
 * pick out diagnostics.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compileFidl, loadFidlFiles, type Diagnostic } from '../../src/compiler/index.js';
import type { IrLibrary, IrRoot } from '../../src/ir/types.js';

export const FIXTURE_DIR = fileURLToPath(new URL('.', import.meta.url));
const GIDL_IN_REPO = fileURLToPath(new URL('../wire/conformance/gidl_types.fidl', import.meta.url));
const GIDL_SHARED = fileURLToPath(
  new URL('../../../../../shared/conformance/fidl/gidl_types.fidl', import.meta.url),
);
/** The conformance declarations: the wire tests' copy, else the shared original. */
export const GIDL_TYPES = existsSync(GIDL_IN_REPO) ? GIDL_IN_REPO : GIDL_SHARED;

export function fixture(...names: string[]): string[] {
  return names.map((n) => FIXTURE_DIR + n);
}

/** One source as `test.fidl`, or several as { path: text }. */
export function compileText(
  src: string | Record<string, string>,
  opts: { parseOnly?: boolean } = {},
): { ir: IrRoot | null; diagnostics: Diagnostic[] } {
  const sources =
    typeof src === 'string'
      ? [{ path: 'test.fidl', text: src }]
      : Object.entries(src).map(([path, text]) => ({ path, text }));
  return compileFidl(sources, opts);
}

export function compileFiles(paths: string[]): { ir: IrRoot | null; diagnostics: Diagnostic[] } {
  return compileFidl(loadFidlFiles(paths));
}

export function errorsOf(
  src: string | Record<string, string>,
  opts: { parseOnly?: boolean } = {},
): Diagnostic[] {
  return compileText(src, opts).diagnostics.filter((d) => d.severity === 'error');
}

/** Asserts that exactly one error was reported, with this code at this position. */
export function expectOnlyError(
  src: string | Record<string, string>,
  code: string,
  line: number,
  column: number,
): Diagnostic {
  const errs = errorsOf(src);
  expect(errs.map((e) => `${e.code}@${e.line}:${e.column}`)).toEqual([`${code}@${line}:${column}`]);
  return errs[0] as Diagnostic;
}

export function lastLibrary(ir: IrRoot | null): IrLibrary {
  expect(ir).not.toBeNull();
  const lib = ir?.libraries[ir.libraries.length - 1];
  if (!lib) throw new TypeError('no library in IR');
  return lib;
}

export function expectClean(result: { ir: IrRoot | null; diagnostics: Diagnostic[] }): IrRoot {
  expect(
    result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`),
  ).toEqual([]);
  expect(result.ir).not.toBeNull();
  return result.ir as IrRoot;
}
