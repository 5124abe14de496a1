/**
 * block-client: a client of block-server in another driver host, and the way
 * tools and tests reach a running block stack. The framework runs driver
 * workloads on request (`fdf board run`, `DriverManager.runWorkload`) but
 * gives the main thread no channel into a board, so this driver is the
 * client: it binds the `fifo` node block-server adds, connects through
 * fdf.blockserver/Connector, and each workload (clientWorkloads.ts,
 * stressWorkload.ts) opens its own session: FIFO, attached VMOs, and the
 * BlockClient library.
 *
 * Stopping while a workload runs: if block-server still answers, the
 * sessions are aborted (pending calls fail with ZX_ERR_CANCELED); if it is
 * gone (its host crashed, which is why this driver is being stopped), the
 * workload is left to see ZX_ERR_PEER_CLOSED on its own, which it does as
 * soon as this host learns of the death. Either way every call settles.
 */
import { DriverBase } from '@fdf/framework';
import { Status, StatusError, ZxChannel } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';
import { BlockClient } from './client.js';
import {
  checkWorkload,
  fillWorkload,
  infoWorkload,
  rwWorkload,
  transferWorkload,
  type ClientContext,
} from './clientWorkloads.js';
import { BlockDeviceConnection, type ChannelSessionControl } from './controlClient.js';
import { Connector } from './generated/fdf.blockserver.js';
import { stressWorkload } from './stressWorkload.js';

interface OpenSession {
  readonly client: BlockClient;
  /** Settles when the workload using the session is done with it. */
  readonly done: Promise<unknown>;
}

export class BlockClientDriver extends DriverBase {
  #connection: BlockDeviceConnection | null = null;
  #info: BlockInfo | null = null;
  readonly #sessions = new Set<OpenSession>();

  async start(): Promise<void> {
    const connector = this.incoming.connect(Connector);
    const [mine, theirs] = ZxChannel.create();
    connector.connect({ device: theirs });
    const connection = new BlockDeviceConnection(mine);
    this.#connection = connection;
    // Fails the start (and says why) when the server does not answer.
    const info = await connection.getInfo();
    this.#info = info;
    const ctx: ClientContext = {
      info,
      logger: this.logger,
      session: (fn) => this.#session(fn),
    };
    this.addWorkload('rw', (p) => rwWorkload(ctx, p));
    this.addWorkload('stress', (p) => stressWorkload(ctx, p));
    this.addWorkload('fill', (p) => fillWorkload(ctx, p));
    this.addWorkload('check', (p) => checkWorkload(ctx, p));
    this.addWorkload('info', (p) => infoWorkload(ctx, p));
    this.addWorkload('read', (p) => transferWorkload(ctx, 'read', p));
    this.addWorkload('write', (p) => transferWorkload(ctx, 'write', p));
    const transport = this.incoming.connections[0]?.transport ?? 'driver';
    this.logger.info(
      `connected to block-server over ${transport}: ${info.blockCount} blocks of ${info.blockSize} B`,
    );
  }

  override async prepareStop(): Promise<void> {
    const open = [...this.#sessions];
    if (open.length === 0) return;
    const serverAnswers = await this.#connection?.getInfo().then(
      () => true,
      () => false,
    );
    if (serverAnswers === true) for (const s of open) s.client.abort();
    await Promise.all(open.map((s) => s.done));
  }

  override stop(): void {
    const channel = this.#connection?.channel;
    if (channel !== undefined && !channel.closed) channel.close();
  }

  async #session<T>(
    fn: (client: BlockClient, control: ChannelSessionControl) => Promise<T>,
  ): Promise<T> {
    const connection = this.#connection;
    const info = this.#info;
    if (connection === null || info === null) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${this.name}: not connected; start the driver first`,
      );
    }
    const { fifo, control } = await connection.openSession();
    const client = new BlockClient(fifo, control, info);
    const work = fn(client, control);
    const entry: OpenSession = { client, done: work.catch(() => undefined) };
    this.#sessions.add(entry);
    try {
      return await work;
    } finally {
      this.#sessions.delete(entry);
      // Waits for nothing outstanding (the workload settled); a dead server is not waited for.
      await client.close().catch(() => undefined);
    }
  }
}
