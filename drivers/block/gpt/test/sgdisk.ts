/**
 * Runs the real `sgdisk` (GPT fdisk, Debian package gdisk) and parses what it
 * prints, so tests can hold our reader and writer against an independent
 * implementation. A missing sgdisk is a test failure that says how to install
 * it, never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Status, StatusError } from '@fdf/zx';

const CANDIDATES = ['sgdisk', '/usr/sbin/sgdisk', '/sbin/sgdisk', '/usr/local/sbin/sgdisk'];

let found: string | undefined;

/** The sgdisk executable; throws with install instructions when there is none. */
export function requireSgdisk(): string {
  if (found !== undefined) return found;
  // SGDISK points at a specific binary (or at nothing, to see this failure).
  const override = process.env['SGDISK'];
  for (const c of override === undefined ? CANDIDATES : [override]) {
    if (c.includes('/') && !existsSync(c)) continue;
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.error === undefined && r.status === 0) return (found = c);
  }
  throw new StatusError(
    Status.ERR_NOT_FOUND,
    'sgdisk (GPT fdisk) is required by the GPT format tests but was not found on PATH or in /usr/sbin. ' +
      'Install it: `sudo apt-get install gdisk` (Debian/Ubuntu; CI installs it too) or `brew install gptfdisk` (macOS).',
  );
}

/** Runs sgdisk with `args`, returns stdout; throws with stdout and stderr when it exits non-zero. */
export function sgdisk(...args: string[]): string {
  try {
    return execFileSync(requireSgdisk(), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    throw new StatusError(
      Status.ERR_IO,
      `sgdisk ${args.join(' ')} exited ${e.status}:\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

/** `sgdisk -v` output, whatever its exit code (it exits non-zero when it finds problems). */
export function sgdiskVerify(image: string): string {
  const r = spawnSync(requireSgdisk(), ['-v', image], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

export interface SgdiskTable {
  diskGuid: string;
  entryCount: number;
  firstUsable: bigint;
  lastUsable: bigint;
  partitions: { number: number; start: bigint; end: bigint; code: string; name: string }[];
}

/** Parses `sgdisk -p`. Long names come out truncated with '...'; take names from `-i`. */
export function sgdiskPrint(image: string): SgdiskTable {
  const out = sgdisk('-p', image);
  const match = (re: RegExp): RegExpExecArray => {
    const m = re.exec(out);
    if (m === null)
      throw new StatusError(
        Status.ERR_IO_INVALID,
        `sgdisk -p output has no match for ${re}:\n${out}`,
      );
    return m;
  };
  const usable = match(/First usable sector is (\d+), last usable sector is (\d+)/);
  const table: SgdiskTable = {
    diskGuid: match(/Disk identifier \(GUID\): (\S+)/)[1]!,
    entryCount: Number(match(/Partition table holds up to (\d+) entries/)[1]),
    firstUsable: BigInt(usable[1]!),
    lastUsable: BigInt(usable[2]!),
    partitions: [],
  };
  const rows = out.slice(out.indexOf('Number  Start')).split('\n').slice(1);
  for (const row of rows) {
    if (row.trim() === '') continue;
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+ \S+\s+([0-9A-F]{4}) {2}(.*)$/.exec(row);
    if (m === null)
      throw new StatusError(Status.ERR_IO_INVALID, `unexpected sgdisk -p row '${row}'`);
    table.partitions.push({
      number: Number(m[1]),
      start: BigInt(m[2]!),
      end: BigInt(m[3]!),
      code: m[4]!,
      name: m[5]!,
    });
  }
  return table;
}

export interface SgdiskPartitionInfo {
  typeGuid: string;
  uniqueGuid: string;
  first: bigint;
  last: bigint;
  attributes: bigint;
  name: string;
}

/** Parses `sgdisk -i <number>`. */
export function sgdiskInfo(image: string, number: number): SgdiskPartitionInfo {
  const out = sgdisk('-i', String(number), image);
  const field = (re: RegExp): string => {
    const m = re.exec(out);
    if (m === null)
      throw new StatusError(
        Status.ERR_IO_INVALID,
        `sgdisk -i ${number} output has no match for ${re}:\n${out}`,
      );
    return m[1]!;
  };
  return {
    typeGuid: field(/Partition GUID code: (\S+)/),
    uniqueGuid: field(/Partition unique GUID: (\S+)/),
    first: BigInt(field(/First sector: (\d+)/)),
    last: BigInt(field(/Last sector: (\d+)/)),
    attributes: BigInt(`0x${field(/Attribute flags: ([0-9A-Fa-f]+)/)}`),
    name: field(/Partition name: '(.*)'\n/),
  };
}
