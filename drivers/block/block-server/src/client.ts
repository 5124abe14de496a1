/**
 * BlockClient: what tools and tests in another host use to do block I/O
 * through block-server. Each call writes FIFO requests and returns a promise
 * settled by the matching response (by reqid). At most `maxInFlight`
 * requests (the FIFO depth by default) are outstanding; later calls wait
 * their turn in order. Because every request in the request FIFO is
 * outstanding, the bound also means a write into the FIFO always fits.
 *
 * The client runs on promises and the event loop; it needs no dispatcher.
 * It waits on the response FIFO only while something is outstanding, so an
 * idle client keeps no process alive. When the server goes away, every
 * outstanding and waiting call rejects with ERR_PEER_CLOSED: none hangs.
 */
import { Fifo, Status, StatusError, statusName, ZxChannel, type Vmo } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';
import { BlockDeviceConnection, type SessionControl } from './controlClient.js';
import {
  BLOCK_FIFO_ESIZE,
  BlockIoFlag,
  BlockOpcode,
  MAX_TXN_GROUP_COUNT,
  decodeResponse,
  encodeRequest,
  newRequest,
  newResponse,
  type FifoRequest,
  type FifoResponse,
} from './fifoProtocol.js';

/** One request of a group (or of `submit`). Offsets and lengths count blocks. */
export type BlockRequestSpec =
  | {
      readonly op: 'read' | 'write';
      readonly vmoid: number;
      readonly devOffset: number;
      readonly length: number;
      readonly vmoOffset?: number;
      readonly flags?: number;
    }
  | {
      readonly op: 'trim';
      readonly devOffset: number;
      readonly length: number;
      readonly flags?: number;
    }
  | { readonly op: 'flush'; readonly flags?: number }
  | { readonly op: 'closeVmo'; readonly vmoid: number };

export interface BlockClientOptions {
  /** Requests outstanding at most (1..FIFO depth; default the FIFO depth). */
  readonly maxInFlight?: number;
  /** A response whose reqid matches nothing outstanding: reported here (and counted), never thrown. */
  readonly onUnexpectedResponse?: (response: Readonly<FifoResponse>) => void;
}

export interface BlockClientStats {
  /** Calls whose requests went into the FIFO. */
  sent: number;
  /** Calls settled by a response (OK or not). */
  completed: number;
  /** Calls whose response carried an error. */
  failed: number;
  /** Responses that matched no outstanding call. */
  unexpectedResponses: number;
  /** Requests outstanding now. */
  inFlight: number;
  /** Calls waiting for room (in-flight budget or a free group id). */
  waiting: number;
}

interface Call {
  readonly specs: readonly BlockRequestSpec[];
  readonly grouped: boolean;
  readonly resolve: (count: number) => void;
  readonly reject: (err: StatusError) => void;
  reqid: number;
  group: number;
}

const OPCODES = {
  read: BlockOpcode.READ,
  write: BlockOpcode.WRITE,
  flush: BlockOpcode.FLUSH,
  trim: BlockOpcode.TRIM,
  closeVmo: BlockOpcode.CLOSE_VMO,
} as const;

function describe(spec: BlockRequestSpec): string {
  switch (spec.op) {
    case 'read':
    case 'write':
      return `${spec.op} of ${spec.length} blocks at block ${spec.devOffset} (vmoid ${spec.vmoid}, vmo block ${spec.vmoOffset ?? 0})`;
    case 'trim':
      return `trim of ${spec.length} blocks at block ${spec.devOffset}`;
    case 'flush':
      return 'flush';
    case 'closeVmo':
      return `CLOSE_VMO of vmoid ${spec.vmoid}`;
  }
}

function describeCall(call: Call): string {
  if (!call.grouped) return describe(call.specs[0] as BlockRequestSpec);
  return `group ${call.group} of ${call.specs.length} requests (first: ${describe(call.specs[0] as BlockRequestSpec)})`;
}

