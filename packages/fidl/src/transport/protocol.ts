import { Status, StatusError } from '@fdf/zx';
import type { IrProtocol, IrRoot, Transport } from '../ir/types.js';
import { lazyCodec, type FidlCodec } from './codec.js';
import { protocolMethods, type MethodInfo } from './methodInfo.js';

/**
 * Everything a transport needs to bind a protocol, built once per protocol
 * from the coding table. The type parameters carry the generated client,
 * server, events and sync-client types to `createDriverClient` and friends.
 */
export interface ProtocolDescriptor<C, S, E, SC> {
  /** `fdf.block/Block`. */
  readonly name: string;
  /** The @transport of the declaration; a descriptor binds to Driver and Channel alike. */
  readonly transport: Transport;
  readonly openness: 'open' | 'ajar' | 'closed';
  readonly methods: readonly MethodInfo[];
  readonly byOrdinal: ReadonlyMap<bigint, MethodInfo>;
  readonly codec: FidlCodec;
  /** Never set: carries the generated types for inference. */
  readonly $types?: { client: C; server: S; events: E; syncClient: SC };
}

export function findProtocol(table: IrRoot, name: string): IrProtocol {
  for (const lib of table.libraries) {
    const p = lib.protocols.find((x) => x.name === name);
    if (p !== undefined) return p;
  }
  throw new StatusError(
    Status.ERR_NOT_FOUND,
    `protocol ${name} is not in the coding table (libraries: ${table.libraries.map((l) => l.name).join(', ')}); regenerate the bindings`,
  );
}

export function defineProtocol<C, S, E, SC>(
  table: IrRoot,
  name: string,
): ProtocolDescriptor<C, S, E, SC> {
  const ir = findProtocol(table, name);
  const methods = protocolMethods(ir);
  return Object.freeze({
    name,
    transport: ir.transport,
    openness: ir.openness,
    methods,
    byOrdinal: new Map(methods.map((m) => [m.ordinal, m])),
    codec: lazyCodec(table),
  });
}

/** Any descriptor, for code that does not care about the generated types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProtocol = ProtocolDescriptor<any, any, any, any>;
