/**
 * Workloads: named jobs a driver can run when a tool asks (`fdf board run`
 * runs the board's workloads, `pnpm bench framework` times them). A driver
 * registers them in `start()` with `addWorkload`; the manager finds the
 * drivers that offer a workload by name and runs it in their host.
 *
 * A result must depend only on what the workload did, never on where the
 * drivers ran: the same board in one host or in three must give the same
 * `summary` and `checksum` (that is how the CLI shows the transports agree).
 */
import { Status, StatusError } from '@fdf/zx';

export type WorkloadParams = Readonly<Record<string, unknown>>;

export interface WorkloadResult {
  /** Operations done, for ns/op. */
  readonly ops: number;
  /** One line on what was checked, e.g. "256 echoes of 64 B verified". */
  readonly summary: string;
  /** A digest of the data seen, equal across placements and transports. */
  readonly checksum?: string;
}

export type Workload = (params: WorkloadParams) => Promise<WorkloadResult>;

/** What the host reports for one run: the driver's result plus where and how long. */
export interface WorkloadReport extends WorkloadResult {
  readonly workload: string;
  readonly driver: string;
  readonly node: string;
  readonly host: string;
  readonly elapsedMs: number;
}

/**
 * Reads an integer parameter of a workload: `fallback` when absent, a
 * StatusError naming the workload and the bounds when it is not an integer
 * in [min, max]. Workload parameters come from board files, so they are
 * checked like any other outside input.
 */
export function integerParam(
  workload: string,
  params: WorkloadParams,
  name: string,
  fallback: number,
  bounds: { readonly min: number; readonly max: number },
): number {
  const value = params[name] ?? fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < bounds.min ||
    value > bounds.max
  ) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `workload '${workload}': parameter ${name} is ${JSON.stringify(value)}; give an integer from ${bounds.min} to ${bounds.max} in the board's workloads[].params`,
    );
  }
  return value;
}
