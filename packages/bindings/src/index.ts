/**
 * This project's FIDL libraries and their generated bindings, one namespace
 * per library: `block` (fdf.block, the Driver-transport block protocols and
 * the types every block driver shares), `blockBanjo` (fdf.block.banjo, the
 * Banjo variants over the same types), `sample` (fdf.sample, echo and ring
 * protocols for demos), `zx` (the zx library's types).
 */
export * as block from './generated/fdf.block.js';
export * as blockBanjo from './generated/fdf.block.banjo.js';
export * as sample from './generated/fdf.sample.js';
export * as zx from './generated/zx.js';
/** The zx library's coding table, for bindings generated elsewhere that use `zx` types. */
export { codingTable as zxCodingTable } from './generated/zx.ir.js';
