/**
 * The edges of ParentBlock and the Block adapters, with fake parents and
 * completers: a parent that refuses an op synchronously or fails its reply
 * still completes it exactly once; across hosts a lent VMO is a duplicate
 * and what comes back is closed; a child that went away gets no reply.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { Completer } from '@fdf/fidl';
import type { Arena } from '@fdf/runtime';
import { Status, StatusError, Vmo } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import {
  banjoParent,
  blockBanjoOps,
  blockServer,
  fidlParent,
  queueAsync,
  vmoLending,
  type BlockDevice,
  type OpCompletion,
} from '../src/index.js';
import { resetRuntime, rwOp } from '../src/testing/index.js';

afterEach(resetRuntime);

const QUERY: block.BlockQueryResult = {
  info: { blockCount: 8n, blockSize: 512, maxTransferSize: 0, flags: 0 },
  opSize: 0n,
};

function readOp(): block.BlockOp {
  return rwOp(block.BlockOpcode.READ, Vmo.create(512), 0n, 1);
}

/** Collects completions of one op. */
function completions(): { done: OpCompletion; seen: [Status, block.BlockOp][] } {
  const seen: [Status, block.BlockOp][] = [];
  return { seen, done: (status, op) => seen.push([status, op]) };
}

function fidlClient(queue: block.BlockClient['queue']): block.BlockClient {
  return { query: () => Promise.resolve(QUERY), queue } as unknown as block.BlockClient;
}

function banjoClient(queue: blockBanjo.BlockBanjoClient['queue']): blockBanjo.BlockBanjoClient {
  return { query: () => QUERY, queue } as unknown as blockBanjo.BlockBanjoClient;
}

describe('fidlParent', () => {
  it('completes with the reply', async () => {
    const op = readOp();
    const parent = fidlParent(
      fidlClient((req) => Promise.resolve({ status: Status.OK, op: req.op })),
      'driver',
    );
    expect(await parent.query()).toBe(QUERY);
    const { done, seen } = completions();
    parent.queue(op, undefined, done);
    await Promise.resolve();
    expect(seen).toEqual([[Status.OK, op]]);
  });

  it('completes once with the status when the binding refuses the op before sending it', () => {
    const op = readOp();
    const parent = fidlParent(
      fidlClient(() => {
        throw new StatusError(Status.ERR_BAD_HANDLE, 'closed client');
      }),
      'driver',
    );
    const { done, seen } = completions();
    parent.queue(op, undefined, done);
    expect(seen).toEqual([[Status.ERR_BAD_HANDLE, op]]);
  });

  it('completes with the status of a failed transport, ERR_INTERNAL for anything else', async () => {
    const op = readOp();
    const failures: [unknown, Status][] = [
      [new StatusError(Status.ERR_PEER_CLOSED, 'gone'), Status.ERR_PEER_CLOSED],
      ['not a status', Status.ERR_INTERNAL],
    ];
    for (const [failure, status] of failures) {
      const parent = fidlParent(
        fidlClient(() => Promise.reject(failure as Error)),
        'driver',
      );
      const { done, seen } = completions();
      parent.queue(op, undefined, done);
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([[status, op]]);
    }
  });

  it('lends the VMO itself in this host, and a duplicate across hosts', () => {
    const vmo = Vmo.create(512);
    const local = fidlParent(
      fidlClient(() => Promise.reject(new Error('unused'))),
      'driver',
    );
    expect(local.lendVmo(vmo)).toBe(vmo);
    local.returnVmo(vmo, vmo);
    expect(vmo.closed).toBe(false);

    const remote = fidlParent(
      fidlClient(() => Promise.reject(new Error('unused'))),
      'channel',
    );
    const lent = remote.lendVmo(vmo);
    expect(lent).not.toBe(vmo);
    remote.returnVmo(lent, vmo);
    expect(lent.closed).toBe(true);
    expect(vmo.closed).toBe(false);
    // Its own handle coming back is never closed.
    remote.returnVmo(vmo, vmo);
    expect(vmo.closed).toBe(false);
  });

  it('vmoLending is that rule on its own (block-core lends it to the parts of a split op)', () => {
    const vmo = Vmo.create(512);
    for (const transport of ['driver', 'banjo'] as const) {
      expect(vmoLending(transport).lendVmo(vmo)).toBe(vmo);
    }
    const channel = vmoLending('channel');
    const lent = channel.lendVmo(vmo);
    expect(lent).not.toBe(vmo);
    channel.returnVmo(lent, vmo);
    expect(lent.closed).toBe(true);
    // A handle that already moved on (closed) is not closed twice.
    channel.returnVmo(lent, vmo);
    expect(vmo.closed).toBe(false);
  });
});

