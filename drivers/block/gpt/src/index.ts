/**
 * @fdf/block-gpt: the GPT on-disk format (read, validate, write) and, later,
 * the gpt driver that publishes one child per partition.
 */
export * from './format/index.js';
