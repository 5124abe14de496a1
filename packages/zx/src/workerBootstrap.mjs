// Runs first in every worker started by startWorker(): installs the tsx loader
// so the entry may be TypeScript, swaps in the caller's workerData, then runs
// the entry. Plain JS because nothing can compile TypeScript before this runs.
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const { entry, data } = workerThreads.workerData;
// The entry reads its own data from `workerData`, as with a plain Worker.
workerThreads.workerData = data;
syncBuiltinESMExports();
register();
await import(entry);
