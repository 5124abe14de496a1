/**
 * The `image` entry of an image-ramdisk device's config: the disk layout the
 * driver writes into the ramdisk's storage on first boot (GPT, one FVM
 * partition, volumes in it, zxcrypt in some). Checked by hand, like the
 * ramdisk's own config, so each mistake names its field and the fix.
 *
 *   image:
 *     guidSeed: 1                  # every GUID derives from it: the same image on every boot
 *     partitions:
 *       - { name: fvm, type: fvm } # the last one may leave out `blocks`: it takes the rest
 *     fvm:
 *       partition: fvm
 *       sliceSize: 65536
 *       volumes:
 *         - { name: data, type: data, slices: 32, extendSlices: 32, zxcrypt: true }
 *         - { name: blob, type: blob, slices: 16 }
 *     zxcryptKey: "00112233..."     # 32 or 64 hex digits; seals the zxcrypt volumes
 */
import { resolvePartitionType } from '@fdf/block-gpt';
import { Status, StatusError } from '@fdf/zx';

export interface PartitionConfig {
  readonly name: string;
  /** A type GUID. */
  readonly type: string;
  /** Size in blocks; absent: the rest of the disk (last partition only). */
  readonly blocks: number | null;
}

export interface VolumeConfig {
  readonly name: string;
  readonly type: string;
  readonly slices: number;
  /**
   * Slices added once every volume is allocated: they land after the other
   * volumes', so the volume is not contiguous and ops crossing the gap are
   * split by fvm (as on a disk where volumes grew over time).
   */
  readonly extendSlices: number;
  readonly zxcrypt: boolean;
}

export interface FvmConfig {
  readonly partition: string;
  readonly sliceSize: number;
  readonly volumes: readonly VolumeConfig[];
}

export interface DiskImageConfig {
  readonly guidSeed: number;
  readonly partitions: readonly PartitionConfig[];
  readonly fvm: FvmConfig | null;
  readonly zxcryptKey: Uint8Array | null;
}

export function parseDiskImageConfig(input: unknown, where: string): DiskImageConfig {
  const o = record(input, where, ['guidSeed', 'partitions', 'fvm', 'zxcryptKey']);
  const guidSeed = integer(o.guidSeed ?? 1, `${where}.guidSeed`, 0, 0xffff_ffff);
  const parts = list(o.partitions, `${where}.partitions`);
  if (parts.length === 0) fail(`${where}.partitions`, 'is empty; list at least one partition');
  const partitions = parts.map((item, i) => {
    const at = `${where}.partitions[${i}]`;
    const p = record(item, at, ['name', 'type', 'blocks']);
    const blocks =
      p.blocks === undefined ? null : integer(p.blocks, `${at}.blocks`, 1, Number.MAX_SAFE_INTEGER);
    if (blocks === null && i !== parts.length - 1) {
      fail(`${at}.blocks`, 'is missing; only the last partition may take the rest of the disk');
    }
    return { name: text(p.name, `${at}.name`), type: partitionType(p.type, `${at}.type`), blocks };
  });
  const fvm = o.fvm === undefined ? null : parseFvm(o.fvm, `${where}.fvm`, partitions);
  const needsKey = fvm?.volumes.some((v) => v.zxcrypt) ?? false;
  let zxcryptKey: Uint8Array | null = null;
  if (o.zxcryptKey !== undefined) zxcryptKey = hexKey(o.zxcryptKey, `${where}.zxcryptKey`);
  else if (needsKey) {
    fail(
      `${where}.zxcryptKey`,
      'is missing; a zxcrypt volume needs a root key (32 or 64 hex digits), the same one its composite spec gives zxcrypt as fdf.zxcrypt.root_key',
    );
  }
  return { guidSeed, partitions, fvm, zxcryptKey };
}

function parseFvm(
  input: unknown,
  where: string,
  partitions: readonly PartitionConfig[],
): FvmConfig {
  const o = record(input, where, ['partition', 'sliceSize', 'volumes']);
  const partition = text(o.partition, `${where}.partition`);
  if (!partitions.some((p) => p.name === partition)) {
    fail(
      `${where}.partition`,
      `is '${partition}', which is not among the partitions (${partitions.map((p) => p.name).join(', ')}); name one of them`,
    );
  }
  const sliceSize = integer(o.sliceSize ?? 65536, `${where}.sliceSize`, 8192, 1 << 30);
  if ((sliceSize & (sliceSize - 1)) !== 0) {
    fail(`${where}.sliceSize`, `is ${sliceSize}, not a power of two; use 65536`);
  }
  const names = new Set<string>();
  const volumes = list(o.volumes, `${where}.volumes`).map((item, i) => {
    const at = `${where}.volumes[${i}]`;
    const v = record(item, at, ['name', 'type', 'slices', 'extendSlices', 'zxcrypt']);
    const name = text(v.name, `${at}.name`);
    if (names.has(name)) fail(`${at}.name`, `'${name}' is used twice; name each volume once`);
    names.add(name);
    const zxcrypt = v.zxcrypt ?? false;
    if (typeof zxcrypt !== 'boolean')
      fail(`${at}.zxcrypt`, `is ${show(zxcrypt)}; give true or false`);
    return {
      name,
      type: partitionType(v.type ?? 'data', `${at}.type`),
      slices: integer(v.slices, `${at}.slices`, 1, 0xffff_fffe),
      extendSlices: integer(v.extendSlices ?? 0, `${at}.extendSlices`, 0, 0xffff_fffe),
      zxcrypt,
    };
  });
  return { partition, sliceSize, volumes };
}

function partitionType(input: unknown, where: string): string {
  const value = text(input, where);
  try {
    return resolvePartitionType(value);
  } catch (err) {
    return fail(where, err instanceof Error ? err.message : String(err));
  }
}

function hexKey(input: unknown, where: string): Uint8Array {
  const clean = typeof input === 'string' ? input.trim().replace(/^0x/i, '') : '';
  if (!/^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(clean)) {
    fail(where, `is ${show(input)}; give a 16 or 32-byte key as 32 or 64 hex digits`);
  }
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function record(input: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(where, `is ${show(input)}; give a mapping with some of: ${keys.join(', ')}`);
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!keys.includes(key))
      fail(`${where}.${key}`, `is not a known setting; known: ${keys.join(', ')}`);
  }
  return o;
}

function list(input: unknown, where: string): readonly unknown[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) return fail(where, `is ${show(input)}; give a list`);
  return input;
}

function text(input: unknown, where: string): string {
  if (typeof input !== 'string' || input === '') fail(where, `is ${show(input)}; give a name`);
  return input;
}

function integer(input: unknown, where: string, min: number, max: number): number {
  if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < min || input > max) {
    fail(where, `is ${show(input)}; give an integer from ${min} to ${max}`);
  }
  return input;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}

function fail(where: string, what: string): never {
  throw new StatusError(Status.ERR_INVALID_ARGS, `${where} ${what}`);
}
