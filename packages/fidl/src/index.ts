// The public door of @fdf/fidl: the IR contract, the compiler, the wire
// format V2 codec, the TypeScript emitter and the three transports.
export * from './ir/types.js';
export * from './compiler/index.js';
export * from './wire/index.js';
export * from './emit/index.js';
export * from './transport/index.js';
