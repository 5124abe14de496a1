/**
 * Builds damaged-but-consistent images for reader tests: edits a header or
 * its partitions and re-encodes them with correct CRCs, so that the check
 * under test (placement, overlap, range) is the one that fails, not a CRC.
 */
import { Status, StatusError } from '@fdf/zx';
import {
  decodeEntries,
  decodeHeader,
  encodeEntries,
  encodeHeader,
  entriesCrc32,
  renderImage,
  writeGpt,
  type GptHeaderFields,
  type GptPartition,
  type GptWriteOptions,
} from '../src/index.js';

export const DISK = '11111111-2222-3333-4444-555555555555';

let counter = 0;
/** Deterministic GUIDs: 00000000-0000-4000-8000-<n>. */
export function sequentialGuids(): () => string {
  counter = 0;
  return () =>
    `00000000-0000-4000-8000-${(++counter).toString(16).toUpperCase().padStart(12, '0')}`;
}

/** A small image with three partitions (1 MiB, 2 MiB, rest). */
export function sampleImage(blockSize = 512, options: Partial<GptWriteOptions> = {}): Uint8Array {
  const mib = BigInt((1024 * 1024) / blockSize);
  return renderImage(
    writeGpt({
      blockSize,
      blockCount: (8 * 1024 * 1024) / blockSize,
      diskGuid: DISK,
      newGuid: sequentialGuids(),
      partitions: [
        { name: 'alpha', type: 'linux', blocks: mib },
        { name: 'fvm', type: 'fvm', blocks: 2n * mib },
        { name: 'rest', type: 'data' },
      ],
      ...options,
    }),
  );
}

function headerLba(image: Uint8Array, blockSize: number, copy: 'primary' | 'backup'): number {
  return copy === 'primary' ? 1 : image.length / blockSize - 1;
}

/**
 * Rewrites one copy: `edit` may change header fields and partitions; entries
 * and header are then written back with fresh CRCs (the header at the LBA it
 * was read from, whatever myLba now says).
 */
export function rewrite(
  image: Uint8Array,
  blockSize: number,
  copy: 'primary' | 'backup',
  edit: (header: GptHeaderFields, partitions: GptPartition[]) => void,
): Uint8Array {
  const out = image.slice();
  const at = headerLba(out, blockSize, copy) * blockSize;
  const decoded = decodeHeader(out.subarray(at, at + blockSize));
  if (decoded.header === undefined) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `${copy} header is already bad; rewrite() needs a valid one to edit`,
    );
  }
  const { revision: _r, headerSize: _s, headerCrc32: _c, ...fields } = decoded.header;
  const entriesAt = Number(fields.partitionEntryLba) * blockSize;
  const arrayBytes = fields.partitionEntryCount * fields.partitionEntrySize;
  const partitions = decodeEntries(
    out.subarray(entriesAt, entriesAt + arrayBytes),
    fields.partitionEntryCount,
    fields.partitionEntrySize,
  );
  edit(fields, partitions);
  const entries = encodeEntries(partitions, fields.partitionEntryCount, fields.partitionEntrySize);
  const newEntriesAt = Number(fields.partitionEntryLba) * blockSize;
  if (newEntriesAt + entries.length <= out.length) out.set(entries, newEntriesAt);
  fields.partitionEntryArrayCrc32 = entriesCrc32(
    entries,
    fields.partitionEntryCount,
    fields.partitionEntrySize,
  );
  out.set(encodeHeader(fields, blockSize).block, at);
  return out;
}

/** Flips every bit of the byte at `offset`. */
export function flip(image: Uint8Array, ...offsets: number[]): Uint8Array {
  const out = image.slice();
  for (const o of offsets) out[o] = out[o]! ^ 0xff;
  return out;
}

/** Rewrites one header only (fresh header CRC), leaving the entry array as it is. */
export function rewriteHeader(
  image: Uint8Array,
  blockSize: number,
  copy: 'primary' | 'backup',
  edit: (header: GptHeaderFields) => void,
): Uint8Array {
  const out = image.slice();
  const at = headerLba(out, blockSize, copy) * blockSize;
  const decoded = decodeHeader(out.subarray(at, at + blockSize));
  if (decoded.header === undefined) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      `${copy} header is already bad; rewriteHeader() needs a valid one to edit`,
    );
  }
  const { revision: _r, headerSize: _s, headerCrc32: _c, ...fields } = decoded.header;
  edit(fields);
  out.set(encodeHeader(fields, blockSize).block, at);
  return out;
}
