/**
 * The node gpt adds for a partition: its name and the properties drivers
 * above bind on (fvm binds `fdf.block.partition_type` == the FVM type GUID;
 * a board may pick a partition by name or index).
 */
import type { PropertyValue } from '@fdf/framework';
import type { GptPartition } from './format/entries.js';

/** fuchsia.BIND_PROTOCOL of the nodes gpt adds. */
export const PARTITION_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.PARTITION';

/** Property keys of a partition node (fvm's volume nodes use the same keys). */
export const PartitionProperty = {
  /** Type GUID, canonical upper-case text. */
  TYPE: 'fdf.block.partition_type',
  /** Unique (instance) GUID, canonical upper-case text. */
  GUID: 'fdf.block.partition_guid',
  NAME: 'fdf.block.partition_name',
  /** The partition number as sgdisk and Linux print it (slot + 1). */
  INDEX: 'fdf.block.partition_index',
} as const;

/** `part-001`: the node name, also the service instance the node offers. */
export function partitionNodeName(partition: Pick<GptPartition, 'index'>): string {
  return `part-${String(partition.index).padStart(3, '0')}`;
}

export function partitionProperties(partition: GptPartition): Record<string, PropertyValue> {
  return {
    'fuchsia.BIND_PROTOCOL': PARTITION_BIND_PROTOCOL,
    [PartitionProperty.TYPE]: partition.typeGuid,
    [PartitionProperty.GUID]: partition.uniqueGuid,
    [PartitionProperty.NAME]: partition.name,
    [PartitionProperty.INDEX]: partition.index,
  };
}
