/**
 * The node fvm adds for a volume. Its properties use the partition keys gpt
 * uses (so a board or a driver picks a volume by type, GUID, name or index
 * the same way it picks a partition), under BIND_PROTOCOL VOLUME.
 */
import type { PropertyValue } from '@fdf/framework';
import type { FvmVolume } from './format/types.js';

/** fuchsia.BIND_PROTOCOL of the partition fvm binds to (a gpt child). */
export const PARTITION_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.PARTITION';
/** fuchsia.BIND_PROTOCOL of the nodes fvm adds. */
export const VOLUME_BIND_PROTOCOL = 'fuchsia.block.BIND_PROTOCOL.VOLUME';
/** The GPT type GUID of an FVM partition, as gpt writes it in `fdf.block.partition_type`. */
export const FVM_PARTITION_TYPE = '41D0E340-57E3-954E-8C1E-17ECAC44CFF5';

/** Property keys of a volume node (the same keys as gpt's partition nodes). */
export const VolumeProperty = {
  TYPE: 'fdf.block.partition_type',
  GUID: 'fdf.block.partition_guid',
  NAME: 'fdf.block.partition_name',
  /** The vpartition number (1..1023). */
  INDEX: 'fdf.block.partition_index',
} as const;

/** `data-p-1`, as the real FVM names its children; also the service instance the node offers. */
export function volumeNodeName(volume: Pick<FvmVolume, 'name' | 'index'>): string {
  const safe = volume.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${safe === '' ? 'volume' : safe}-p-${volume.index}`;
}

export function volumeProperties(volume: FvmVolume): Record<string, PropertyValue> {
  return {
    'fuchsia.BIND_PROTOCOL': VOLUME_BIND_PROTOCOL,
    [VolumeProperty.TYPE]: guidText(volume.type),
    [VolumeProperty.GUID]: guidText(volume.instance),
    [VolumeProperty.NAME]: volume.name,
    [VolumeProperty.INDEX]: volume.index,
  };
}

/** Byte order of the text form: FVM GUIDs are stored mixed-endian, as GPT's are. */
const TEXT_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** The canonical upper-case text of 16 on-disk GUID bytes. */
export function guidText(bytes: Uint8Array): string {
  const hex = TEXT_ORDER.map((i) => (bytes[i] ?? 0).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
