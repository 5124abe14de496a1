/**
 * Node properties: the key/value pairs a parent driver attaches to a child node
 * and bind rules are evaluated against.
 *
 * Values are the three primitive kinds Fuchsia's node properties carry: a
 * uint32, a string and a bool. Enum values (`fuchsia.block.BIND_PROTOCOL.BLOCK_IMPL`)
 * travel as their fully qualified name in a string, which is also how a bind
 * rule spells them, so no bind library lookup is needed to compare them.
 */
import { Status, StatusError } from '@fdf/zx';

export type PropertyValue = number | string | boolean;

export interface NodeProperty {
  readonly key: string;
  readonly value: PropertyValue;
}

/** Largest integer a node property may hold: property integers are uint32. */
export const MAX_PROPERTY_INT = 0xffff_ffff;

const SEGMENT = /^[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?$/;

/**
 * Why `name` is not a compound bind identifier (`a.b_c.D`), or undefined when
 * it is one. Keys must be spellable in bind rules, so they follow the same
 * grammar as the bind language's identifiers.
 */
export function compoundIdentifierProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  for (const segment of name.split('.')) {
    if (segment === '') return 'has an empty segment (two dots in a row, or a dot at an end)';
    if (segment.includes('-'))
      return `has '-' in segment '${segment}', which bind identifiers do not allow (use '_')`;
    if (!SEGMENT.test(segment)) {
      return `has segment '${segment}', which is not an identifier (a letter, then letters, digits or '_', not ending in '_')`;
    }
  }
  return undefined;
}

/** Why `value` cannot be a property value, or undefined when it can. */
export function propertyValueProblem(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_PROPERTY_INT) {
      return `${value} is not a uint32 (integers must be whole numbers from 0 to ${MAX_PROPERTY_INT})`;
    }
    return undefined;
  }
  return `${value === null ? 'null' : typeof value} is not a property value (use a uint32, a string or a bool)`;
}

/**
 * Checks a property list and returns it as a map. Duplicate keys are refused:
 * a rule like `k == 1` would otherwise depend on which copy it saw.
 */
export function propertyMap(
  properties: readonly NodeProperty[],
  owner = 'node',
): Map<string, PropertyValue> {
  const map = new Map<string, PropertyValue>();
  for (const { key, value } of properties) {
    const keyProblem = compoundIdentifierProblem(key);
    if (keyProblem !== undefined) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${owner}: property key '${key}' ${keyProblem}; keys must be bind identifiers such as fuchsia.BIND_PROTOCOL`,
      );
    }
    const valueProblem = propertyValueProblem(value);
    if (valueProblem !== undefined) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${owner}: property '${key}': ${valueProblem}`,
      );
    }
    if (map.has(key)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${owner}: property '${key}' is given twice; give each key once`,
      );
    }
    map.set(key, value);
  }
  return map;
}

/** Properties from a plain `{ key: value }` object, in insertion order. */
export function propertiesFromRecord(
  record: Readonly<Record<string, PropertyValue>>,
): NodeProperty[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/** How a value prints in diagnostics and `driver list`: strings quoted, integers in hex and decimal. */
export function formatPropertyValue(value: PropertyValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `${value} (0x${value.toString(16)})`;
  return String(value);
}
