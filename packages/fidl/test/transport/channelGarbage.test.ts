// Whatever bytes arrive, a Channel-transport server closes (or answers) and
// the host keeps running: no throw escapes into the event loop.
import { Status, ZxChannel } from '@fdf/zx';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindChannelServer } from '../../src/transport/index.js';
import { echoServer } from './fixtures/echoServer.js';
import { Echo } from './fixtures/generated/test.echo.js';

/** A valid EchoString request, to mutate. */
function validRequest(): Uint8Array {
  return Echo.codec.encodeMessage(
    { txid: 1, ordinal: Echo.methods[0]!.ordinal },
    Echo.methods[0]!.request,
    {
      value: 'hello',
      mode: 1,
    },
  ).bytes;
}

async function feed(bytes: Uint8Array): Promise<Status> {
  const [raw, serverEnd] = ZxChannel.create();
  const binding = bindChannelServer(Echo, serverEnd, echoServer().impl, { dispatcher: null });
  raw.write(bytes);
  // Closing our end after the write: the server reads the message first, then
  // sees the peer gone, so `unbound` settles whatever the bytes were.
  raw.close();
  return binding.unbound;
}

describe('Channel transport with garbage input', () => {
  it('random bytes: the binding always ends, with an epitaph status or PEER_CLOSED', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 96 }), async (bytes) => {
        const status = await feed(bytes);
        expect(status).not.toBe(Status.OK);
      }),
      { numRuns: 150 },
    );
  });

  it('a valid request with random bytes changed: answered or closed, never a crash', async () => {
    const base = validRequest();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (edits) => {
          const bytes = base.slice();
          for (const [at, value] of edits) bytes[at] = value;
          const status = await feed(bytes);
          expect(status).not.toBe(Status.OK);
        },
      ),
      { numRuns: 150 },
    );
  });
});
