// Event, EventPair and VMO memory across real worker threads.
import { expect, test } from 'vitest';
import {
  Event,
  EventPair,
  Vmo,
  ZX_EVENTPAIR_PEER_CLOSED,
  ZX_USER_SIGNAL_0,
  ZX_USER_SIGNAL_1,
  startWorker,
  transferHandle,
  transferHandles,
  workerExit,
  workerMessage,
} from '../src/index.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

test('a worker blocked on an event wakes on our signal, writes the VMO, and signals back', async () => {
  const event = Event.create();
  const vmo = Vmo.create(3 * 4096);
  const { descriptors, transferList } = transferHandles([event.duplicate(), vmo.duplicate()]);
  const signaler = startWorker(
    worker('signaler'),
    { event: descriptors[0], vmo: descriptors[1] },
    transferList,
  );
  const answered = event.wait(ZX_USER_SIGNAL_1);
  event.signal(0, ZX_USER_SIGNAL_0);
  expect(await answered).toBe(ZX_USER_SIGNAL_1);
  const text = new TextDecoder().decode(vmo.read(8192, 19));
  expect(text).toBe('written by a worker');
  expect(vmo.view(0, 4, false)[3]).toBe(0x5a);
  expect(await workerExit(signaler)).toBe(0);
});

test('an event pair end in a terminated worker raises PEER_CLOSED here', async () => {
  const [mine, theirs] = EventPair.create();
  const { descriptor, transferList } = transferHandle(theirs);
  const holder = startWorker(worker('holder'), { handle: descriptor, mode: 'spin' }, transferList);
  expect(await workerMessage(holder)).toBe('ready');
  const closed = mine.wait(ZX_EVENTPAIR_PEER_CLOSED);
  await holder.terminate();
  expect(await closed).toBe(ZX_EVENTPAIR_PEER_CLOSED);
});
