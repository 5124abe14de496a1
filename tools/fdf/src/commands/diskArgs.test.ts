import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import {
  formatSize,
  parseBlockSize,
  parseFvmVolumes,
  parsePartitions,
  parseSize,
} from './diskArgs.js';

function statusOf(work: () => unknown): StatusError {
  try {
    work();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new StatusError(Status.ERR_BAD_STATE, 'expected a StatusError');
}

describe('disk arguments', () => {
  it('reads sizes in bytes and binary units', () => {
    expect(parseSize('512', 'x')).toBe(512n);
    expect(parseSize('64KiB', 'x')).toBe(65536n);
    expect(parseSize('8M', 'x')).toBe(8n << 20n);
    expect(parseSize('1gib', 'x')).toBe(1n << 30n);
    expect(parseSize('2T', 'x')).toBe(2n << 40n);
    const err = statusOf(() => parseSize('1.5GiB', '--size'));
    expect(err.status).toBe(Status.ERR_INVALID_ARGS);
    expect(err.message).toContain(
      "--size '1.5GiB' is not a size; write a whole number of bytes or use a binary unit",
    );
    expect(statusOf(() => parseSize('10MB', '--size')).status).toBe(Status.ERR_INVALID_ARGS);
  });

  it('prints sizes as sgdisk does', () => {
    expect(formatSize(8n << 20n)).toBe('8.0 MiB');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(100)).toBe('100 bytes');
  });

  it('reads partitions from repeated and comma-separated options, resolving type aliases', () => {
    expect(
      parsePartitions([
        'esp:efi:16MiB,fvm:fvm:32MiB',
        'sys:0FC63DAF-8483-4772-8E79-3D69D8477DE4:4M:01234567-89ab-cdef-0123-456789abcdef',
        'data:data:rest',
      ]),
    ).toEqual([
      { name: 'esp', typeGuid: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', size: 16n << 20n },
      { name: 'fvm', typeGuid: '41D0E340-57E3-954E-8C1E-17ECAC44CFF5', size: 32n << 20n },
      {
        name: 'sys',
        typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
        size: 4n << 20n,
        uniqueGuid: '01234567-89AB-CDEF-0123-456789ABCDEF',
      },
      { name: 'data', typeGuid: '08185F0C-892D-428A-A789-DBEEC8F55E6A', size: 'rest' },
    ]);
  });

  it('says what form a bad partition should take', () => {
    expect(statusOf(() => parsePartitions(['esp:efi'])).message).toContain(
      "partition 'esp:efi' should be <name>:<type>:<size>[:<unique-guid>]",
    );
    expect(statusOf(() => parsePartitions(['esp:ext4:1M'])).message).toContain(
      "partition type 'ext4' is neither a known alias",
    );
    expect(statusOf(() => parsePartitions(['esp:efi:1M:nope'])).message).toContain(
      "unique GUID of partition 'esp' 'nope' is not a GUID",
    );
  });

  it('reads FVM volumes with an optional type', () => {
    expect(parseFvmVolumes(['fvm:1MiB:blobfs:8:blob,fvm:1MiB:data:4'])).toEqual([
      {
        partition: 'fvm',
        sliceSize: 1n << 20n,
        volume: 'blobfs',
        slices: 8,
        typeGuid: '2967380E-134C-4CBB-B6DA-17E7CE1CA45D',
      },
      { partition: 'fvm', sliceSize: 1n << 20n, volume: 'data', slices: 4 },
    ]);
    expect(statusOf(() => parseFvmVolumes(['fvm:1MiB:blobfs'])).message).toContain(
      'should be <partition-name>:<slice-size>:<volume>:<slices>',
    );
    expect(statusOf(() => parseFvmVolumes(['fvm:1MiB:blobfs:0'])).message).toContain(
      "has slice count '0'",
    );
  });

  it('accepts block sizes 512 and 4096 only', () => {
    expect(parseBlockSize('4096')).toBe(4096);
    expect(statusOf(() => parseBlockSize('1024')).message).toContain(
      "block size '1024' is not supported; use 512 or 4096",
    );
  });
});
