/**
 * How FIDL names become TypeScript names. The codec, the transports and the
 * emitter all go through these functions, so a member or method is spelled the
 * same way in the generated types and in the values the codec produces.
 */
import { memberKey } from '../wire/index.js';

/**
 * `offset_dev` -> `offsetDev`, `OnReady` -> `onReady`. Members and methods use
 * the codec's own rule, so generated keys and decoded values always agree.
 */
export function lowerCamel(name: string): string {
  return memberKey(name);
}

/** `fdf.block/BlockOp` -> `BlockOp`. */
export function declName(fqn: string): string {
  const slash = fqn.indexOf('/');
  return slash < 0 ? fqn : fqn.slice(slash + 1);
}

/** `fdf.block/BlockOp` -> `fdf.block`. */
export function libraryOf(fqn: string): string {
  const slash = fqn.indexOf('/');
  return slash < 0 ? '' : fqn.slice(0, slash);
}

/** The identifier a library is imported as: `fuchsia.hardware.block` -> `fuchsia_hardware_block`. */
export function libraryAlias(library: string): string {
  return library.replace(/\./g, '_');
}

/**
 * Words a top-level generated name must not be: keywords, and the globals the
 * generated code itself uses (a FIDL struct named `Promise` would shadow the
 * real one in the generated file).
 */
const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'as',
  'implements',
  'interface',
  'let',
  'package',
  'private',
  'protected',
  'public',
  'static',
  'yield',
  'any',
  'boolean',
  'number',
  'string',
  'symbol',
  'bigint',
  'never',
  'unknown',
  'object',
  'undefined',
  'type',
  'await',
  'async',
  'of',
  'Array',
  'Uint8Array',
  'Promise',
  'Record',
  'Object',
  'Error',
  'Symbol',
  'BigInt',
  'Number',
  'String',
  'Boolean',
  'ReadonlyArray',
  'Readonly',
  'Partial',
  'Map',
  'Set',
]);

/** A safe top-level identifier: reserved words get a trailing underscore. */
export function safeIdent(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/** A property key as written in an object type or literal: bare when it is an identifier. */
export function propKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`;
}
