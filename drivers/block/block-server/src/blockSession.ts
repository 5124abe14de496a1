/**
 * One client of block-server: its FIFO (the server's end), the VMOs it
 * attached, its eight transaction groups, and the ops it has on the device.
 *
 * All of the session's work runs as tasks on the server's dispatcher, so it
 * follows the runtime's threading model: FIFO readiness and device
 * completions (promise continuations, outside any runtime callback) only
 * post a task. The loop: read a batch of requests (at most the FIFO depth,
 * at most what the in-flight budget allows), validate each, start device
 * ops, encode responses, write them; a full response FIFO stops the reading
 * until the client made room.
 *
 * Bad entries get an error response and change nothing else; the session
 * itself closes only when the client goes away, when it is closed, or when
 * something that cannot be answered per request goes wrong (then with the
 * status and reason in `closeReason`).
 */
import type { Dispatcher } from '@fdf/runtime';
import { Status, StatusError, type Fifo, type Vmo } from '@fdf/zx';
import type { BlockDevice } from './blockDevice.js';
import { DeviceOp, type DeviceOpSink } from './deviceOp.js';
import {
  BLOCK_FIFO_ESIZE,
  BlockIoFlag,
  BlockOpcode,
  DEVICE_FLAGS,
  MAX_TXN_GROUP_COUNT,
  decodeRequest,
  newRequest,
  type FifoRequest,
} from './fifoProtocol.js';
import { ResponseQueue } from './responseQueue.js';
import { Transaction, TransactionPool } from './transaction.js';
import { VmoidTable } from './vmoidTable.js';

/** What a session needs from its server. */
export interface SessionConfig {
  readonly id: number;
  readonly device: BlockDevice;
  readonly dispatcher: Dispatcher;
  /** Device blocks (exact below 2^53). */
  readonly blockCount: number;
  readonly blockSize: number;
  /** READ/WRITE requests longer than this are split into ops of at most this many blocks; 0: never. */
  readonly maxTransferBlocks: number;
  /** Device ops the session may have started and not seen complete; reading pauses at this. */
  readonly maxInFlight: number;
  readonly onClosed: (session: BlockSession) => void;
  /** Runs when the session starts closing, before its FIFO end closes. */
  readonly onClosing?: (session: BlockSession, status: Status, reason: string) => void;
}

export type SessionState = 'open' | 'closing' | 'closed';

export interface SessionStats {
  /** FIFO entries read. */
  requests: number;
  /** Batches read (one FIFO read each). */
  batches: number;
  /** Responses written into the FIFO. */
  responses: number;
  /** Responses with a status other than OK. */
  failedResponses: number;
  /** Responses dropped because the client end was already closed. */
  discardedResponses: number;
  /** Ops started on the device. */
  deviceOps: number;
  /** READ/WRITE requests split into several device ops. */
  splitRequests: number;
  /** Device ops started and not completed now. */
  inFlight: number;
  /** Times the response FIFO was full and the session waited for the client. */
  responseFifoFull: number;
  /** Most responses ever waiting for room in the FIFO. */
  maxResponseBacklog: number;
  /** GROUP_ITEM requests that arrived after their group's GROUP_LAST (they fail the group). */
  lateGroupItems: number;
}

