import { Status } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import {
  EchoError,
  Legacy,
  type LegacyBanjo,
  type LegacyBanjoOps,
  type LegacyQueueRequest,
  type LegacyQueueResponse,
  type Packet,
} from './fixtures/generated/test.echo.js';

interface Device {
  queries: number;
  queued: Packet[];
}

const ops: LegacyBanjoOps<Device> = {
  query(dev) {
    dev.queries++;
    return { count: dev.queries };
  },
  queue(dev, request, complete) {
    dev.queued.push(request.packet);
    // Banjo completions may run before queue() returns; callers must cope.
    complete({ status: Status.OK });
  },
  divide(_dev, request) {
    return request.b === 0
      ? { $tag: 'err', err: EchoError.REFUSED }
      : { $tag: 'response', response: { quotient: request.a / request.b } };
  },
};

describe('Banjo transport', () => {
  it('calls go straight into the function table with the context first', () => {
    const dev: Device = { queries: 0, queued: [] };
    const proto: LegacyBanjo<Device> = { ops, ctx: dev };
    const client = Legacy.client(proto);
    expect(client.query()).toEqual({ count: 1 });
    expect(client.query()).toEqual({ count: 2 });
    expect(dev.queries).toBe(2);
    expect(client.divide({ a: 8, b: 2 })).toEqual({ $tag: 'response', response: { quotient: 4 } });
    expect(client.divide({ a: 8, b: 0 })).toEqual({ $tag: 'err', err: EchoError.REFUSED });
  });

  it('@async methods complete through a callback, here before queue() returns; nothing is copied', () => {
    const dev: Device = { queries: 0, queued: [] };
    const client = Legacy.client(Legacy.bind(ops, dev));
    const request: LegacyQueueRequest = { packet: { id: 1, data: new Uint8Array(16), tags: [] } };
    const order: string[] = [];
    let result: LegacyQueueResponse | null = null;
    client.queue(request, (r) => {
      order.push('completed');
      result = r;
    });
    order.push('returned');
    expect(order).toEqual(['completed', 'returned']);
    expect(result).toEqual({ status: Status.OK });
    expect(dev.queued[0]).toBe(request.packet);
  });

  it('a missing table entry fails at the call, naming the method', () => {
    const partial = { query: ops.query } as unknown as LegacyBanjoOps<Device>;
    const client = Legacy.client({ ops: partial, ctx: { queries: 0, queued: [] } });
    expect(client.query()).toEqual({ count: 1 });
    expect(() => client.divide({ a: 1, b: 1 })).toThrow(/no 'divide' entry/);
  });

  it('lists the methods of the protocol', () => {
    expect(Legacy.methods.map((m) => [m.name, m.isAsync])).toEqual([
      ['query', false],
      ['queue', true],
      ['divide', false],
    ]);
  });
});
