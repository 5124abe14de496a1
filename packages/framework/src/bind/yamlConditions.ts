/**
 * The YAML form of bind rules: a flat list of conditions that must all hold.
 *
 *   - { key: fuchsia.BIND_PROTOCOL, op: '==', value: fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL }
 *   - { key: fdf.block.partition_type, op: accept, values: [data, blobfs] }
 *
 * It has no if/else: rules that need branches are written in the text form.
 * It compiles to the same BindProgram, with each condition located at its
 * list item so evaluation reasons point into the YAML file.
 */
import { Status, StatusError } from '@fdf/zx';
import { z } from 'zod';
import { throwIfAny, type Diagnostic } from '../diagnostics.js';
import { compoundIdentifierProblem, MAX_PROPERTY_INT } from '../node/nodeProperty.js';
import { YamlSource, type YamlPath } from '../yaml/yamlSource.js';
import { zodIssuesToDiagnostics } from '../yaml/zodIssues.js';
import { findContradictions } from './contradictions.js';
import type { BindCondition, BindProgram, BindValue } from './program.js';

/** The grammar of compound identifiers, for JSON Schema consumers. */
export const COMPOUND_IDENTIFIER_PATTERN =
  '^[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?(\\.[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?)*$';

export const propertyKeySchema = z
  .string()
  .regex(new RegExp(COMPOUND_IDENTIFIER_PATTERN), {
    error: (issue) => {
      const input = String(issue.input);
      return `key '${input}' ${compoundIdentifierProblem(input) ?? 'is not a bind identifier'}`;
    },
  })
  .describe('A property key: dotted identifiers such as fuchsia.BIND_PROTOCOL.');

export const propertyValueSchema = z
  .union([z.number().int().min(0).max(MAX_PROPERTY_INT), z.string(), z.boolean()])
  .describe(
    'A property value: a uint32, a string (enum values are written as their full name) or a bool.',
  );

export const bindConditionSchema = z
  .strictObject({
    key: propertyKeySchema,
    op: z
      .enum(['==', '!=', 'accept', 'reject'])
      .describe("'==' and '!=' take value; accept and reject take values."),
    value: propertyValueSchema.optional(),
    values: z.array(propertyValueSchema).min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const single = c.op === '==' || c.op === '!=';
    if (single && c.value === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: c.values === undefined ? [] : ['values'],
        message: `op '${c.op}' compares with one value; write \`value: ...\`${c.values === undefined ? '' : ' instead of values'}`,
      });
    }
    if (!single && c.values === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: c.value === undefined ? [] : ['value'],
        message: `op '${c.op}' takes a list; write \`values: [...]\`${c.value === undefined ? '' : ' instead of value'}`,
      });
    }
    if (single && c.values !== undefined && c.value !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `op '${c.op}' takes only \`value\`; remove values`,
      });
    }
    if (!single && c.value !== undefined && c.values !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `op '${c.op}' takes only \`values\`; remove value`,
      });
    }
  });

export const bindConditionsSchema = z
  .array(bindConditionSchema)
  .min(1)
  .describe('Bind rules as a list of conditions that must all hold.');

export type BindConditionInput = z.infer<typeof bindConditionSchema>;

/** Strings that look like `lib.KEY.VALUE` print unquoted, like enum values in the text form. */
function toBindValue(v: string | number | boolean): BindValue {
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  const isEnumName = v.split('.').length >= 3 && compoundIdentifierProblem(v) === undefined;
  return { kind: isEnumName ? 'enum' : 'string', value: v };
}

/**
 * Validates and compiles the condition list found at `path` in `source`.
 * Returns diagnostics instead of throwing so that a manifest can report them
 * together with its own.
 */
export function compileBindConditionsAt(
  source: YamlSource,
  path: YamlPath,
  data: unknown,
): { readonly program?: BindProgram; readonly diagnostics: Diagnostic[] } {
  const parsed = bindConditionsSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    return {
      diagnostics: zodIssuesToDiagnostics(source, parsed.error.issues, bindConditionsSchema, path),
    };
  }
  const diagnostics: Diagnostic[] = [];
  const body: BindCondition[] = parsed.data.map((c, i) => {
    const { line, col } = source.position([...path, i]);
    const raw = c.op === '==' || c.op === '!=' ? [c.value ?? ''] : (c.values ?? []);
    const seen = new Set<string>();
    raw.forEach((v, j) => {
      const id = `${typeof v}:${String(v)}`;
      if (seen.has(id)) {
        diagnostics.push(
          source.at(
            [...path, i, 'values', j],
            `value ${JSON.stringify(v)} is listed twice`,
            'remove the copy',
          ),
        );
      }
      seen.add(id);
    });
    return {
      kind: 'condition',
      key: c.key,
      op: c.op,
      values: raw.map(toBindValue),
      loc: { file: source.file, line, col },
    };
  });
  for (const c of findContradictions(body)) {
    const index = body.indexOf(c.later);
    diagnostics.push(
      source.at(
        [...path, index],
        `this condition can never hold together with the one at ${c.earlier.loc.line}:${c.earlier.loc.col} (${c.why})`,
        'no node can match both: remove or correct one of them',
      ),
    );
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { program: { kind: 'program', file: source.file, usings: [], body }, diagnostics };
}

/** Compiles a standalone YAML bind rules file whose top level is the condition list. */
export function compileBindYaml(text: string, file: string): BindProgram {
  const source = YamlSource.parse(text, file);
  throwIfAny(`bind rules ${file}`, source.syntaxErrors);
  const { program, diagnostics } = compileBindConditionsAt(source, [], source.data());
  throwIfAny(`bind rules ${file}`, diagnostics);
  if (program === undefined) {
    // Unreachable: no diagnostics always comes with a program.
    throw new StatusError(
      Status.ERR_INTERNAL,
      `bind rules ${file}: compiled to nothing; report this as a bug`,
    );
  }
  return program;
}
