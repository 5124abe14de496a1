/** The TypeScript emitter (FIDL IR -> .ts files) and the helpers the generated code calls. */
export { emitTypeScript } from './emitTypeScript.js';
export type { EmitOptions } from './options.js';
export type { EmittedFile } from './emitLibrary.js';
export { defineEnum, type EnumHelpers } from './support/enums.js';
export { defineBits, type BitsHelpers } from './support/bits.js';
export { codingTableOf } from './support/codingTable.js';
