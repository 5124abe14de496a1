/**
 * block-server: the top of the block stack. It serves the block FIFO
 * protocol to clients in other driver hosts over the `fdf.block/Block`
 * device below it: one session per client, each with its own FIFO pair and
 * vmoid table. See README.md for the protocol.
 */
import type { Dispatcher } from '@fdf/runtime';
import { Fifo, Status, StatusError } from '@fdf/zx';
import type { BlockDevice, BlockInfo } from './blockDevice.js';
import { BlockSession, type SessionStats } from './blockSession.js';
import { BLOCK_FIFO_ESIZE, BLOCK_FIFO_MAX_DEPTH } from './fifoProtocol.js';

const MAX_TRANSFER_UNBOUNDED = 0xffff_ffff;

export interface BlockServerOptions {
  /** Where every session's work runs. */
  readonly dispatcher: Dispatcher;
  /**
   * Split READ/WRITE requests longer than this many blocks into several
   * device ops. 0 (the default): never, block-core below splits by the
   * device's max_transfer_size. 'device': by the device's max_transfer_size,
   * for a device with nothing below that splits.
   */
  readonly maxTransferBlocks?: number | 'device';
  /** Device ops one session may have in flight before it pauses reading (default 2 x depth). */
  readonly maxInFlight?: number;
  /** Elements per FIFO direction (default and maximum: 102). */
  readonly fifoDepth?: number;
}

export interface OpenSessionOptions {
  /**
   * Called once when the session starts closing, before its FIFO end
   * closes, so a control channel can tell the client why first.
   */
  readonly onClosing?: (session: BlockSession, status: Status, reason: string) => void;
}

export interface ServerStats {
  sessionsOpened: number;
  sessionsOpen: number;
  /** Totals over sessions that closed, plus those open now. */
  totals: SessionStats;
}

function positiveInteger(value: number, what: string, max: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `BlockServer: ${what} ${value} must be an integer in [1, ${max}]`,
    );
  }
  return value;
}

function emptyStats(): SessionStats {
  return {
    requests: 0,
    batches: 0,
    responses: 0,
    failedResponses: 0,
    discardedResponses: 0,
    deviceOps: 0,
    splitRequests: 0,
    inFlight: 0,
    responseFifoFull: 0,
    maxResponseBacklog: 0,
    lateGroupItems: 0,
  };
}

function addStats(into: SessionStats, s: SessionStats): void {
  for (const key of Object.keys(into) as (keyof SessionStats)[]) {
    into[key] = key === 'maxResponseBacklog' ? Math.max(into[key], s[key]) : into[key] + s[key];
  }
}

export class BlockServer {
  readonly info: BlockInfo;
  readonly device: BlockDevice;
  readonly #dispatcher: Dispatcher;
  readonly #blockCount: number;
  readonly #maxTransferBlocks: number;
  readonly #maxInFlight: number;
  readonly #fifoDepth: number;
  readonly #sessions = new Set<BlockSession>();
  readonly #closedTotals = emptyStats();
  #nextSessionId = 1;
  #closing = false;

  private constructor(device: BlockDevice, info: BlockInfo, opts: BlockServerOptions) {
    this.device = device;
    this.info = info;
    this.#dispatcher = opts.dispatcher;
    this.#blockCount = Number(info.blockCount);
    this.#fifoDepth = positiveInteger(
      opts.fifoDepth ?? BLOCK_FIFO_MAX_DEPTH,
      'fifoDepth',
      BLOCK_FIFO_MAX_DEPTH,
    );
    this.#maxInFlight = positiveInteger(
      opts.maxInFlight ?? 2 * this.#fifoDepth,
      'maxInFlight',
      1 << 20,
    );
    const split = opts.maxTransferBlocks ?? 0;
    if (split === 'device') {
      this.#maxTransferBlocks =
        info.maxTransferSize === MAX_TRANSFER_UNBOUNDED || info.maxTransferSize === 0
          ? 0
          : Math.max(1, Math.floor(info.maxTransferSize / info.blockSize));
    } else {
      if (!Number.isInteger(split) || split < 0 || split > 0xffff_ffff) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `BlockServer: maxTransferBlocks ${split} must be 0 (no splitting), a block count, or 'device'`,
        );
      }
      this.#maxTransferBlocks = split;
    }
  }

  /** Queries the device and returns a server for it. */
  static async create(device: BlockDevice, opts: BlockServerOptions): Promise<BlockServer> {
    const { info } = await device.query();
    if (!Number.isInteger(info.blockSize) || info.blockSize <= 0) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `BlockServer: the device reports block size ${info.blockSize}; a block device needs a positive block size`,
      );
    }
    if (typeof info.blockCount !== 'bigint' || info.blockCount < 0n) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `BlockServer: the device reports block count ${String(info.blockCount)}; expected a u64`,
      );
    }
    return new BlockServer(device, info, opts);
  }

  /** The split size in blocks (0: this server does not split). */
  get maxTransferBlocks(): number {
    return this.#maxTransferBlocks;
  }

  get fifoDepth(): number {
    return this.#fifoDepth;
  }

  get sessions(): readonly BlockSession[] {
    return [...this.#sessions];
  }

  /**
   * Starts a session. Returns it with the client's FIFO end, which goes to
   * the client (in another host: through a channel).
   */
  openSession(opts: OpenSessionOptions = {}): { session: BlockSession; fifo: Fifo } {
    if (this.#closing) {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        'BlockServer.openSession: the server is closing; connect to a running server',
      );
    }
    const [serverEnd, clientEnd] = Fifo.create(BLOCK_FIFO_ESIZE, this.#fifoDepth);
    const session: BlockSession = new BlockSession(
      {
        id: this.#nextSessionId++,
        device: this.device,
        dispatcher: this.#dispatcher,
        blockCount: this.#blockCount,
        blockSize: this.info.blockSize,
        maxTransferBlocks: this.#maxTransferBlocks,
        maxInFlight: this.#maxInFlight,
        onClosed: (s) => {
          this.#sessions.delete(s);
          addStats(this.#closedTotals, s.stats);
        },
        ...(opts.onClosing === undefined ? {} : { onClosing: opts.onClosing }),
      },
      serverEnd,
    );
    this.#sessions.add(session);
    return { session, fifo: clientEnd };
  }

  stats(): ServerStats {
    const totals = emptyStats();
    addStats(totals, this.#closedTotals);
    for (const s of this.#sessions) addStats(totals, s.stats);
    return {
      sessionsOpened: this.#nextSessionId - 1,
      sessionsOpen: this.#sessions.size,
      totals,
    };
  }

  /** Closes every session with `status` and resolves once no op of any is left on the device. */
  async close(
    status: Status = Status.ERR_CANCELED,
    reason = 'block-server is shutting down',
  ): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#sessions].map((s) => s.close(status, reason)));
  }
}
