/**
 * Whole-range block I/O for the client workloads: a range cut into chunks,
 * several in flight, each chunk in its own slot of one attached VMO. Used to
 * fill a range with the workload pattern, check it later (also from another
 * session, after a crash), and take a digest of what a range holds.
 */
import { createHash } from 'node:crypto';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { checkBlock, fillBlock } from './blockPattern.js';
import type { BlockClient } from './client.js';
import type { BlockRange } from './workloadParams.js';

/** Bytes per chunk: large enough that a digest pass is a few dozen ops on the reference board. */
export const CHUNK_BYTES = 64 * 1024;
const DEPTH = 4;

export interface ChunkIo {
  readonly client: BlockClient;
  readonly vmoid: number;
  /** The attached VMO's memory, DEPTH slots of `chunkBlocks` blocks. */
  readonly mapping: Uint8Array;
  readonly blockSize: number;
  readonly chunkBlocks: number;
}

/** Attaches a VMO for chunked I/O, runs `fn`, detaches it. */
export async function withChunks<T>(
  client: BlockClient,
  fn: (io: ChunkIo) => Promise<T>,
): Promise<T> {
  const blockSize = client.info().blockSize;
  const chunkBlocks = Math.max(1, Math.floor(CHUNK_BYTES / blockSize));
  const vmo = Vmo.create(DEPTH * chunkBlocks * blockSize);
  // Mapped before attaching: attaching moves the handle, the memory stays shared.
  const mapping = vmo.view();
  const vmoid = await client.attachVmo(vmo);
  try {
    return await fn({ client, vmoid, mapping, blockSize, chunkBlocks });
  } finally {
    await client.detachVmo(vmoid).catch(() => undefined);
  }
}

/**
 * Runs `each` for every chunk of `range` in order of issue, up to DEPTH at
 * once; `before` prepares a chunk's slot (writes), `after` consumes it (reads).
 */
export async function forEachChunk(
  io: ChunkIo,
  range: BlockRange,
  op: 'read' | 'write',
  hooks: {
    before?: (lba: number, blocks: number, slot: Uint8Array) => void;
    after?: (index: number, lba: number, blocks: number, slot: Uint8Array) => void;
    onDone?: (blocksDone: number) => void;
  },
): Promise<void> {
  const chunks: { index: number; lba: number; blocks: number }[] = [];
  for (let at = 0, i = 0; at < range.count; at += io.chunkBlocks, i++) {
    chunks.push({
      index: i,
      lba: range.start + at,
      blocks: Math.min(io.chunkBlocks, range.count - at),
    });
  }
  let next = 0;
  let done = 0;
  const lane = async (slotIndex: number): Promise<void> => {
    const slotBlock = slotIndex * io.chunkBlocks;
    for (let c = chunks[next++]; c !== undefined; c = chunks[next++]) {
      const slot = io.mapping.subarray(
        slotBlock * io.blockSize,
        (slotBlock + c.blocks) * io.blockSize,
      );
      hooks.before?.(c.lba, c.blocks, slot);
      if (op === 'read') await io.client.read(io.vmoid, c.lba, c.blocks, slotBlock);
      else await io.client.write(io.vmoid, c.lba, c.blocks, slotBlock);
      hooks.after?.(c.index, c.lba, c.blocks, slot);
      done += c.blocks;
      hooks.onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: DEPTH }, (_, i) => lane(i)));
}

function words(slot: Uint8Array, b: number, blockSize: number): Uint32Array {
  return new Uint32Array(slot.buffer, slot.byteOffset + b * blockSize, blockSize / 4);
}

/** Writes the pattern of (`seed`, version 1) into every block of `range`. */
export function fillRange(
  io: ChunkIo,
  range: BlockRange,
  seed: number,
  onDone?: (blocks: number) => void,
): Promise<void> {
  return forEachChunk(io, range, 'write', {
    before: (lba, blocks, slot) => {
      for (let b = 0; b < blocks; b++) fillBlock(words(slot, b, io.blockSize), lba + b, 1, seed);
    },
    ...(onDone === undefined ? {} : { onDone }),
  });
}

/** Reads `range` back and checks the pattern fillRange wrote; returns the problems found. */
export async function checkRange(
  io: ChunkIo,
  range: BlockRange,
  seed: number,
  onDone?: (blocks: number) => void,
): Promise<{ checked: number; mismatches: number; samples: string[] }> {
  let checked = 0;
  let mismatches = 0;
  const samples: string[] = [];
  await forEachChunk(io, range, 'read', {
    after: (_i, lba, blocks, slot) => {
      for (let b = 0; b < blocks; b++) {
        checked++;
        const problem = checkBlock(words(slot, b, io.blockSize), lba + b, 1, seed);
        if (problem === null) continue;
        mismatches++;
        if (samples.length < 10) samples.push(problem);
      }
    },
    ...(onDone === undefined ? {} : { onDone }),
  });
  return { checked, mismatches, samples };
}

/**
 * A digest of what `range` holds: SHA-256 over the chunks' own SHA-256s in
 * range order (chunks complete out of order). 16 hex digits.
 */
export async function digestRange(
  io: ChunkIo,
  range: BlockRange,
  onDone?: (blocks: number) => void,
): Promise<string> {
  const parts: string[] = [];
  await forEachChunk(io, range, 'read', {
    after: (index, _lba, _blocks, slot) => {
      parts[index] = createHash('sha256').update(slot).digest('hex');
    },
    ...(onDone === undefined ? {} : { onDone }),
  });
  const chunks = Math.ceil(range.count / io.chunkBlocks);
  if (parts.length !== chunks || Array.from(parts).some((p) => p === undefined)) {
    throw new StatusError(Status.ERR_INTERNAL, 'digest: a chunk was not read; this is a bug');
  }
  return createHash('sha256').update(parts.join('')).digest('hex').slice(0, 16);
}
