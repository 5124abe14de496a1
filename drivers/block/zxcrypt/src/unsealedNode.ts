/**
 * The node zxcrypt adds: the unsealed (decrypted) view of its volume. It
 * keeps the volume's name and GUID so a board can pick it for a client.
 */
import type { DriverNode, PropertyValue } from '@fdf/framework';

/** fuchsia.BIND_PROTOCOL of the node zxcrypt adds. */
export const UNSEALED_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.UNSEALED';
export const UNSEALED_NODE = 'unsealed';

/** Identity properties copied from zxcrypt's own node when present. */
const KEPT = ['fdf.block.partition_name', 'fdf.block.partition_guid'] as const;

export function unsealedProperties(
  node: Pick<DriverNode, 'property'>,
): Record<string, PropertyValue> {
  const properties: Record<string, PropertyValue> = {
    'fuchsia.BIND_PROTOCOL': UNSEALED_BIND_PROTOCOL,
  };
  for (const key of KEPT) {
    const value = node.property(key);
    if (value !== undefined) properties[key] = value;
  }
  return properties;
}
