/**
 * The `bind:` field shared by driver manifests and composite parents in board
 * manifests. Bind rules can be written three ways:
 *
 *   bind: |                       # bind language, inline
 *     fuchsia.BIND_PROTOCOL == fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL;
 *   bind: { file: gpt.bind }      # a .bind (language) or .yaml (conditions) file
 *   bind:                         # YAML conditions, inline
 *     - { key: fuchsia.BIND_PROTOCOL, op: '==', value: fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL }
 *
 * Whatever the form, errors are reported at their real place: inside the
 * manifest for inline rules, inside the rules file for `file:`.
 */
import { dirname, extname, join } from 'node:path';
import { isScalar } from 'yaml';
import { z } from 'zod';
import { compileBindRules } from '../bind/compiler.js';
import type { BindRules } from '../bind/program.js';
import {
  bindConditionsSchema,
  compileBindConditionsAt,
  compileBindYaml,
} from '../bind/yamlConditions.js';
import { DiagnosticsError, type Diagnostic } from '../diagnostics.js';
import type { Position, YamlPath, YamlSource } from '../yaml/yamlSource.js';
import { readFailure, type ManifestFs } from './manifestFs.js';

export const bindFieldSchema = z
  .union([
    z
      .string()
      .min(1)
      .describe('Bind rules in the bind language, usually a literal block (bind: |).'),
    z
      .strictObject({
        file: z
          .string()
          .min(1)
          .describe(
            'Path of a .bind (bind language) or .yaml (condition list) file, relative to this manifest.',
          ),
      })
      .describe('Bind rules kept in their own file.'),
    bindConditionsSchema,
  ])
  .describe('Bind rules: inline bind language text, { file: path }, or a list of conditions.');

export type BindField = z.infer<typeof bindFieldSchema>;

export interface ResolvedBind {
  readonly rules?: BindRules;
  /** Where the rules came from: the manifest itself or the rules file. */
  readonly origin: 'inline' | 'conditions' | { readonly file: string };
  readonly diagnostics: readonly Diagnostic[];
}

/** How positions in inline rule text map into the manifest. */
function inlinePositions(
  source: YamlSource,
  path: YamlPath,
): ((line: number, col: number) => Position) | undefined {
  const block = source.blockScalarOrigin(path);
  if (block !== undefined)
    return (line, col) => ({ line: block.line + line - 1, col: block.indent + col });
  const node = source.node(path);
  if (!isScalar(node)) return undefined;
  const start = source.position(path);
  // One-line scalars: columns shift by the scalar's start (and its opening quote).
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  return (line, col) =>
    line === 1 ? { line: start.line, col: start.col + quote + col - 1 } : start;
}

function collect(fn: () => BindRules): { rules?: BindRules; diagnostics: Diagnostic[] } {
  try {
    return { rules: fn(), diagnostics: [] };
  } catch (err) {
    if (err instanceof DiagnosticsError) return { diagnostics: [...err.diagnostics] };
    throw err;
  }
}

/**
 * Compiles the bind field found at `path` of `source` (already validated by
 * bindFieldSchema). Problems come back as diagnostics.
 */
export function resolveBindField(
  source: YamlSource,
  path: YamlPath,
  field: BindField,
  fs: ManifestFs,
): ResolvedBind {
  if (typeof field === 'string') {
    const position = inlinePositions(source, path);
    const options =
      position === undefined
        ? { what: `${source.file} ${path.join('.')}` }
        : { position, what: `${source.file} ${path.join('.')}` };
    return { origin: 'inline', ...collect(() => compileBindRules(field, source.file, options)) };
  }
  if (Array.isArray(field)) {
    const { program, diagnostics } = compileBindConditionsAt(source, path, field);
    return program === undefined
      ? { origin: 'conditions', diagnostics }
      : { origin: 'conditions', rules: program, diagnostics };
  }
  const file = join(dirname(source.file), field.file);
  const filePath = [...path, 'file'];
  const ext = extname(file);
  if (ext !== '.bind' && ext !== '.yaml' && ext !== '.yml') {
    return {
      origin: { file },
      diagnostics: [
        source.at(
          filePath,
          `bind rules file '${field.file}' has an unknown extension`,
          'use .bind for the bind language or .yaml for a condition list',
        ),
      ],
    };
  }
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (err) {
    return {
      origin: { file },
      diagnostics: [
        source.at(
          filePath,
          `cannot read bind rules file '${field.file}' (${readFailure(err)}, resolved to ${file})`,
          'check the path; it is relative to this manifest',
        ),
      ],
    };
  }
  return {
    origin: { file },
    ...collect(() =>
      ext === '.bind' ? compileBindRules(text, file) : compileBindYaml(text, file),
    ),
  };
}
