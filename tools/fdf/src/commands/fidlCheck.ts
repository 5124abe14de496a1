import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import * as fidlPackage from '@fdf/fidl';
import type { Diagnostic, FidlSource, IrRoot } from '@fdf/fidl';
import { Status, StatusError } from '@fdf/zx';

/**
 * `fdf fidl check` and `fdf fidl compile`: the FIDL compiler on the command
 * line. `pnpm fdf` runs from the repository root, so relative paths are
 * resolved against the directory the user typed the command in (INIT_CWD).
 */

function userDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(userDir(), path);
}

/** Paths as the user wrote them read best in messages; fall back to absolute. */
function display(path: string): string {
  const rel = relative(userDir(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function loadSources(files: string[]): FidlSource[] {
  if (files.length === 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'no .fidl files given; pass the files of every library to compile',
    );
  }
  // Diagnostics name files by the path given here, so give the readable one.
  return fidlPackage
    .loadFidlFiles(files.map(absolute))
    .map((s) => ({ ...s, path: display(s.path) }));
}

/** Prints every diagnostic with its source line; returns the error count. */
function report(
  diagnostics: Diagnostic[],
  sources: FidlSource[],
): { errors: number; warnings: number } {
  const text = new Map(sources.map((s) => [s.path, s.text]));
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
    console.error(fidlPackage.formatDiagnostic(d, text.get(d.file)));
  }
  if (errors > 0) {
    console.error(
      `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`,
    );
  }
  return { errors, warnings };
}

function summary(ir: IrRoot | null, files: number, warnings: number): string {
  const libs = ir ? ir.libraries.map((l) => l.name).join(', ') : '';
  const w = warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  return `OK: ${files} file${files === 1 ? '' : 's'}${libs ? `, libraries ${libs}` : ''}${w}`;
}

/**
 * The TypeScript emitter, when @fdf/fidl exports one. Looked up at run time
 * so `compile` works (IR only) before the emitter is part of the package.
 */
type Emitter = (ir: IrRoot) => { path: string; text: string }[];
function findEmitter(): Emitter | undefined {
  const candidate = (fidlPackage as unknown as Record<string, unknown>)['emitTypeScript'];
  return typeof candidate === 'function' ? (candidate as Emitter) : undefined;
}

/**
 * The IR of one library with everything it imports, dependencies first and
 * the library itself last, so each written file stands on its own.
 */
function closureOf(ir: IrRoot, name: string): IrRoot {
  const byName = new Map(ir.libraries.map((l) => [l.name, l]));
  const needed = new Set<string>();
  const visit = (n: string): void => {
    if (needed.has(n)) return;
    needed.add(n);
    for (const dep of byName.get(n)?.dependencies ?? []) visit(dep);
  };
  visit(name);
  const libraries = ir.libraries.filter((l) => needed.has(l.name) && l.name !== name);
  const self = byName.get(name);
  if (self) libraries.push(self);
  return { irVersion: ir.irVersion, libraries };
}

export function registerFidlCheckCommands(fidl: Command): void {
  fidl
    .command('check')
    .description(
      'Parse and check .fidl files (all files of all libraries involved) and print every problem',
    )
    .option('--parse-only', 'only check syntax, skip name resolution and semantic checks')
    .argument('<files...>', '.fidl files; give the files of imported libraries too')
    .action((files: string[], opts: { parseOnly?: boolean }) => {
      const sources = loadSources(files);
      const { ir, diagnostics } = fidlPackage.compileFidl(sources, {
        parseOnly: opts.parseOnly === true,
      });
      const { errors, warnings } = report(diagnostics, sources);
      if (errors > 0) {
        process.exitCode = 1;
        return;
      }
      console.log(
        opts.parseOnly
          ? `OK: ${sources.length} file${sources.length === 1 ? '' : 's'} parsed`
          : summary(ir, sources.length, warnings),
      );
    });

  fidl
    .command('compile')
    .description(
      'Compile .fidl files and write <library>.ir.json for every library (and TypeScript when the emitter is available)',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--ir-only', 'write only the JSON IR, even when the TypeScript emitter is available')
    .argument('<files...>', '.fidl files; give the files of imported libraries too')
    .action((files: string[], opts: { out: string; irOnly?: boolean }) => {
      const sources = loadSources(files);
      const { ir, diagnostics } = fidlPackage.compileFidl(sources);
      const { errors, warnings } = report(diagnostics, sources);
      if (errors > 0 || !ir) {
        process.exitCode = 1;
        return;
      }
      const outDir = absolute(opts.out);
      mkdirSync(outDir, { recursive: true });
      for (const lib of ir.libraries) {
        const path = join(outDir, `${lib.name}.ir.json`);
        writeFileSync(path, JSON.stringify(closureOf(ir, lib.name), null, 2) + '\n');
        console.log(`wrote ${display(path)}`);
      }
      // ---- TypeScript emitter hook: runs when @fdf/fidl exports emitTypeScript(ir).
      const emit = opts.irOnly ? undefined : findEmitter();
      if (emit) {
        for (const file of emit(ir)) {
          const path = join(outDir, file.path);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, file.text);
          console.log(`wrote ${display(path)}`);
        }
      }
      console.log(summary(ir, sources.length, warnings));
    });
}