describe('banjoParent', () => {
  it('completes inline when the table does', () => {
    const op = readOp();
    const parent = banjoParent(
      banjoClient((req, complete) => complete({ status: Status.OK, op: req.op })),
    );
    expect(parent.transport).toBe('banjo');
    const { done, seen } = completions();
    parent.queue(op, undefined, done);
    expect(seen).toEqual([[Status.OK, op]]);
  });

  it('completes once with the status when the table throws instead of completing', () => {
    const op = readOp();
    const parent = banjoParent(
      banjoClient(() => {
        throw new StatusError(Status.ERR_NOT_SUPPORTED, 'refused');
      }),
    );
    const { done, seen } = completions();
    parent.queue(op, undefined, done);
    expect(seen).toEqual([[Status.ERR_NOT_SUPPORTED, op]]);
  });

  it('rethrows a throw that comes after the completion, which stays the only one', () => {
    const op = readOp();
    const parent = banjoParent(
      banjoClient((req, complete) => {
        complete({ status: Status.OK, op: req.op });
        throw new StatusError(Status.ERR_INTERNAL, 'after completing');
      }),
    );
    const { done, seen } = completions();
    expect(() => parent.queue(op, undefined, done)).toThrow(/after completing/);
    expect(seen).toEqual([[Status.OK, op]]);
  });
});

describe('queueAsync', () => {
  it('rejects with a StatusError naming the status and what was asked', async () => {
    const parent = banjoParent(
      banjoClient((req, complete) => complete({ status: Status.ERR_IO, op: req.op })),
    );
    const failed = await queueAsync(parent, readOp(), 'reading the superblock').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(StatusError.is(failed) && failed.status).toBe(Status.ERR_IO);
    expect((failed as Error).message).toContain(
      'reading the superblock: the device below answered ZX_ERR_IO',
    );
  });
});

describe('blockServer and blockBanjoOps', () => {
  /** A device that completes every op with `status`, optionally later. */
  function device(status: Status): BlockDevice & { later: (() => void)[] } {
    const later: (() => void)[] = [];
    return {
      later,
      query: () => QUERY,
      queue: (op: block.BlockOp, _arena: Arena | undefined, done: OpCompletion) =>
        later.push(() => done(status, op)),
    };
  }

  function completer<R>(): Completer<R> & { replies: R[]; gone: boolean } {
    const c = {
      replies: [] as R[],
      gone: false,
      get pending() {
        return !c.gone && c.replies.length === 0;
      },
      reply: (r: R) => void c.replies.push(r),
      closeWithEpitaph: () => undefined,
    };
    return c;
  }

  it('replies to Query and to Queue with the status and the returned op', () => {
    const dev = device(Status.ERR_IO);
    const server = blockServer(dev);
    const arena = undefined as unknown as Arena;
    const q = completer<block.BlockQueryResult>();
    void server.query(q, arena);
    expect(q.replies).toEqual([QUERY]);
    const op = readOp();
    const c = completer<block.BlockQueueResponse>();
    void server.queue({ op }, c, arena);
    expect(c.replies).toEqual([]);
    dev.later.forEach((f) => f());
    expect(c.replies).toEqual([{ status: Status.ERR_IO, op }]);
  });

  it('sends no reply to a child that went away; the op still completes', () => {
    const dev = device(Status.OK);
    const c = completer<block.BlockQueueResponse>();
    void blockServer(dev).queue({ op: readOp() }, c, undefined as unknown as Arena);
    c.gone = true;
    expect(() => dev.later.forEach((f) => f())).not.toThrow();
    expect(c.replies).toEqual([]);
  });

  it('the Banjo table answers Query directly and completes Queue through the callback', () => {
    const dev = device(Status.OK);
    const ops = blockBanjoOps();
    expect(ops.query(dev)).toBe(QUERY);
    const op = readOp();
    const replies: block.BlockQueueResponse[] = [];
    ops.queue(dev, { op }, (r) => replies.push(r));
    dev.later.forEach((f) => f());
    expect(replies).toEqual([{ status: Status.OK, op }]);
  });
});
