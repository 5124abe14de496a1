import { MessageChannel } from 'node:worker_threads';
import { Status, StatusError } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { bareMessage, RpcPort } from './rpcPort.js';

type Calls = {
  add: { req: { a: number; b: number }; res: number };
  fail: { req: null; res: null };
  [kind: string]: { req: unknown; res: unknown };
};
type Events = { note: string; [kind: string]: unknown };

const open: MessageChannel[] = [];
afterEach(() => {
  for (const c of open.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function pair(): {
  left: RpcPort<Calls, Events, Calls, Events>;
  right: RpcPort<Calls, Events, Calls, Events>;
  problems: string[];
  channel: MessageChannel;
} {
  const channel = new MessageChannel();
  open.push(channel);
  const problems: string[] = [];
  const left = new RpcPort<Calls, Events, Calls, Events>(channel.port1, 'right side');
  const right = new RpcPort<Calls, Events, Calls, Events>(channel.port2, 'left side', (p) =>
    problems.push(p),
  );
  return { left, right, problems, channel };
}

describe('RpcPort', () => {
  it('answers requests and delivers events', async () => {
    const { left, right } = pair();
    right.handle('add', ({ a, b }) => a + b);
    const notes: string[] = [];
    right.on('note', (n) => notes.push(n));
    left.notify('note', 'hello');
    expect(await left.request('add', { a: 2, b: 3 })).toBe(5);
    expect(notes).toEqual(['hello']);
  });

  it('carries a StatusError as its status and message, without doubling the prefix', async () => {
    const { left, right } = pair();
    right.handle('fail', () => {
      throw new StatusError(Status.ERR_NOT_FOUND, 'no such node');
    });
    const err = await left.request('fail', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toBe(Status.ERR_NOT_FOUND);
    expect((err as StatusError).message).toBe('ZX_ERR_NOT_FOUND: no such node');
    expect(bareMessage(new TypeError('x'))).toEqual({ status: Status.ERR_INTERNAL, message: 'x' });
  });

  it('answers an unknown request with ERR_NOT_SUPPORTED', async () => {
    const { left } = pair();
    await expect(left.request('add', { a: 1, b: 1 })).rejects.toThrow(
      "ZX_ERR_NOT_SUPPORTED: left side asked for 'add', which this side does not handle",
    );
  });

  it('drops and reports malformed messages instead of throwing', async () => {
    const { left, right, problems, channel } = pair();
    right.handle('add', ({ a, b }) => a + b);
    channel.port1.postMessage({ rpc: 'req', id: 'x' });
    channel.port1.postMessage(42);
    channel.port1.postMessage({ rpc: 'ok', id: 99, body: null });
    channel.port1.postMessage({ rpc: 'evt', kind: 'nobody', body: null });
    // The port is FIFO: once this answer arrives, the bad messages were handled.
    expect(await left.request('add', { a: 1, b: 2 })).toBe(3);
    expect(problems).toEqual([
      'dropped a message from left side that is not a control envelope',
      'dropped a message from left side that is not a control envelope',
      'dropped a reply from left side to unknown request 99',
      "dropped event 'nobody' from left side: nothing handles it",
    ]);
  });

  it('fails pending and later requests with ERR_PEER_CLOSED when the other side is gone', async () => {
    const { left } = pair();
    const pending = left.request('add', { a: 1, b: 1 });
    left.fail('exited with code 1');
    await expect(pending).rejects.toThrow(
      "ZX_ERR_PEER_CLOSED: right side is gone (exited with code 1) before answering 'add'",
    );
    await expect(left.request('add', { a: 1, b: 1 })).rejects.toThrow(
      'ZX_ERR_PEER_CLOSED: right side is gone (exited with code 1)',
    );
    expect(left.failed).toBe(true);
  });
});
