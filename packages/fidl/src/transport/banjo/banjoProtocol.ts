import { Status, StatusError } from '@fdf/zx';
import type { IrRoot } from '../../ir/types.js';
import { protocolMethods, type MethodInfo } from '../methodInfo.js';
import { findProtocol } from '../protocol.js';

/** The pair a driver hands to its child: a function table and the context every entry gets first. */
export interface BanjoProtocol<Ops> {
  readonly ops: Ops;
  readonly ctx: unknown;
}

/**
 * A @transport("Banjo") protocol: no channel, no arena, no validation, no
 * copy. A call is a direct JS call into the other driver, on the caller's
 * stack, which is what makes Banjo the lower bound of every latency figure
 * (and why the callee must cope with reentrancy itself).
 */
export interface BanjoProtocolDescriptor<Ops, Client> {
  readonly name: string;
  readonly methods: readonly MethodInfo[];
  /** Wraps `{ ops, ctx }` so calls read `client.query()` instead of `ops.query(ctx)`. */
  client(proto: BanjoProtocol<Ops>): Client;
  /** `{ ops, ctx }`: what a parent driver hands to its child. */
  bind(ops: Ops, ctx: unknown): BanjoProtocol<Ops>;
}

type Entry = (ctx: unknown, ...args: unknown[]) => unknown;

export function defineBanjoProtocol<Ops, Client>(
  table: IrRoot,
  name: string,
): BanjoProtocolDescriptor<Ops, Client> {
  const methods = protocolMethods(findProtocol(table, name)).filter((m) => m.kind !== 'event');
  return Object.freeze({
    name,
    methods,
    client(proto: BanjoProtocol<Ops>): Client {
      const ops = proto.ops as Record<string, Entry | undefined>;
      const ctx = proto.ctx;
      const client: Record<string, (...args: unknown[]) => unknown> = {};
      for (const m of methods) {
        const fn = ops[m.name];
        // A missing entry fails at the call and names the method, where C would
        // jump through a null function pointer.
        client[m.name] =
          typeof fn === 'function'
            ? (...args: unknown[]) => fn.call(ops, ctx, ...args)
            : () => missing(name, m.name);
      }
      return client as Client;
    },
    bind(ops: Ops, ctx: unknown): BanjoProtocol<Ops> {
      return { ops, ctx };
    },
  });
}

function missing(protocol: string, method: string): never {
  throw new StatusError(
    Status.ERR_NOT_SUPPORTED,
    `${protocol}: the Banjo function table has no '${method}' entry; add it to the ops object the parent driver hands out`,
  );
}
