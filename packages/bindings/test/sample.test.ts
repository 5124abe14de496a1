import { Arena, Channel, env } from '@fdf/runtime';
import { Status } from '@fdf/zx';
import { bindDriverServer, createDriverClient } from '@fdf/fidl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample } from '../src/index.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

describe('fdf.sample', () => {
  it('Echo reverses bytes in the arena it was given; the ring passes a token through three drivers', async () => {
    const names = ['a', 'b', 'c'];
    const ends = names.map(() => Channel.create());
    const dispatchers = names.map((n) => env.createDispatcherWithOwner({ name: n }, { name: n }));
    const clients = names.map((_, i) =>
      createDriverClient(sample.Ring, ends[i]![0], {
        dispatcher: dispatchers[i === 0 ? 0 : i - 1]!,
      }),
    );
    names.forEach((name, i) => {
      bindDriverServer(
        sample.Ring,
        ends[i]![1],
        {
          pass: (request, completer, arena) => {
            const token = {
              ...request.token,
              hops: request.token.hops + 1,
              path: [...request.token.path, name],
            };
            const next = clients[i + 1];
            if (next === undefined) completer.reply({ token });
            else
              next
                .pass({ token }, arena)
                .then((r) =>
                  r.$tag === 'response' ? completer.reply(r.response) : completer.replyError(r.err),
                );
          },
        },
        { dispatcher: dispatchers[i]! },
      );
    });
    const arena = Arena.create('token');
    const result = clients[0]!.pass({ token: { id: 1n, hops: 0, path: [] } }, arena);
    for (let i = 0; i < 10; i++) {
      env.runUntilIdle();
      await Promise.resolve();
    }
    expect(await result).toEqual({
      $tag: 'response',
      response: { token: { id: 1n, hops: 3, path: ['a', 'b', 'c'] } },
    });
    arena.release();
  });

  it('BanjoRing has the same types', () => {
    const ops: sample.BanjoRingBanjoOps = {
      pass: (_ctx, request) => ({
        $tag: 'response',
        response: { token: { ...request.token, hops: 1 } },
      }),
    };
    const r = sample.BanjoRing.client({ ops, ctx: null }).pass({
      token: { id: 2n, hops: 0, path: [] },
    });
    expect(r).toEqual({ $tag: 'response', response: { token: { id: 2n, hops: 1, path: [] } } });
    expect(Status.OK).toBe(0);
  });
});
