import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import {
  PartitionType,
  decodeGuid,
  encodeGuid,
  isGuid,
  parseGuid,
  partitionTypeName,
  randomGuid,
  resolvePartitionType,
} from '../src/index.js';

describe('GUID encoding', () => {
  it('stores the first three fields little-endian and the rest in text order', () => {
    // Zircon's gpt.h spells GUID_FVM_VALUE out byte by byte.
    const bytes = new Uint8Array(16);
    encodeGuid(PartitionType.FUCHSIA_FVM, bytes, 0);
    expect(Array.from(bytes)).toEqual([
      0x40, 0xe3, 0xd0, 0x41, 0xe3, 0x57, 0x4e, 0x95, 0x8c, 0x1e, 0x17, 0xec, 0xac, 0x44, 0xcf,
      0xf5,
    ]);
    expect(decodeGuid(bytes, 0)).toBe(PartitionType.FUCHSIA_FVM);
  });

  it('round-trips at an offset and normalizes to upper case', () => {
    const guid = randomGuid();
    expect(isGuid(guid)).toBe(true);
    const bytes = new Uint8Array(40);
    encodeGuid(guid.toLowerCase(), bytes, 20);
    expect(decodeGuid(bytes, 20)).toBe(guid);
    expect(parseGuid(' 0fc63daf-8483-4772-8e79-3d69d8477de4 ')).toBe(
      PartitionType.LINUX_FILESYSTEM,
    );
  });

  it('rejects text that is not a GUID with ERR_INVALID_ARGS and an example', () => {
    for (const bad of [
      '',
      'fvm',
      '0FC63DAF-8483-4772-8E79-3D69D8477DE',
      '0FC63DAF84834772-8E79-3D69D8477DE4X',
    ]) {
      expect(() => parseGuid(bad, 'disk GUID')).toThrow(StatusError);
    }
    try {
      parseGuid('nope', 'disk GUID');
    } catch (err) {
      expect(StatusError.is(err, Status.ERR_INVALID_ARGS)).toBe(true);
      expect((err as Error).message).toContain(
        "disk GUID 'nope' is not a GUID; write it as 8-4-4-4-12 hex digits",
      );
    }
  });
});

describe('partition types', () => {
  it('resolves the aliases and passes GUIDs through', () => {
    expect(resolvePartitionType('fvm')).toBe('41D0E340-57E3-954E-8C1E-17ECAC44CFF5');
    expect(resolvePartitionType('LINUX')).toBe('0FC63DAF-8483-4772-8E79-3D69D8477DE4');
    expect(resolvePartitionType('efi')).toBe('C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
    expect(resolvePartitionType('data')).toBe('08185F0C-892D-428A-A789-DBEEC8F55E6A');
    expect(resolvePartitionType('ebd0a0a2-b9e5-4433-87c0-68b6b72699c7')).toBe(
      PartitionType.MICROSOFT_BASIC_DATA,
    );
  });

  it('names the well-known types', () => {
    expect(partitionTypeName(PartitionType.FUCHSIA_FVM)).toBe('Fuchsia FVM');
    expect(partitionTypeName('0fc63daf-8483-4772-8e79-3d69d8477de4')).toBe('Linux filesystem');
    expect(partitionTypeName('12345678-1234-1234-1234-123456789ABC')).toBeUndefined();
  });

  it('lists the aliases when a type is neither', () => {
    expect(() => resolvePartitionType('ext4')).toThrow(
      /'ext4' is neither a known alias \(fvm, linux, efi, data/,
    );
  });
});
