/**
 * Worker threads as driver hosts: start one on a TypeScript entry, and await
 * its messages or its end without sleeping.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { Status, StatusError } from './status.js';

const BOOTSTRAP = new URL('./workerBootstrap.mjs', import.meta.url);

interface Outcome {
  readonly code: number;
  readonly error: Error | null;
}

/**
 * How each started worker ended. Recorded from the start because 'exit' fires
 * once: a caller that asks after the worker ended must still get the answer.
 */
const outcomes = new WeakMap<Worker, Promise<Outcome>>();

function asError(err: unknown): Error {
  return err instanceof Error ? err : new StatusError(Status.ERR_INTERNAL, String(err));
}

function track(worker: Worker): Promise<Outcome> {
  let outcome = outcomes.get(worker);
  if (outcome === undefined) {
    outcome = new Promise<Outcome>((resolve) => {
      let error: Error | null = null;
      worker.on('error', (err: unknown) => {
        error = asError(err);
      });
      worker.once('exit', (code: number) => resolve({ code, error }));
    });
    outcomes.set(worker, outcome);
  }
  return outcome;
}

function exitedEarly(code: number, waitingFor: string): StatusError {
  return new StatusError(
    Status.ERR_PEER_CLOSED,
    `worker exited with code ${code} before ${waitingFor}; check the worker's own output for why`,
  );
}

/**
 * Starts a worker running `entry` (a .ts or .js module URL, e.g.
 * `new URL('./host.ts', import.meta.url)`). Inside, `workerData` from
 * node:worker_threads is `workerData` given here; `transferList` carries its
 * MessagePorts (see transferHandle()). An uncaught error in the worker does
 * not crash this thread: workerExit() and workerMessage() reject with it.
 */
export function startWorker(
  entry: URL,
  workerData?: unknown,
  transferList?: readonly TransferListItem[],
): Worker {
  const worker = new Worker(BOOTSTRAP, {
    workerData: { entry: entry.href, data: workerData },
    transferList: transferList === undefined ? [] : [...transferList],
  });
  void track(worker);
  return worker;
}

/**
 * The worker's exit code once it ends, even if it already ended (for workers
 * from startWorker); rejects with the worker's uncaught error if it threw.
 */
export async function workerExit(worker: Worker): Promise<number> {
  if (!outcomes.has(worker) && worker.threadId === -1) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      'workerExit: this worker already exited and was not started by startWorker, so its exit was not recorded; start it with startWorker',
    );
  }
  const { code, error } = await track(worker);
  if (error !== null) throw error;
  return code;
}

/**
 * The worker's next message. Listens from the call on, so call it before the
 * worker can post (in the same tick as starting it or sending the request).
 * Rejects with the worker's error if it throws, or ERR_PEER_CLOSED if it exits first.
 */
export function workerMessage<T = unknown>(worker: Worker): Promise<T> {
  const ended = track(worker);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onMessage = (value: T): void => {
      if (done) return;
      done = true;
      worker.off('message', onMessage);
      resolve(value);
    };
    worker.on('message', onMessage);
    void ended.then(({ code, error }) => {
      if (done) return;
      done = true;
      worker.off('message', onMessage);
      reject(error ?? exitedEarly(code, 'posting a message'));
    });
  });
}
