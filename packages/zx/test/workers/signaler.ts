// Blocks on an event until the main thread raises USER_SIGNAL_0, writes into
// the VMO it was given, then answers with USER_SIGNAL_1.
import { workerData } from 'node:worker_threads';
import {
  Event,
  handleFromTransfer,
  Vmo,
  ZX_USER_SIGNAL_0,
  ZX_USER_SIGNAL_1,
  type HandleDescriptor,
} from '../../src/index.js';

const { event: e, vmo: v } = workerData as { event: HandleDescriptor; vmo: HandleDescriptor };
const event = handleFromTransfer(e, Event);
const vmo = handleFromTransfer(v, Vmo);
event.waitBlocking(ZX_USER_SIGNAL_0);
vmo.write(new TextEncoder().encode('written by a worker'), 8192);
vmo.view(0, 4)[3] = 0x5a;
event.signal(ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_1);
