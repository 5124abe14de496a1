/**
 * The config of a fake echo device, as a board writes it under
 * `devices[].config`. Checked here, at start, because the board loader only
 * knows that a config is a mapping.
 */
import { Status, StatusError } from '@fdf/zx';

export interface EchoDeviceConfig {
  /** Blocks the device's memory holds. */
  readonly blockCount: number;
  /** Bytes per block. */
  readonly blockSize: number;
}

export const DEFAULT_CONFIG: EchoDeviceConfig = { blockCount: 256, blockSize: 512 };

function integer(
  config: Record<string, unknown>,
  key: keyof EchoDeviceConfig,
  min: number,
  max: number,
): number {
  const value = config[key] ?? DEFAULT_CONFIG[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `echo device config: ${key} is ${JSON.stringify(value)}; give an integer from ${min} to ${max} in the board's devices[].config`,
    );
  }
  return value;
}

/** Reads a device config (undefined when the node is not a board device: defaults). */
export function parseEchoDeviceConfig(config: unknown): EchoDeviceConfig {
  if (config === undefined) return DEFAULT_CONFIG;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'echo device config must be a mapping like { blockCount: 256, blockSize: 512 }',
    );
  }
  const c = config as Record<string, unknown>;
  const known = new Set<string>(Object.keys(DEFAULT_CONFIG));
  for (const key of Object.keys(c)) {
    if (!known.has(key)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `echo device config: unknown key '${key}'; the keys are ${[...known].join(', ')}`,
      );
    }
  }
  const blockSize = integer(c, 'blockSize', 16, 4096);
  const blockCount = integer(c, 'blockCount', 32, 65536);
  return { blockCount, blockSize };
}
