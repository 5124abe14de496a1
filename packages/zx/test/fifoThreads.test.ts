// Fifo across real worker threads.
import { describe, expect, test } from 'vitest';
import {
  Fifo,
  Status,
  StatusError,
  startWorker,
  transferHandle,
  workerExit,
  workerMessage,
} from '../src/index.js';
import { expectStatusAsync } from './expectStatus.js';
import { ElementChecker } from './fifoElements.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

function startWithFifo(name: string, fifo: Fifo, extra: object = {}) {
  const { descriptor, transferList } = transferHandle(fifo);
  return startWorker(worker(name), { fifo: descriptor, ...extra }, transferList);
}

describe('Fifo between threads', () => {
  test('a worker producer and an async main-thread consumer move thousands of elements with backpressure', async () => {
    const count = 5000;
    const [consumer, producerEnd] = Fifo.create(8, 16);
    const producer = startWithFifo('fifoProducer', producerEnd, { count });
    const checker = new ElementChecker();
    const into = new Uint8Array(8 * 3);
    for (;;) {
      try {
        checker.take(into, consumer.read(into));
      } catch (err) {
        if (StatusError.is(err, Status.ERR_PEER_CLOSED)) break;
        if (!StatusError.is(err, Status.ERR_SHOULD_WAIT)) throw err;
        await consumer.readable().catch((waitErr: unknown) => {
          if (!StatusError.is(waitErr, Status.ERR_PEER_CLOSED)) throw waitErr;
        });
      }
    }
    expect(checker.report()).toEqual({ received: count, problems: [] });
    expect(await workerExit(producer)).toBe(0);
    consumer.close();
  });

  test('producer and consumer in two workers, both blocking', async () => {
    const count = 20000;
    const [a, b] = Fifo.create(8, 8);
    const consumer = startWithFifo('fifoConsumer', a);
    const producer = startWithFifo('fifoProducer', b, { count });
    expect(await workerMessage(consumer)).toEqual({ received: count, problems: [] });
    expect(await workerExit(producer)).toBe(0);
    expect(await workerExit(consumer)).toBe(0);
  });

  test('a terminated worker holding the other end shows up as ERR_PEER_CLOSED', async () => {
    const [mine, theirs] = Fifo.create(4, 4);
    const { descriptor, transferList } = transferHandle(theirs);
    const holder = startWorker(
      worker('holder'),
      { handle: descriptor, mode: 'spin' },
      transferList,
    );
    expect(await workerMessage(holder)).toBe('ready');
    const readable = expectStatusAsync(mine.readable(), Status.ERR_PEER_CLOSED);
    await holder.terminate();
    await readable;
    await expectStatusAsync(mine.writable(), Status.ERR_PEER_CLOSED);
    mine.close();
  });
});
