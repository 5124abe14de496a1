// ZxChannel across real worker threads.
import { describe, expect, test } from 'vitest';
import {
  Status,
  Vmo,
  ZxChannel,
  startWorker,
  transferHandle,
  workerExit,
  workerMessage,
  type Handle,
} from '../src/index.js';
import { expectStatusAsync } from './expectStatus.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

/** Starts `name` with `handles` moved into workerData under their keys, plus plain `extra` fields. */
function startWith(name: string, handles: Record<string, Handle>, extra: object = {}) {
  const data: Record<string, unknown> = { ...extra };
  const transferList = [];
  for (const [key, handle] of Object.entries(handles)) {
    const moved = transferHandle(handle);
    data[key] = moved.descriptor;
    transferList.push(...moved.transferList);
  }
  return startWorker(worker(name), data, transferList);
}

describe('ZxChannel between threads', () => {
  test('ping-pong between two workers moves a VMO back and forth; all see one memory', async () => {
    const rounds = 20;
    const [pingControl, pingControlPeer] = ZxChannel.create();
    const [pongControl, pongControlPeer] = ZxChannel.create();
    const ping = startWith('pingPong', { control: pingControlPeer }, { role: 'ping', rounds });
    const pong = startWith('pingPong', { control: pongControlPeer }, { role: 'pong', rounds });
    const pingDone = workerMessage<{ seen: number[][] }>(ping);
    const pongDone = workerMessage<{ count: number }>(pong);

    // The ping-pong channel itself travels to the workers through the control channels.
    const [x, y] = ZxChannel.create();
    pingControl.write(new Uint8Array(), [x]);
    pongControl.write(new Uint8Array(), [y]);
    const vmo = Vmo.create(4096);
    pingControl.write(new Uint8Array(), [vmo.duplicate()]);

    const { seen } = await pingDone;
    const { count } = await pongDone;
    expect(count).toBe(rounds);
    for (let round = 0; round < rounds; round++) {
      const expected = [round, round ^ 0xff, 0xab, 0xcd];
      expect(seen[round]).toEqual(expected);
      expect([...vmo.read(round * 4, 4)]).toEqual(expected);
    }
    expect(await workerExit(ping)).toBe(0);
    expect(await workerExit(pong)).toBe(0);
    pingControl.close();
    pongControl.close();
  });

  test('a blocking call from a worker is answered by another worker; other messages stay queued in order', async () => {
    const calls = 30;
    const [a, b] = ZxChannel.create();
    const caller = startWith('caller', { channel: a }, { calls });
    const answerer = startWith('answerer', { channel: b });
    const result = await workerMessage<{
      replies: number[];
      others: number[];
      distinctTxids: number;
    }>(caller);
    const indices = Array.from({ length: calls }, (_, i) => i);
    expect(result.replies).toEqual(indices.map((i) => i + 100));
    expect(result.others).toEqual(indices);
    expect(result.distinctTxids).toBe(calls);
    expect(await workerExit(caller)).toBe(0);
    expect(await workerExit(answerer)).toBe(0);
  });

  test('an end handed over by a raw postMessage works, handles included', async () => {
    const [a, b] = ZxChannel.create();
    const echo = startWorker(worker('echo'));
    const { descriptor, transferList } = transferHandle(b);
    echo.postMessage(descriptor, transferList);
    const vmo = Vmo.create(16);
    const keep = vmo.duplicate();
    a.write(new Uint8Array([1, 2]), [vmo]);
    const reply = await a.readAsync();
    expect([...reply.bytes]).toEqual([1, 2]);
    const back = reply.handles[0] as Vmo;
    back.write(new Uint8Array([9]), 0);
    expect(keep.read(0, 1)[0]).toBe(9);
    a.close();
    expect(await workerExit(echo)).toBe(0);
  });
});

describe('peer closed across threads', () => {
  for (const mode of ['close', 'exit', 'throw', 'spin'] as const) {
    test(`the main thread sees ERR_PEER_CLOSED when the worker's end ${mode === 'spin' ? 'dies with Worker.terminate()' : `goes by ${mode}`}`, async () => {
      const [mine, theirs] = ZxChannel.create();
      mine.write(new Uint8Array([1]));
      const holder = startWith('holder', { handle: theirs }, { mode });
      const exited = workerExit(holder).catch(() => -1);
      expect(await workerMessage(holder)).toBe('ready');
      const reading = expectStatusAsync(mine.readAsync(), Status.ERR_PEER_CLOSED);
      if (mode === 'spin') await holder.terminate();
      await reading;
      await expectStatusAsync(mine.readAsync(), Status.ERR_PEER_CLOSED);
      await exited;
      mine.close();
    });
  }

  test('a worker blocked in readBlocking wakes with ERR_PEER_CLOSED when another worker crashes', async () => {
    const [a, b] = ZxChannel.create();
    const reader = startWith('blockedReader', { channel: a });
    expect(await workerMessage(reader)).toBe('blocking');
    const outcome = workerMessage<{ status?: string }>(reader);
    const crasher = startWith('holder', { handle: b }, { mode: 'throw' });
    await expect(workerExit(crasher)).rejects.toThrow('crashing on purpose');
    expect(await outcome).toEqual({ status: 'ZX_ERR_PEER_CLOSED' });
    expect(await workerExit(reader)).toBe(0);
  });
});
