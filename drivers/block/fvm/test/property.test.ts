/**
 * Model-based property test: random sequences of allocate / extend / shrink /
 * destroy against a plain model of "which virtual slices each volume has".
 * Seeded (fast-check is not a dependency of this package), so a failing seed
 * reproduces; the seed and step are in the assertion message.
 */
import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { formatFvm, headerForDisk, loadFvm, MAX_VSLICES, type Fvm } from '../src/index.js';
import { instance, memoryDisk, rng, TYPE_A } from './memoryDisk.js';

const SLICE = 8192;
const SLICES = 12;
const BLOCK = 512;

type Model = Map<number, Set<number>>;

/** The status the real FVM semantics predict for an op, or OK. */
function expectedStatus(model: Model, capacity: number, op: Op): Status {
  const used = [...model.values()].reduce((sum, s) => sum + s.size, 0);
  const free = capacity - used;
  if (op.kind === 'allocate') {
    if (model.size >= 1023) return Status.ERR_NO_SPACE;
    return op.count > free ? Status.ERR_NO_SPACE : Status.OK;
  }
  const slices = model.get(op.vpart);
  if (slices === undefined) return Status.ERR_NOT_FOUND;
  if (op.kind === 'destroy') return Status.OK;
  if (op.vslice === 0) return Status.ERR_OUT_OF_RANGE;
  if (op.count === 0) return Status.OK;
  const inRange = [...slices].filter((v) => v >= op.vslice && v < op.vslice + op.count);
  if (op.kind === 'extend') {
    if (inRange.length > 0) return Status.ERR_INVALID_ARGS;
    return op.count > free ? Status.ERR_NO_SPACE : Status.OK;
  }
  return inRange.length === 0 ? Status.ERR_INVALID_ARGS : Status.OK;
}

type Op =
  | { kind: 'allocate'; count: number }
  | { kind: 'extend' | 'shrink'; vpart: number; vslice: number; count: number }
  | { kind: 'destroy'; vpart: number };

function applyToModel(model: Model, op: Op): void {
  if (op.kind === 'allocate') {
    let index = 1;
    while (model.has(index)) index++;
    model.set(index, new Set(Array.from({ length: op.count }, (_, i) => i)));
    return;
  }
  const slices = model.get(op.vpart);
  if (slices === undefined) return;
  if (op.kind === 'destroy') model.delete(op.vpart);
  else if (op.kind === 'extend') for (let i = 0; i < op.count; i++) slices.add(op.vslice + i);
  else for (let i = 0; i < op.count; i++) slices.delete(op.vslice + i);
}

function randomOp(next: (n: number) => number, model: Model): Op {
  const volumes = [...model.keys()];
  const vpart =
    volumes.length > 0 && next(10) > 0 ? (volumes[next(volumes.length)] ?? 1) : 1 + next(5);
  switch (next(8)) {
    case 0:
    case 1:
      return { kind: 'allocate', count: 1 + next(4) };
    case 2:
    case 3:
    case 4:
      return { kind: 'extend', vpart, vslice: next(10), count: next(4) };
    case 5:
    case 6:
      return { kind: 'shrink', vpart, vslice: next(10), count: next(5) };
    default:
      return { kind: 'destroy', vpart };
  }
}

async function run(fvm: Fvm, op: Op): Promise<void> {
  if (op.kind === 'allocate') await fvm.allocateVolume('v', TYPE_A, instance(op.count), op.count);
  else if (op.kind === 'extend') await fvm.extend(op.vpart, op.vslice, op.count);
  else if (op.kind === 'shrink') await fvm.shrink(op.vpart, op.vslice, op.count);
  else await fvm.destroyVolume(op.vpart);
}

/** The QuerySlices answer the model predicts. */
function modelQuery(slices: Set<number>, start: number): { allocated: boolean; count: number } {
  const allocated = slices.has(start);
  let end = start;
  if (allocated) while (slices.has(end)) end++;
  else {
    const after = [...slices].filter((v) => v > start);
    end = after.length > 0 ? Math.min(...after) : MAX_VSLICES;
  }
  return { allocated, count: end - start };
}

function checkAgainstModel(
  fvm: Fvm,
  model: Model,
  where: string,
  next: (n: number) => number,
): void {
  const allocations = fvm.allocations();
  const owners = new Set<string>();
  for (const a of allocations) {
    const key = `${a.vpartition}:${a.vslice}`;
    expect(owners.has(key), `${where}: ${key} is backed twice`).toBe(false);
    owners.add(key);
  }
  expect(new Set(allocations.map((a) => a.pslice)).size, where).toBe(allocations.length);
  const total = [...model.values()].reduce((sum, s) => sum + s.size, 0);
  expect(fvm.getInfo().assignedSliceCount, where).toBe(total);
  expect(
    fvm.volumes().map((v) => v.index),
    where,
  ).toEqual([...model.keys()].sort((x, y) => x - y));
  const blocksPerSlice = SLICE / BLOCK;
  const dataStart = fvm.metadataInfo().dataStartBytes / BLOCK;
  for (const [vpart, slices] of model) {
    expect(fvm.volume(vpart).sliceCount, where).toBe(slices.size);
    const mine = allocations.filter((a) => a.vpartition === vpart);
    expect(new Set(mine.map((a) => a.vslice)), where).toEqual(slices);
    const starts = Array.from({ length: 4 }, () => next(14));
    expect(fvm.querySlices(vpart, starts), `${where}: query ${vpart} ${starts.join(',')}`).toEqual(
      starts.map((s) => modelQuery(slices, s)),
    );
    for (const a of mine) {
      const [extent] = fvm.mapOp(vpart, a.vslice * blocksPerSlice + 1, 1, BLOCK);
      expect(extent?.devOffsetBlocks, where).toBe(dataStart + (a.pslice - 1) * blocksPerSlice + 1);
    }
  }
}

describe('random allocate/extend/shrink/destroy sequences', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`keep the allocation table consistent with a model (seed ${seed})`, async () => {
      let size = 2 * 81920 + SLICES * SLICE;
      while (headerForDisk(size, SLICE).psliceCount < SLICES) size += SLICE;
      const disk = memoryDisk(size, formatFvm(size, SLICE));
      let fvm = await loadFvm(disk.read, { diskBytes: size, write: disk.write });
      const capacity = fvm.getInfo().sliceCount;
      const model: Model = new Map();
      const next = rng(seed);
      for (let step = 0; step < 150; step++) {
        const op = randomOp(next, model);
        const where = `seed ${seed} step ${step} ${JSON.stringify(op)}`;
        const want = expectedStatus(model, capacity, op);
        let got = Status.OK;
        try {
          await run(fvm, op);
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
          got = err.status;
        }
        expect(got, where).toBe(want);
        if (got === Status.OK) applyToModel(model, op);
        checkAgainstModel(fvm, model, where, next);
        if (step % 25 === 24) {
          fvm = await loadFvm(disk.read, { diskBytes: size, write: disk.write });
          checkAgainstModel(fvm, model, `${where} (reloaded)`, next);
        }
      }
    });
  }
});
