import { propKey } from './names.js';
import { quote } from './printer.js';

const WIDTH = 100;

/**
 * Prints JSON-like data as a TypeScript literal: objects and arrays on one
 * line when they fit in the line width, one member per line otherwise
 * (except keys in `alwaysFlat`, small records that read best on one line).
 * Keys keep their order, so the output is stable for a given input.
 */
export function printLiteral(
  value: unknown,
  indent = '',
  indentUnit = '  ',
  alwaysFlat: ReadonlySet<string> = new Set(),
): string {
  const flat = printFlat(value);
  if (flat.length + indent.length <= WIDTH) return flat;
  const inner = indent + indentUnit;
  if (Array.isArray(value)) {
    const items = value.map((v) => `${inner}${printLiteral(v, inner, indentUnit, alwaysFlat)},`);
    return `[\n${items.join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const items = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(
        ([k, v]) =>
          `${inner}${propKey(k)}: ${alwaysFlat.has(k) ? printFlat(v) : printLiteral(v, inner, indentUnit, alwaysFlat)},`,
      );
    return `{\n${items.join('\n')}\n${indent}}`;
  }
  return flat;
}

function printFlat(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value))
    return value.length === 0 ? '[]' : `[${value.map(printFlat).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${propKey(k)}: ${printFlat(v)}`).join(', ')} }`;
  }
  return 'undefined';
}
