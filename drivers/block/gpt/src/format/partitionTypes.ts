import { Status, StatusError } from '@fdf/zx';
import { isGuid, parseGuid } from './guid.js';

/**
 * Well-known partition type GUIDs. The Fuchsia values are the ones Zircon's
 * gpt.h declares (GUID_FVM_VALUE and friends) and that sgdisk knows as codes
 * F10x; checked against `sgdisk -t <code>` output.
 */
export const PartitionType = {
  EFI_SYSTEM: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  LINUX_FILESYSTEM: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  MICROSOFT_BASIC_DATA: 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7',
  FUCHSIA_FVM: '41D0E340-57E3-954E-8C1E-17ECAC44CFF5',
  FUCHSIA_DATA: '08185F0C-892D-428A-A789-DBEEC8F55E6A',
  FUCHSIA_BLOB: '2967380E-134C-4CBB-B6DA-17E7CE1CA45D',
  FUCHSIA_SYSTEM: '606B000B-B7C7-4653-A7D5-B737332C899D',
  FUCHSIA_INSTALL: '48435546-4953-2041-494E-5354414C4C52',
  FUCHSIA_ZIRCON_A: 'DE30CC86-1F4A-4A31-93C4-66F147D33E05',
  FUCHSIA_ZIRCON_B: '23CC04DF-C278-4CE7-8471-897D1A4BCDF7',
  FUCHSIA_ZIRCON_R: 'A0E5CF57-2DEF-46BE-A80C-A2067C37CD49',
  FUCHSIA_SYS_CONFIG: '4E5E989E-4C86-11E8-A15B-480FCF35F8E6',
  FUCHSIA_FACTORY_CONFIG: '5A3A90BE-4C86-11E8-A15B-480FCF35F8E6',
  FUCHSIA_BOOTLOADER: '5ECE94FE-4C86-11E8-A15B-480FCF35F8E6',
  FUCHSIA_VBMETA_A: 'A13B4D9A-EC5F-11E8-97D8-6C3BE52705BF',
  FUCHSIA_VBMETA_B: 'A288ABF2-EC5F-11E8-97D8-6C3BE52705BF',
  FUCHSIA_VBMETA_R: '6A2460C3-CD11-4E8B-80A8-12CCE268ED0A',
  FUCHSIA_MISC: '1D75395D-F2C6-476B-A8B7-45CC1C97B476',
} as const;

/** Short names accepted wherever a partition type is typed by hand. */
export const PARTITION_TYPE_ALIASES: Readonly<Record<string, string>> = {
  fvm: PartitionType.FUCHSIA_FVM,
  linux: PartitionType.LINUX_FILESYSTEM,
  efi: PartitionType.EFI_SYSTEM,
  data: PartitionType.FUCHSIA_DATA,
  blob: PartitionType.FUCHSIA_BLOB,
  misc: PartitionType.FUCHSIA_MISC,
};

const NAMES: ReadonlyMap<string, string> = new Map([
  [PartitionType.EFI_SYSTEM, 'EFI system'],
  [PartitionType.LINUX_FILESYSTEM, 'Linux filesystem'],
  [PartitionType.MICROSOFT_BASIC_DATA, 'Microsoft basic data'],
  [PartitionType.FUCHSIA_FVM, 'Fuchsia FVM'],
  [PartitionType.FUCHSIA_DATA, 'Fuchsia data'],
  [PartitionType.FUCHSIA_BLOB, 'Fuchsia blob'],
  [PartitionType.FUCHSIA_SYSTEM, 'Fuchsia system'],
  [PartitionType.FUCHSIA_INSTALL, 'Fuchsia install'],
  [PartitionType.FUCHSIA_ZIRCON_A, 'Zircon boot image (slot A)'],
  [PartitionType.FUCHSIA_ZIRCON_B, 'Zircon boot image (slot B)'],
  [PartitionType.FUCHSIA_ZIRCON_R, 'Zircon boot image (slot R)'],
  [PartitionType.FUCHSIA_SYS_CONFIG, 'Fuchsia sys-config'],
  [PartitionType.FUCHSIA_FACTORY_CONFIG, 'Fuchsia factory-config'],
  [PartitionType.FUCHSIA_BOOTLOADER, 'Fuchsia bootloader'],
  [PartitionType.FUCHSIA_VBMETA_A, 'Fuchsia vbmeta (slot A)'],
  [PartitionType.FUCHSIA_VBMETA_B, 'Fuchsia vbmeta (slot B)'],
  [PartitionType.FUCHSIA_VBMETA_R, 'Fuchsia vbmeta (slot R)'],
  [PartitionType.FUCHSIA_MISC, 'Fuchsia misc'],
]);

/** A readable name for a type GUID, or undefined when it is not a well-known one. */
export function partitionTypeName(typeGuid: string): string | undefined {
  return NAMES.get(typeGuid.toUpperCase());
}

/** A type given as an alias (`fvm`, `linux`, `efi`, `data`, ...) or as a GUID, as a GUID. */
export function resolvePartitionType(aliasOrGuid: string): string {
  const text = aliasOrGuid.trim();
  const alias = PARTITION_TYPE_ALIASES[text.toLowerCase()];
  if (alias !== undefined) return alias;
  if (isGuid(text)) return parseGuid(text);
  throw new StatusError(
    Status.ERR_INVALID_ARGS,
    `partition type '${aliasOrGuid}' is neither a known alias (${Object.keys(PARTITION_TYPE_ALIASES).join(', ')}) nor a GUID; use one of those or a type GUID such as ${PartitionType.LINUX_FILESYSTEM}`,
  );
}
