/**
 * Session control for a client in the same host as block-server: the calls
 * go straight to the session, no channel. The FIFO is still the real
 * shared ring, so the data path is the same as across hosts.
 */
import { Status, type Vmo } from '@fdf/zx';
import type { BlockServer } from './blockServer.js';
import type { BlockSession } from './blockSession.js';
import { BlockClient, type BlockClientOptions } from './client.js';
import type { CloseReason, SessionControl } from './controlClient.js';

export function localSessionControl(session: BlockSession): SessionControl {
  let closeRequested = false;
  return {
    attachVmo(vmo: Vmo): Promise<number> {
      try {
        return Promise.resolve(session.attachVmo(vmo));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    async close(): Promise<void> {
      closeRequested = true;
      await session.close(Status.OK, 'closed by the client');
    },
    closeReason(): CloseReason | null {
      if (closeRequested || session.state === 'open') return null;
      return { status: session.closeStatus, reason: session.closeReason };
    },
  };
}

/** A BlockClient on a new session of `server` in this host. */
export function connectLocal(server: BlockServer, opts: BlockClientOptions = {}): BlockClient {
  const { session, fifo } = server.openSession();
  return new BlockClient(fifo, localSessionControl(session), server.info, opts);
}
