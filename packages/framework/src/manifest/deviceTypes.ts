/**
 * The registry of fake device types a board may instantiate. Each fake device
 * package registers its type name and the zod schema of its `config`; the
 * board loader then checks every device's config against it, with errors
 * located in the board file. Without a registry, configs are passed through
 * unchecked (the board schema only knows that config is a mapping).
 */
import { Status, StatusError } from '@fdf/zx';
import type { z } from 'zod';

export interface DeviceType<Config = unknown> {
  /** The `type:` value in a board manifest, e.g. `ramdisk`. */
  readonly type: string;
  readonly description?: string;
  /** Validates (and may default or transform) a device's `config`. */
  readonly config: z.ZodType<Config>;
}

export interface DeviceTypeRegistry {
  register(type: DeviceType): void;
  get(type: string): DeviceType | undefined;
  /** Registered type names, sorted. */
  types(): string[];
}

export function createDeviceTypeRegistry(initial: readonly DeviceType[] = []): DeviceTypeRegistry {
  const byName = new Map<string, DeviceType>();
  const registry: DeviceTypeRegistry = {
    register(type) {
      if (byName.has(type.type)) {
        throw new StatusError(
          Status.ERR_ALREADY_EXISTS,
          `device type '${type.type}' is already registered; each fake device package registers its type once`,
        );
      }
      byName.set(type.type, type);
    },
    get: (type) => byName.get(type),
    types: () => [...byName.keys()].sort(),
  };
  for (const t of initial) registry.register(t);
  return registry;
}
