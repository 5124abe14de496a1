/**
 * Worker threads as driver hosts: start one on a TypeScript entry, and await
 * its messages or its end without sleeping.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { Status, StatusError } from './status.js';

const BOOTSTRAP = new URL('./workerBootstrap.mjs', import.meta.url);

/**
 * Starts a worker running `entry` (a .ts or .js module URL, e.g.
 * `new URL('./host.ts', import.meta.url)`). Inside, `workerData` from
 * node:worker_threads is `workerData` given here; `transferList` carries its
 * MessagePorts (see transferHandle()).
 */
export function startWorker(
  entry: URL,
  workerData?: unknown,
  transferList?: readonly TransferListItem[],
): Worker {
  return new Worker(BOOTSTRAP, {
    workerData: { entry: entry.href, data: workerData },
    transferList: transferList === undefined ? [] : [...transferList],
  });
}

function exitedEarly(code: number, waitingFor: string): StatusError {
  return new StatusError(
    Status.ERR_PEER_CLOSED,
    `worker exited with code ${code} before ${waitingFor}; check the worker's own output for why`,
  );
}

/**
 * The worker's next message. Rejects with the worker's error if it throws,
 * or ERR_PEER_CLOSED if it exits first.
 */
export function workerMessage<T = unknown>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (value: T): void => {
      cleanup();
      resolve(value);
    };
    const onError = (err: unknown): void => {
      cleanup();
      reject(err instanceof Error ? err : new StatusError(Status.ERR_INTERNAL, String(err)));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(exitedEarly(code, 'posting a message'));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** The worker's exit code once it ends; rejects with the worker's error if it threw. */
export function workerExit(worker: Worker): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let failure: unknown = null;
    const onError = (err: unknown): void => {
      failure = err;
    };
    worker.on('error', onError);
    worker.once('exit', (code: number) => {
      worker.off('error', onError);
      if (failure === null) resolve(code);
      else
        reject(
          failure instanceof Error
            ? failure
            : new StatusError(Status.ERR_INTERNAL, String(failure)),
        );
    });
  });
}
