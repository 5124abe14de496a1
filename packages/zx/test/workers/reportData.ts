// Posts its workerData back (unless `silent`), then throws (if `crash`) or
// exits with `exitCode` (default 0).
import { parentPort, workerData } from 'node:worker_threads';
import { Status, StatusError } from '../../src/index.js';

const data = workerData as { exitCode?: number; silent?: boolean; crash?: boolean };
if (data.silent !== true) parentPort?.postMessage(workerData);
if (data.crash === true) throw new StatusError(Status.ERR_INTERNAL, 'reportData: crash requested');
process.exit(data.exitCode ?? 0);
