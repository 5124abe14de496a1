/**
 * Turns zod validation issues into located diagnostics worded for the person
 * editing the file: "unknown key 'colocat'; did you mean 'colocate'?", not
 * "Unrecognized key".
 */
import type { z } from 'zod';
import {
  didYouMean,
  invalidInput,
  listOrNone,
  throwIfAny,
  type Diagnostic,
} from '../diagnostics.js';
import { formatYamlPath, type YamlPath, type YamlSource } from './yamlSource.js';

type Issue = z.core.$ZodIssue;

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

function def(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Strips wrappers that do not change the shape of the data. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let d = def(s); ; d = def(s)) {
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (inner === undefined) return s;
    s = inner;
  }
}

/** The keys an object schema allows at `path`, for "allowed keys" hints. */
export function allowedKeysAt(schema: z.ZodType, path: YamlPath): string[] {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (s === undefined) return [];
    const d = def(s);
    if (d.type === 'object' && d.shape !== undefined) s = d.shape[String(seg)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'union')
      s = d.options?.find(
        (o) => def(unwrap(o)).type === (typeof seg === 'number' ? 'array' : 'object'),
      );
    else return [];
    if (s !== undefined) s = unwrap(s);
  }
  if (s === undefined) return [];
  const d = def(s);
  if (d.type === 'object' && d.shape !== undefined) return Object.keys(d.shape);
  const objectOption =
    d.type === 'union' ? d.options?.map(unwrap).find((o) => def(o).type === 'object') : undefined;
  const shape = objectOption === undefined ? undefined : def(objectOption).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

function expected(name: string): string {
  return EXPECTED[name] ?? name;
}

/** "the string 'yes'", "a list", "nothing". */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (typeof input === 'string') return `the string '${input}'`;
  if (typeof input === 'number' || typeof input === 'boolean')
    return `the ${typeof input} ${String(input)}`;
  if (Array.isArray(input)) return 'a list';
  return 'a mapping';
}

/** Reported where the key should be: at the mapping that lacks it. */
function missingKey(source: YamlSource, path: YamlPath, wanted: string): Diagnostic {
  const key = String(path[path.length - 1]);
  const d = source.at(
    path.slice(0, -1),
    `missing required key '${key}'`,
    `add \`${key}:\` with ${wanted}`,
  );
  return { ...d, path: formatYamlPath(path) };
}

/**
 * `base` is where the validated value sits in the file; `within` is where
 * the issue's own path starts inside `schema` (non-empty for issues of a
 * union alternative, whose paths are relative to that alternative).
 */
function issueDiagnostics(
  source: YamlSource,
  issue: Issue,
  base: YamlPath,
  schema: z.ZodType,
  within: YamlPath = [],
): Diagnostic[] {
  const local = issue.path as PropertyKey[];
  const path = [...base, ...local];
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined && local.length > 0) {
        return [missingKey(source, path, expected(issue.expected))];
      }
      return [
        source.at(
          path,
          `expected ${expected(issue.expected)}, found ${describeInput(issue.input)}`,
        ),
      ];
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, [...within, ...local]);
      return issue.keys.map((key) =>
        source.at(
          [...path, key],
          `unknown key '${key}'`,
          `${didYouMean(key, allowed)}allowed keys: ${listOrNone(allowed)}`,
          'key',
        ),
      );
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const input = (issue as { input?: unknown }).input;
      return [
        source.at(
          path,
          `${describeInput(input)} is not allowed here`,
          `${didYouMean(String(input), values)}use one of: ${values.join(', ')}`,
        ),
      ];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      const input = (issue as { input?: unknown }).input;
      let message: string;
      if (issue.origin === 'array') {
        const n = Array.isArray(input) ? input.length : 0;
        message = `lists ${n} item${n === 1 ? '' : 's'}; ${small ? 'at least' : 'at most'} ${String(limit)} allowed`;
      } else if (issue.origin === 'string') {
        message =
          small && limit === 1
            ? 'must not be empty'
            : `must be ${small ? 'at least' : 'at most'} ${String(limit)} characters long`;
      } else {
        message = `${String(input)} is too ${small ? 'small' : 'large'}; the ${small ? 'minimum' : 'maximum'} is ${String(limit)}`;
      }
      return [source.at(path, message)];
    }
    case 'invalid_key':
      // The nested issues describe the key itself; point at the key.
      return issue.issues.map((e) => source.at(path, e.message, undefined, 'key'));
    case 'invalid_union': {
      // Pick the alternative whose shape fits the input (its complaints are
      // below the top level); when none does, list the accepted shapes.
      const fitting = issue.errors.filter(
        (errs) => !errs.every((e) => e.code === 'invalid_type' && e.path.length === 0),
      );
      if (fitting.length === 1 && fitting[0] !== undefined) {
        return fitting[0].flatMap((e) =>
          issueDiagnostics(source, e, path, schema, [...within, ...local]),
        );
      }
      const shapes = issue.errors
        .flatMap((errs) => errs.filter((e) => e.code === 'invalid_type' && e.path.length === 0))
        .map((e) => expected((e as { expected: string }).expected));
      const input = (issue as { input?: unknown }).input;
      const wanted =
        shapes.length > 0 ? [...new Set(shapes)].join(' or ') : 'one of the accepted forms';
      if (input === undefined && local.length > 0) return [missingKey(source, path, wanted)];
      return [source.at(path, `expected ${wanted}, found ${describeInput(input)}`)];
    }
    default:
      return [source.at(path, issue.message)];
  }
}

/** Diagnostics for every issue; `base` is where the validated value sits in the file. */
export function zodIssuesToDiagnostics(
  source: YamlSource,
  issues: readonly Issue[],
  schema: z.ZodType,
  base: YamlPath = [],
): Diagnostic[] {
  return issues.flatMap((issue) => issueDiagnostics(source, issue, base, schema));
}

/**
 * Checks a parsed YAML file against `schema`: syntax errors first, then every
 * schema problem, thrown together as one DiagnosticsError naming `what`.
 */
export function validateYaml<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
  what: string,
): z.output<S> {
  throwIfAny(what, source.syntaxErrors);
  const parsed = schema.safeParse(source.data(), { reportInput: true });
  if (parsed.success) return parsed.data;
  throw invalidInput(what, zodIssuesToDiagnostics(source, parsed.error.issues, schema));
}
