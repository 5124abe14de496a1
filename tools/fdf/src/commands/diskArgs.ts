import { Status, StatusError } from '@fdf/zx';
import { parseGuid, resolvePartitionType } from '@fdf/block-gpt';

/**
 * Parsing of the `fdf disk` arguments: sizes with binary units, partition
 * lists, FVM volume lists. Everything here is pure, so the rules are tested
 * without touching a file.
 */

const UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  k: 1n << 10n,
  kib: 1n << 10n,
  m: 1n << 20n,
  mib: 1n << 20n,
  g: 1n << 30n,
  gib: 1n << 30n,
  t: 1n << 40n,
  tib: 1n << 40n,
};

/** Bytes in `text`: a whole number with an optional binary unit (B, K/KiB, M/MiB, G/GiB, T/TiB). */
export function parseSize(text: string, what: string): bigint {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what} '${text}' is not a size; write a whole number of bytes or use a binary unit: 512, 64KiB, 8M, 1GiB (K, M, G, T are powers of 1024)`,
    );
  }
  return BigInt(m[1]!) * unit;
}

/** "8.0 MiB", as sgdisk prints sizes. */
export function formatSize(bytes: bigint | number): string {
  const n = Number(bytes);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[u]}`;
}

/** Splits repeated options that may each hold a comma-separated list. */
function items(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export interface PartitionArg {
  name: string;
  /** The type GUID (aliases already resolved). */
  typeGuid: string;
  /** Bytes, or 'rest' for the remainder of the disk (last partition only). */
  size: bigint | 'rest';
  uniqueGuid?: string;
}

const PARTITION_FORM = '<name>:<type>:<size>[:<unique-guid>], e.g. fvm:fvm:48MiB or esp:efi:16MiB';

/** `--partition` values: `<name>:<type>:<size>[:<unique-guid>]`, comma-separated or repeated. */
export function parsePartitions(values: readonly string[]): PartitionArg[] {
  return items(values).map((item) => {
    const fields = item.split(':');
    if (fields.length < 3 || fields.length > 4 || fields[0] === '') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `partition '${item}' should be ${PARTITION_FORM} (names cannot contain ':' or ',')`,
      );
    }
    const [name, type, size, unique] = fields as [string, string, string, string | undefined];
    const arg: PartitionArg = {
      name,
      typeGuid: resolvePartitionType(type),
      size:
        size === 'rest' || size === '*' ? 'rest' : parseSize(size, `size of partition '${name}'`),
    };
    if (unique !== undefined)
      arg.uniqueGuid = parseGuid(unique, `unique GUID of partition '${name}'`);
    return arg;
  });
}

export interface FvmVolumeArg {
  /** The GPT partition that holds the FVM. */
  partition: string;
  sliceSize: bigint;
  volume: string;
  slices: number;
  /** The volume's type GUID (aliases resolved); Fuchsia data when not given. */
  typeGuid?: string;
}

const FVM_FORM =
  '<partition-name>:<slice-size>:<volume>:<slices>[:<type>], e.g. fvm:1MiB:blobfs:8:blob';

/** `--fvm` values: `<partition-name>:<slice-size>:<volume>:<slices>[:<type>]`, comma-separated or repeated. */
export function parseFvmVolumes(values: readonly string[]): FvmVolumeArg[] {
  return items(values).map((item) => {
    const fields = item.split(':');
    if (fields.length < 4 || fields.length > 5) {
      throw new StatusError(Status.ERR_INVALID_ARGS, `FVM volume '${item}' should be ${FVM_FORM}`);
    }
    const [partition, sliceSize, volume, slices, type] = fields as [
      string,
      string,
      string,
      string,
      string | undefined,
    ];
    if (!/^[1-9]\d*$/.test(slices)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `FVM volume '${volume}' has slice count '${slices}'; give a whole number of slices of at least 1 (${FVM_FORM})`,
      );
    }
    const arg: FvmVolumeArg = {
      partition,
      sliceSize: parseSize(sliceSize, `slice size of FVM volume '${volume}'`),
      volume,
      slices: Number(slices),
    };
    if (type !== undefined) arg.typeGuid = resolvePartitionType(type);
    return arg;
  });
}

/** `--block-size`: 512 or 4096. */
export function parseBlockSize(text: string): number {
  if (text !== '512' && text !== '4096') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block size '${text}' is not supported; use 512 or 4096`,
    );
  }
  return Number(text);
}
