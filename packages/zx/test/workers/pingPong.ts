// One side of a ping-pong over a ZxChannel that itself arrives through a
// control channel. "ping" sends a VMO each round and checks what "pong" wrote
// into it; "pong" writes the round's pattern and sends the VMO back.
import { parentPort, workerData } from 'node:worker_threads';
import {
  handleFromTransfer,
  Status,
  StatusError,
  Vmo,
  ZxChannel,
  type HandleDescriptor,
} from '../../src/index.js';

interface Data {
  role: 'ping' | 'pong';
  control: HandleDescriptor;
  rounds: number;
}

const { role, control: controlDescriptor, rounds } = workerData as Data;
const control = handleFromTransfer(controlDescriptor, ZxChannel);
// The ping-pong channel is the only handle of the first control message.
const channel = (await control.readAsync()).handles[0] as ZxChannel;

const pattern = (round: number): Uint8Array => new Uint8Array([round, round ^ 0xff, 0xab, 0xcd]);

if (role === 'ping') {
  const vmo = (await control.readAsync()).handles[0] as Vmo;
  const mine = vmo.duplicate();
  let traveling = vmo;
  const seen: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    channel.write(new Uint8Array([round]), [traveling]);
    const reply = channel.readBlocking();
    if (reply.bytes[0] !== round || reply.handles.length !== 1) {
      throw new StatusError(Status.ERR_INTERNAL, `ping: bad reply in round ${round}`);
    }
    traveling = reply.handles[0] as Vmo;
    seen.push([...mine.read(round * 4, 4)]);
  }
  channel.close();
  parentPort?.postMessage({ role, seen });
} else {
  let count = 0;
  for (;;) {
    let message;
    try {
      message = await channel.readAsync();
    } catch (err) {
      if (StatusError.is(err, Status.ERR_PEER_CLOSED)) break;
      throw err;
    }
    const round = message.bytes[0] as number;
    const vmo = message.handles[0] as Vmo;
    vmo.write(pattern(round), round * 4);
    channel.write(message.bytes, [vmo]);
    count++;
  }
  channel.close();
  parentPort?.postMessage({ role, count });
}
control.close();
