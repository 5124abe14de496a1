import { expect, test } from 'vitest';
import { startWorker, transferHandle, workerExit, ZxChannel } from '../src/index.js';

test('echo worker', async () => {
  const [a, b] = ZxChannel.create();
  const { descriptor, transferList } = transferHandle(b);
  const worker = startWorker(
    new URL('./workers/echo.ts', import.meta.url),
    { channel: descriptor },
    transferList,
  );
  a.write(new Uint8Array([1, 2, 3]));
  const reply = await a.readAsync();
  expect([...reply.bytes]).toEqual([1, 2, 3]);
  const r2 = a.call(new Uint8Array([0, 0, 0, 0, 9]));
  expect(r2.bytes[4]).toBe(9);
  a.close();
  expect(await workerExit(worker)).toBe(0);
});
