// Holds the handle it was given, says "ready", then ends the way `mode` says:
// close it and exit, exit without closing, throw, or spin until terminated.
import { parentPort, workerData } from 'node:worker_threads';
import { handleFromTransfer, Status, StatusError, type HandleDescriptor } from '../../src/index.js';

const { handle: descriptor, mode } = workerData as {
  handle: HandleDescriptor;
  mode: 'close' | 'exit' | 'throw' | 'spin';
};
const handle = handleFromTransfer(descriptor);
parentPort?.postMessage('ready');
if (mode === 'close') handle.close();
if (mode === 'throw') {
  throw new StatusError(Status.ERR_INTERNAL, 'holder: crashing on purpose, as the test asked');
}
if (mode === 'spin') {
  for (;;) {
    // Busy forever: only Worker.terminate() ends this thread.
  }
}
