import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { expectStatusAsync } from '../test/expectStatus.js';
import { Status } from './status.js';
import { startWorker, workerExit, workerMessage } from './worker.js';

const entry = (name: string): URL => new URL(`../test/workers/${name}.ts`, import.meta.url);

test('a TypeScript entry runs and sees its own workerData', async () => {
  const data = { greeting: 'hello', list: [1, 2, 3] };
  const worker = startWorker(entry('reportData'), data);
  expect(await workerMessage(worker)).toEqual(data);
  expect(await workerExit(worker)).toBe(0);
});

test('workerExit reports the code even when asked after the worker ended', async () => {
  const worker = startWorker(entry('reportData'), { exitCode: 3 });
  expect(await workerExit(worker)).toBe(3);
  expect(worker.threadId).toBe(-1);
  expect(await workerExit(worker)).toBe(3);
});

test('a worker that throws rejects workerExit and workerMessage with its error', async () => {
  const worker = startWorker(entry('reportData'), { silent: true, crash: true });
  const message = workerMessage(worker);
  await expect(workerExit(worker)).rejects.toThrow('crash requested');
  await expect(message).rejects.toThrow('crash requested');
});

test('workerMessage fails with ERR_PEER_CLOSED when the worker exits without posting', async () => {
  const worker = startWorker(entry('reportData'), { silent: true });
  await expectStatusAsync(workerMessage(worker), Status.ERR_PEER_CLOSED);
});

test('workerExit cannot answer for a worker it never saw, once that worker is gone', async () => {
  const worker = new Worker('0', { eval: true });
  await new Promise((resolve) => worker.once('exit', resolve));
  await expectStatusAsync(workerExit(worker), Status.ERR_BAD_STATE);
});
