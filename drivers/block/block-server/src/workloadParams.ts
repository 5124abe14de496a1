/**
 * Reading block-client workload params: integers and flags from a board
 * file or a tool, the device range they name, and the optional shared cells
 * and caller VMO a program may add. Every bad value is ERR_INVALID_ARGS
 * naming the workload and the param.
 */
import { integerParam, type WorkloadParams } from '@fdf/framework';
import { Status, StatusError, Vmo, handleFromTransfer, isHandleDescriptor } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';

export const MAX_INT = Number.MAX_SAFE_INTEGER;

export function int(
  workload: string,
  params: WorkloadParams,
  name: string,
  fallback: number,
  min = 0,
  max = MAX_INT,
): number {
  return integerParam(workload, params, name, fallback, { min, max });
}

export function flag(
  workload: string,
  params: WorkloadParams,
  name: string,
  fallback: boolean,
): boolean {
  const value = params[name] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${workload}': parameter ${name} is ${JSON.stringify(value)}; give true or false`,
    );
  }
  return value;
}

export function choice<T extends string>(
  workload: string,
  params: WorkloadParams,
  name: string,
  options: readonly T[],
  fallback: T,
): T {
  const value = params[name] ?? fallback;
  if (typeof value !== 'string' || !options.includes(value as T)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${workload}': parameter ${name} is ${JSON.stringify(value)}; give one of ${options.join(', ')}`,
    );
  }
  return value as T;
}

/** A run of device blocks: `startBlock` and `blockCount` (default: to the end of the device). */
export interface BlockRange {
  readonly start: number;
  readonly count: number;
}

export function range(
  workload: string,
  params: WorkloadParams,
  info: BlockInfo,
  names: { start: string; count: string } = { start: 'startBlock', count: 'blockCount' },
): BlockRange {
  const device = Number(info.blockCount);
  const start = int(workload, params, names.start, 0, 0, Math.max(0, device - 1));
  const count = int(workload, params, names.count, device - start, 1, device - start);
  return { start, count };
}

/** A VMO the caller shares through a param (`transferHandle(vmo.duplicate()).descriptor`); null when absent. */
export function callerVmo(workload: string, params: WorkloadParams, name: string): Vmo | null {
  const value = params[name];
  if (value === undefined) return null;
  if (!isHandleDescriptor(value)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${workload}': parameter ${name} must be a VMO handle descriptor (transferHandle(vmo.duplicate()).descriptor); a board file cannot give one, leave it out there`,
    );
  }
  return handleFromTransfer(value, Vmo);
}
