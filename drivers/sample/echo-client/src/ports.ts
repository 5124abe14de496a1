/**
 * What the workloads need from the parent, as promises, whatever the
 * variant: the FIDL clients (Driver or Channel transport, the same type) or
 * the Banjo function tables (direct calls, completion callbacks). The
 * workloads are written once against these.
 */
import type { Arena } from '@fdf/runtime';
import { block, blockBanjo, sample } from '@fdf/bindings';

export interface EchoPort {
  echo(data: Uint8Array, mode: sample.EchoMode, arena: Arena): Promise<Uint8Array>;
}

export interface BlockPort {
  query(): Promise<block.BlockQueryResult>;
  queue(op: block.BlockOp, arena: Arena): Promise<block.BlockQueueResponse>;
}

export function fidlEchoPort(client: sample.EchoClient): EchoPort {
  return {
    echo: async (data, mode, arena) => (await client.echo({ data, mode }, arena)).data,
  };
}

export function banjoEchoPort(client: sample.BanjoEchoBanjoClient): EchoPort {
  return {
    echo: (data, mode) => Promise.resolve(client.echo({ data, mode }).data),
  };
}

export function fidlBlockPort(client: block.BlockClient): BlockPort {
  return {
    query: () => client.query(),
    queue: (op, arena) => client.queue({ op }, arena),
  };
}

export function banjoBlockPort(client: blockBanjo.BlockBanjoClient): BlockPort {
  return {
    query: () => Promise.resolve(client.query()),
    queue: (op) => new Promise((resolve) => client.queue({ op }, resolve)),
  };
}