export class BlockSession implements DeviceOpSink {
  readonly id: number;
  readonly #cfg: SessionConfig;
  readonly #fifo: Fifo;
  readonly #vmoids = new VmoidTable();
  readonly #responses: ResponseQueue;
  readonly #groups: Transaction[] = [];
  readonly #singles = new TransactionPool();
  readonly #opPool: DeviceOp[] = [];
  readonly #batch: Uint8Array;
  readonly #batchView: DataView;
  readonly #request: FifoRequest = newRequest();
  #completed: DeviceOp[] = [];
  #spareCompleted: DeviceOp[] = [];
  #state: SessionState = 'open';
  #closeStatus: Status = Status.OK;
  #closeReason = '';
  #pumpPosted = false;
  #drainPosted = false;
  #readWaitArmed = false;
  #writeWaitArmed = false;
  /** Reading stopped at the in-flight budget: a completion must restart it. */
  #atBudget = false;
  #inFlight = 0;
  readonly #stats = {
    requests: 0,
    batches: 0,
    failedResponses: 0,
    deviceOps: 0,
    splitRequests: 0,
    responseFifoFull: 0,
    lateGroupItems: 0,
  };
  readonly #closed: Promise<Status>;
  #resolveClosed!: (status: Status) => void;
  readonly #pump = (): void => this.#runPump();
  readonly #drain = (): void => this.#runDrain();

  constructor(cfg: SessionConfig, fifo: Fifo) {
    this.id = cfg.id;
    this.#cfg = cfg;
    this.#fifo = fifo;
    this.#responses = new ResponseQueue(fifo, fifo.depth);
    this.#batch = new Uint8Array(fifo.depth * BLOCK_FIFO_ESIZE);
    this.#batchView = new DataView(this.#batch.buffer);
    for (let g = 0; g < MAX_TXN_GROUP_COUNT; g++) this.#groups.push(new Transaction());
    this.#closed = new Promise<Status>((resolve) => (this.#resolveClosed = resolve));
    this.#schedulePump();
  }

  get state(): SessionState {
    return this.#state;
  }

  /** Resolves once the session closed and no op of it is left on the device, with why it closed. */
  get closed(): Promise<Status> {
    return this.#closed;
  }

  /** The status the session closed with (OK while open). */
  get closeStatus(): Status {
    return this.#closeStatus;
  }

  /** Why the session closed (empty while open). */
  get closeReason(): string {
    return this.#closeReason;
  }

  get stats(): SessionStats {
    return {
      ...this.#stats,
      responses: this.#responses.written,
      discardedResponses: this.#responses.discarded,
      maxResponseBacklog: this.#responses.highWater,
      inFlight: this.#inFlight,
    };
  }

  /** Attaches `vmo` for this session's requests and returns its vmoid (1..65535). */
  attachVmo(vmo: Vmo): number {
    if (this.#state !== 'open') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `AttachVmo: session ${this.id} is ${this.#state}; open a new session`,
      );
    }
    return this.#vmoids.attach(vmo);
  }

  /** VMOs attached now. */
  get attachedVmos(): number {
    return this.#vmoids.size;
  }

  /**
   * Closes the session: its FIFO end closes at once (the client's pending
   * requests fail with ERR_PEER_CLOSED), ops already on the device finish,
   * and `closed` resolves with `status` after the last one.
   */
  close(status: Status = Status.OK, reason = 'closed by the server'): Promise<Status> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#closeStatus = status;
      this.#closeReason = reason;
      try {
        this.#cfg.onClosing?.(this, status, reason);
      } catch {
        // The hook only informs; closing goes on whatever it did.
      }
      this.#responses.discardFromNow();
      this.#fifo.close();
      if (this.#inFlight === 0) this.#finalize();
    }
    return this.#closed;
  }

  deviceOpDone(op: DeviceOp, status: number): void {
    op.result = status;
    this.#completed.push(op);
    if (!this.#drainPosted) {
      this.#drainPosted = true;
      this.#post(this.#drain);
    }
  }

  // ---- the loop ------------------------------------------------------------

  #schedulePump(): void {
    if (this.#pumpPosted || this.#state !== 'open') return;
    this.#pumpPosted = true;
    this.#post(this.#pump);
  }

  #runPump(): void {
    this.#pumpPosted = false;
    if (this.#state !== 'open') return;
    try {
      if (!this.#flushResponses()) return;
      const budget = this.#cfg.maxInFlight - this.#inFlight;
      if (budget <= 0) {
        this.#atBudget = true;
        return;
      }
      const n = this.#readBatch(Math.min(this.#fifo.depth, budget));
      if (n === 0) return;
      this.#stats.batches++;
      this.#stats.requests += n;
      const request = this.#request;
      for (let i = 0; i < n; i++) this.#process(decodeRequest(this.#batchView, i, request));
      // More may wait in the FIFO; a new task lets other work on the dispatcher run between batches.
      if (this.#flushResponses()) this.#schedulePump();
    } catch (err) {
      this.#fail(err, 'serving the request FIFO');
    }
  }

  /** Reads up to `max` requests; 0 after arming a wait (empty) or starting to close (client gone). */
  #readBatch(max: number): number {
    let n: number;
    try {
      n = this.#fifo.tryRead(this.#batch, max);
    } catch (err) {
      if (!StatusError.is(err, Status.ERR_PEER_CLOSED)) throw err;
      this.close(Status.ERR_PEER_CLOSED, 'the client closed its end of the FIFO');
      return 0;
    }
    if (n === 0) this.#armReadWait();
    return n;
  }

  #runDrain(): void {
    this.#drainPosted = false;
    const done = this.#completed;
    this.#completed = this.#spareCompleted;
    for (let i = 0; i < done.length; i++) {
      const op = done[i] as DeviceOp;
      const txn = op.txn as Transaction;
      txn.pending--;
      txn.fail(op.result);
      op.recycle();
      this.#opPool.push(op);
      this.#inFlight--;
      this.#finish(txn);
    }
    done.length = 0;
    this.#spareCompleted = done;
    if (this.#state === 'open') {
      try {
        // A full FIFO arms its own wake-up; an armed read wait needs no pump.
        if (this.#flushResponses() && this.#atBudget) {
          this.#atBudget = false;
          this.#schedulePump();
        }
      } catch (err) {
        this.#fail(err, 'writing responses');
      }
    } else if (this.#state === 'closing' && this.#inFlight === 0) {
      this.#finalize();
    }
  }

  /** Writes waiting responses; false (and a wait armed) when the client must make room first. */
  #flushResponses(): boolean {
    const responses = this.#responses;
    if (responses.flush()) return true;
    this.#stats.responseFifoFull++;
    this.#armWriteWait();
    return false;
  }

  #armReadWait(): void {
    if (this.#readWaitArmed) return;
    this.#readWaitArmed = true;
    this.#fifo.readable().then(
      () => {
        this.#readWaitArmed = false;
        this.#schedulePump();
      },
      (err: unknown) => {
        this.#readWaitArmed = false;
        // PEER_CLOSED: the next read sees it and closes; CANCELED: this end closed, nothing to do.
        if (StatusError.is(err, Status.ERR_PEER_CLOSED)) this.#schedulePump();
        else if (!StatusError.is(err, Status.ERR_CANCELED)) this.#fail(err, 'waiting for requests');
      },
    );
  }

  #armWriteWait(): void {
    if (this.#writeWaitArmed) return;
    this.#writeWaitArmed = true;
    this.#fifo.writable().then(
      () => {
        this.#writeWaitArmed = false;
        this.#schedulePump();
      },
      (err: unknown) => {
        this.#writeWaitArmed = false;
        // PEER_CLOSED: the next flush discards what nobody can read; CANCELED: this end closed.
        if (StatusError.is(err, Status.ERR_PEER_CLOSED)) this.#schedulePump();
        else if (!StatusError.is(err, Status.ERR_CANCELED)) this.#fail(err, 'waiting for room');
      },
    );
  }

  /** Posts to the dispatcher; a dispatcher that no longer runs closes the session. */
  #post(task: () => void): void {
    try {
      this.#cfg.dispatcher.post(task);
    } catch (err) {
      this.close(
        Status.ERR_CANCELED,
        `the server's dispatcher no longer runs (${String(err)}); shut block-server down before its dispatcher`,
      );
      // Completions still run, so arenas go back to their pool and `closed` resolves.
      if (task === this.#drain) task();
    }
  }

  #fail(err: unknown, what: string): void {
    const status = err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
    this.close(status, `block-server failed while ${what}: ${String(err)}`);
  }

  #finalize(): void {
    this.#state = 'closed';
    this.#vmoids.clear();
    for (const group of this.#groups) group.reset();
    this.#resolveClosed(this.#closeStatus);
    this.#cfg.onClosed(this);
  }

  // ---- one request ---------------------------------------------------------

  #process(req: FifoRequest): void {
    let txn: Transaction;
    if ((req.flags & BlockIoFlag.GROUP_ITEM) !== 0) {
      const group = this.#groupFor(req);
      if (group === null) return;
      txn = group;
    } else {
      // GROUP_LAST without GROUP_ITEM is an ordinary request, as in the real servers.
      txn = this.#singles.take();
      txn.reqid = req.reqid;
      txn.count = 1;
      txn.closed = true;
    }
    if (txn.status === Status.OK) txn.fail(this.#start(req, txn));
    this.#finish(txn);
  }

  /**
   * The open group a GROUP_ITEM request joins, or null when the request was
   * answered or absorbed here: a group id beyond the eight gets its own
   * ERR_INVALID_ARGS response; an item after its group's GROUP_LAST fails
   * the group with ERR_INVALID_ARGS (the response still to come says so).
   */
  #groupFor(req: FifoRequest): Transaction | null {
    const group = this.#groups[req.group];
    if (group === undefined) {
      this.#respond(Status.ERR_INVALID_ARGS, req.reqid, req.group, 1);
      return null;
    }
    if (!group.open) {
      group.open = true;
      group.group = req.group;
    }
    if (group.closed) {
      this.#stats.lateGroupItems++;
      group.fail(Status.ERR_INVALID_ARGS);
      return null;
    }
    group.count++;
    if ((req.flags & BlockIoFlag.GROUP_LAST) !== 0) {
      group.closed = true;
      group.reqid = req.reqid;
    }
    return group;
  }

  /** Validates `req` and starts its device ops; the status of the validation. */
  #start(req: FifoRequest, txn: Transaction): Status {
    const flags = req.flags & DEVICE_FLAGS;
    switch (req.opcode) {
      case BlockOpcode.READ:
      case BlockOpcode.WRITE:
        return this.#startReadWrite(req, flags, txn);
      case BlockOpcode.TRIM: {
        const status = this.#checkRange(req);
        if (status !== Status.OK) return status;
        const op = this.#takeOp(txn);
        op.setTrim(flags, req.length, req.devOffset);
        this.#launch(op);
        return Status.OK;
      }
      case BlockOpcode.FLUSH: {
        const op = this.#takeOp(txn);
        op.setFlush(flags);
        this.#launch(op);
        return Status.OK;
      }
      case BlockOpcode.CLOSE_VMO:
        return this.#vmoids.detach(req.vmoid) ? Status.OK : Status.ERR_IO;
      default:
        return Status.ERR_NOT_SUPPORTED;
    }
  }

  #startReadWrite(req: FifoRequest, flags: number, txn: Transaction): Status {
    // Checked in the real server's order: the VMO, the length, then the ranges.
    const vmo = this.#vmoids.get(req.vmoid);
    if (vmo === undefined) return Status.ERR_IO;
    const status = this.#checkRange(req);
    if (status !== Status.OK) return status;
    const blockSize = this.#cfg.blockSize;
    if ((req.vmoOffset + req.length) * blockSize > vmo.size) return Status.ERR_OUT_OF_RANGE;
    const max = this.#cfg.maxTransferBlocks;
    if (max === 0 || req.length <= max) {
      const op = this.#takeOp(txn);
      op.setReadWrite(req.opcode, flags, vmo, req.length, req.devOffset, req.vmoOffset);
      this.#launch(op);
      return Status.OK;
    }
    this.#stats.splitRequests++;
    let left = req.length;
    let dev = req.devOffset;
    let off = req.vmoOffset;
    while (left > 0) {
      const length = left < max ? left : max;
      const op = this.#takeOp(txn);
      op.setReadWrite(req.opcode, flags, vmo, length, dev, off);
      this.#launch(op);
      left -= length;
      dev += length;
      off += length;
    }
    return Status.OK;
  }

  /** Length 0: ERR_INVALID_ARGS; any block past the device end: ERR_OUT_OF_RANGE. */
  #checkRange(req: FifoRequest): Status {
    if (req.length === 0) return Status.ERR_INVALID_ARGS;
    if (req.devOffset + req.length > this.#cfg.blockCount) return Status.ERR_OUT_OF_RANGE;
    return Status.OK;
  }

  #takeOp(txn: Transaction): DeviceOp {
    const op = this.#opPool.pop() ?? new DeviceOp(this);
    op.txn = txn;
    txn.pending++;
    return op;
  }

  #launch(op: DeviceOp): void {
    this.#inFlight++;
    this.#stats.deviceOps++;
    op.start(this.#cfg.device);
  }

  /** Sends the transaction's response once it is complete, and frees it. */
  #finish(txn: Transaction): void {
    if (!txn.done) return;
    this.#respond(txn.status, txn.reqid, txn.group, txn.count);
    if (this.#groups[txn.group] === txn) txn.reset();
    else this.#singles.give(txn);
  }

  #respond(status: number, reqid: number, group: number, count: number): void {
    if (status !== Status.OK) this.#stats.failedResponses++;
    this.#responses.push(status, reqid, group, count);
  }
}