export class BlockClient {
  readonly #fifo: Fifo;
  readonly #control: SessionControl;
  readonly #info: BlockInfo;
  readonly #maxInFlight: number;
  readonly #onUnexpected: ((response: Readonly<FifoResponse>) => void) | undefined;
  readonly #outstanding = new Map<number, Call>();
  readonly #waiting: Call[] = [];
  readonly #freeGroups: number[] = [];
  readonly #out: Uint8Array;
  readonly #outView: DataView;
  readonly #in: Uint8Array;
  readonly #inView: DataView;
  readonly #request: FifoRequest = newRequest();
  readonly #response: FifoResponse = newResponse();
  /** Request bytes that did not fit the FIFO yet (only if the server breaks the depth bound). */
  readonly #unsent: Uint8Array[] = [];
  #inFlight = 0;
  #nextReqid = 1;
  #reading = false;
  #writeWaitArmed = false;
  #broken: StatusError | null = null;
  #closing: Promise<void> | null = null;
  #idle: (() => void)[] = [];
  readonly #stats = { sent: 0, completed: 0, failed: 0, unexpectedResponses: 0 };

  constructor(fifo: Fifo, control: SessionControl, info: BlockInfo, opts: BlockClientOptions = {}) {
    const max = opts.maxInFlight ?? fifo.depth;
    if (!Number.isInteger(max) || max < 1 || max > fifo.depth) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `BlockClient: maxInFlight ${max} must be an integer in [1, ${fifo.depth}] (the FIFO depth)`,
      );
    }
    if (fifo.elementSize !== BLOCK_FIFO_ESIZE) {
      throw new StatusError(
        Status.ERR_WRONG_TYPE,
        `BlockClient: the FIFO has ${fifo.elementSize}-byte elements; a block FIFO has ${BLOCK_FIFO_ESIZE}`,
      );
    }
    this.#fifo = fifo;
    this.#control = control;
    this.#info = info;
    this.#maxInFlight = max;
    this.#onUnexpected = opts.onUnexpectedResponse;
    for (let g = MAX_TXN_GROUP_COUNT - 1; g >= 0; g--) this.#freeGroups.push(g);
    this.#out = new Uint8Array(max * BLOCK_FIFO_ESIZE);
    this.#outView = new DataView(this.#out.buffer);
    this.#in = new Uint8Array(fifo.depth * BLOCK_FIFO_ESIZE);
    this.#inView = new DataView(this.#in.buffer);
  }

  /** Connects through a device channel to a block-server in another host: GetInfo, then a session. */
  static async connect(device: ZxChannel, opts: BlockClientOptions = {}): Promise<BlockClient> {
    const connection = new BlockDeviceConnection(device);
    const info = await connection.getInfo();
    const { fifo, control } = await connection.openSession();
    return new BlockClient(fifo, control, info, opts);
  }

  /** The device's geometry, as block-server reported it when the client connected. */
  info(): BlockInfo {
    return this.#info;
  }

  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  get stats(): BlockClientStats {
    return { ...this.#stats, inFlight: this.#inFlight, waiting: this.#waiting.length };
  }

  /** Attaches `vmo` (the handle moves to the server) and returns its vmoid for this session. */
  attachVmo(vmo: Vmo): Promise<number> {
    const refused = this.#refusal('attachVmo');
    if (refused !== null) return Promise.reject(refused);
    return this.#control.attachVmo(vmo);
  }

  /** CLOSE_VMO: the server forgets `vmoid`. */
  detachVmo(vmoid: number): Promise<void> {
    return this.#single({ op: 'closeVmo', vmoid });
  }

  read(vmoid: number, devOffset: number, length: number, vmoOffset = 0, flags = 0): Promise<void> {
    return this.#single({ op: 'read', vmoid, devOffset, length, vmoOffset, flags });
  }

  write(vmoid: number, devOffset: number, length: number, vmoOffset = 0, flags = 0): Promise<void> {
    return this.#single({ op: 'write', vmoid, devOffset, length, vmoOffset, flags });
  }

  flush(flags = 0): Promise<void> {
    return this.#single({ op: 'flush', flags });
  }

  trim(devOffset: number, length: number, flags = 0): Promise<void> {
    return this.#single({ op: 'trim', devOffset, length, flags });
  }

  /** Any one request. */
  submit(spec: BlockRequestSpec): Promise<void> {
    return this.#single(spec);
  }

  /**
   * A transaction group: the requests go out with GROUP_ITEM (the last also
   * GROUP_LAST) under one of the eight group ids, and one response settles
   * them all: the promise resolves with the request count, or rejects with
   * the first failure. Members run concurrently on the device: no order
   * among them is promised.
   */
  group(specs: readonly BlockRequestSpec[]): Promise<number> {
    if (specs.length === 0 || specs.length > this.#maxInFlight) {
      return Promise.reject(
        new StatusError(
          Status.ERR_INVALID_ARGS,
          `BlockClient.group: ${specs.length} requests; a group has 1 to ${this.#maxInFlight} (maxInFlight)`,
        ),
      );
    }
    return new Promise<number>((resolve, reject) =>
      this.#enqueue({ specs: [...specs], grouped: true, resolve, reject, reqid: 0, group: -1 }),
    );
  }

  /**
   * Waits for every outstanding call, then ends the session and closes the
   * FIFO. Calls made meanwhile fail with ERR_BAD_STATE.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Closes at once: outstanding and waiting calls reject with ERR_CANCELED. */
  abort(): void {
    this.#closing ??= Promise.resolve();
    this.#fail(Status.ERR_CANCELED, 'the client was aborted before the response came');
    if (!this.#fifo.closed) this.#fifo.close();
  }

  async #close(): Promise<void> {
    if (this.#outstanding.size > 0 || this.#waiting.length > 0) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    try {
      if (this.#broken === null) await this.#control.close();
    } finally {
      if (!this.#fifo.closed) this.#fifo.close();
    }
  }

  // ---- sending -------------------------------------------------------------

  #single(spec: BlockRequestSpec): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.#enqueue({
        specs: [spec],
        grouped: false,
        resolve: () => resolve(),
        reject,
        reqid: 0,
        group: -1,
      }),
    );
  }

  #refusal(what: string): StatusError | null {
    if (this.#broken !== null) return this.#broken;
    if (this.#closing !== null) {
      return new StatusError(
        Status.ERR_BAD_STATE,
        `BlockClient.${what}: the client is closing; open a new one`,
      );
    }
    return null;
  }

  #enqueue(call: Call): void {
    const refused = this.#refusal(call.grouped ? 'group' : (call.specs[0]?.op ?? 'submit'));
    if (refused !== null) {
      call.reject(refused);
      return;
    }
    this.#waiting.push(call);
    this.#sendWaiting();
  }

  #sendWaiting(): void {
    const waiting = this.#waiting;
    while (waiting.length > 0 && this.#broken === null) {
      const call = waiting[0] as Call;
      if (this.#inFlight + call.specs.length > this.#maxInFlight) return;
      if (call.grouped && this.#freeGroups.length === 0) return;
      waiting.shift();
      this.#send(call);
    }
  }

  #send(call: Call): void {
    const reqid = this.#takeReqid();
    const group = call.grouped ? (this.#freeGroups.pop() as number) : 0;
    const count = call.specs.length;
    try {
      const request = this.#request;
      for (let i = 0; i < count; i++) {
        const spec = call.specs[i] as BlockRequestSpec;
        request.opcode = OPCODES[spec.op];
        let flags = 'flags' in spec ? (spec.flags ?? 0) : 0;
        if (call.grouped) {
          flags |= BlockIoFlag.GROUP_ITEM | (i === count - 1 ? BlockIoFlag.GROUP_LAST : 0);
        }
        request.flags = flags;
        request.reqid = reqid;
        request.group = group;
        request.vmoid = 'vmoid' in spec ? spec.vmoid : 0;
        request.length = 'length' in spec ? spec.length : 0;
        request.devOffset = 'devOffset' in spec ? spec.devOffset : 0;
        request.vmoOffset = 'vmoOffset' in spec ? (spec.vmoOffset ?? 0) : 0;
        encodeRequest(this.#outView, i, request);
      }
    } catch (err) {
      // Nothing of this call was written: it fails alone.
      if (call.grouped) this.#freeGroups.push(group);
      const status = err instanceof StatusError ? err.status : Status.ERR_INTERNAL;
      const text = (err instanceof Error ? err.message : String(err)).replace(/^ZX_\w+: /, '');
      call.reject(new StatusError(status, `${describeCall(call)} was not sent: ${text}`));
      return;
    }
    call.reqid = reqid;
    call.group = call.grouped ? group : -1;
    this.#outstanding.set(reqid, call);
    this.#inFlight += count;
    this.#stats.sent++;
    this.#write(this.#out.subarray(0, count * BLOCK_FIFO_ESIZE));
    this.#startReading();
  }

  #takeReqid(): number {
    let reqid = this.#nextReqid;
    while (this.#outstanding.has(reqid)) reqid = (reqid + 1) >>> 0;
    this.#nextReqid = (reqid + 1) >>> 0;
    return reqid;
  }

  #write(bytes: Uint8Array): void {
    if (this.#unsent.length > 0) {
      this.#unsent.push(bytes.slice());
      return;
    }
    let written: number;
    try {
      written = this.#fifo.tryWrite(bytes);
    } catch (err) {
      this.#failFrom(err);
      return;
    }
    if (written * BLOCK_FIFO_ESIZE < bytes.length) {
      this.#unsent.push(bytes.slice(written * BLOCK_FIFO_ESIZE));
      this.#armWriteWait();
    }
  }

  #armWriteWait(): void {
    if (this.#writeWaitArmed) return;
    this.#writeWaitArmed = true;
    this.#fifo.writable().then(
      () => {
        this.#writeWaitArmed = false;
        const pending = this.#unsent.splice(0);
        for (const bytes of pending) this.#write(bytes);
      },
      (err: unknown) => {
        this.#writeWaitArmed = false;
        this.#failFrom(err);
      },
    );
  }

  // ---- receiving -----------------------------------------------------------

  #startReading(): void {
    if (this.#reading) return;
    this.#reading = true;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      while (this.#outstanding.size > 0 && this.#broken === null) {
        const n = this.#fifo.tryRead(this.#in);
        if (n === 0) {
          await this.#fifo.readable();
          continue;
        }
        for (let i = 0; i < n; i++) this.#settle(decodeResponse(this.#inView, i, this.#response));
        this.#sendWaiting();
      }
    } catch (err) {
      this.#failFrom(err);
    } finally {
      this.#reading = false;
    }
    this.#checkIdle();
  }

  #settle(response: FifoResponse): void {
    const call = this.#outstanding.get(response.reqid);
    if (call === undefined) {
      this.#stats.unexpectedResponses++;
      this.#onUnexpected?.({ ...response });
      return;
    }
    this.#outstanding.delete(response.reqid);
    this.#inFlight -= call.specs.length;
    if (call.grouped) this.#freeGroups.push(call.group);
    this.#stats.completed++;
    if (response.status === Status.OK) {
      call.resolve(response.count);
      return;
    }
    this.#stats.failed++;
    call.reject(
      new StatusError(
        response.status as Status,
        `${describeCall(call)} failed: block-server answered ${statusName(response.status)}`,
      ),
    );
  }

  /** Turns a FIFO failure into the error every pending call gets. */
  #failFrom(err: unknown): void {
    if (StatusError.is(err, Status.ERR_CANCELED)) {
      this.#fail(Status.ERR_CANCELED, 'the client closed its FIFO before the response came');
    } else if (StatusError.is(err, Status.ERR_PEER_CLOSED)) {
      const why = this.#control.closeReason();
      this.#fail(
        Status.ERR_PEER_CLOSED,
        why === null
          ? 'block-server closed the session FIFO (the server or its host went away); reconnect'
          : `block-server ended the session with ${statusName(why.status)}: ${why.reason}`,
      );
    } else {
      this.#fail(err instanceof StatusError ? err.status : Status.ERR_INTERNAL, String(err));
    }
  }

  /** Rejects every outstanding and waiting call; later calls get the same status. */
  #fail(status: Status, reason: string): void {
    if (this.#broken === null) this.#broken = new StatusError(status, `BlockClient: ${reason}`);
    const calls = [...this.#outstanding.values(), ...this.#waiting];
    this.#outstanding.clear();
    this.#waiting.length = 0;
    this.#unsent.length = 0;
    this.#inFlight = 0;
    for (const call of calls)
      call.reject(new StatusError(status, `${describeCall(call)}: ${reason}`));
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#outstanding.size > 0 || this.#waiting.length > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
