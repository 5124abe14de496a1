/**
 * The benchmark's own FIDL library (bench.fidl), compiled when the suite
 * starts rather than generated and committed: it only feeds the codec cases
 * and the Banjo function table, so the IR straight from compileFidl is all
 * it needs, and editing the .fidl file cannot leave stale bindings behind.
 */
import { fileURLToPath } from 'node:url';
import {
  compileFidl,
  defineBanjoProtocol,
  formatDiagnostic,
  loadFidlFiles,
  type BanjoProtocolDescriptor,
  type IrRoot,
} from '@fdf/fidl';
import type { sample } from '@fdf/bindings';
import { Status, StatusError } from '@fdf/zx';

export const BENCH_FIDL = fileURLToPath(new URL('./bench.fidl', import.meta.url));

let compiled: IrRoot | null = null;

/** The IR of fdf.bench, compiled once per process. */
export function benchIr(): IrRoot {
  if (compiled !== null) return compiled;
  const { ir, diagnostics } = compileFidl(loadFidlFiles([BENCH_FIDL]));
  if (ir === null) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${BENCH_FIDL} does not compile; fix it first:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
  }
  compiled = ir;
  return ir;
}

// ---- Payload types, in the value conventions of the codec (memberKey names,
// 64-bit integers as bigint, tables with optional members).

export interface BufferRegion {
  vmo: number;
  offset: bigint;
  length: bigint;
}

export interface BufferMetadata {
  port: number;
  frameType: number;
  flags: number;
}

export interface TxBuffer {
  id: number;
  data: BufferRegion[];
  meta: BufferMetadata;
  headLength: number;
  tailLength: number;
}

export interface TxBatch {
  buffers: TxBuffer[];
}

export interface ContactInputReport {
  contactId?: number;
  positionX?: bigint;
  positionY?: bigint;
  pressure?: bigint;
  contactWidth?: bigint;
  contactHeight?: bigint;
}

export interface TouchInputReport {
  contacts?: ContactInputReport[];
  pressedButtons?: Uint8Array;
}

export interface InputReport {
  eventTime?: bigint;
  touch?: TouchInputReport;
}

export interface InputReportBatch {
  reports: InputReport[];
}

// ---- fdf.bench/BanjoEcho: the request and response shapes are fdf.sample's,
// so the Banjo cases pass the very objects the Driver and Channel cases send.

export interface BanjoEchoOps<C> {
  echo(ctx: C, request: sample.EchoEchoRequest): sample.EchoEchoResponse;
  send(ctx: C, request: sample.EchoSendRequest): void;
}

export interface BanjoEchoClient {
  echo(request: sample.EchoEchoRequest): sample.EchoEchoResponse;
  send(request: sample.EchoSendRequest): void;
}

export function banjoEcho<C>(): BanjoProtocolDescriptor<BanjoEchoOps<C>, BanjoEchoClient> {
  return defineBanjoProtocol<BanjoEchoOps<C>, BanjoEchoClient>(benchIr(), 'fdf.bench/BanjoEcho');
}
