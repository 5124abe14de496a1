/**
 * Responses on their way into the response FIFO. A response is encoded here
 * first and leaves in batches; when the client does not read and the FIFO is
 * full, the rest stays here, in order, until the FIFO has room again: a full
 * FIFO makes the server wait, it never drops a response. The session stops
 * reading new requests while anything waits here, which bounds the backlog
 * to the ops already accepted.
 */
import { Status, StatusError, type Fifo } from '@fdf/zx';
import { BLOCK_FIFO_ESIZE, encodeResponse } from './fifoProtocol.js';

export class ResponseQueue {
  readonly #fifo: Fifo;
  #bytes: Uint8Array;
  #view: DataView;
  /** Elements [#head, #tail) wait to be written. */
  #head = 0;
  #tail = 0;
  #peerClosed = false;
  /** Responses ever written into the FIFO. */
  written = 0;
  /** Responses discarded because the client had closed its end (nobody could read them). */
  discarded = 0;
  /** Most responses ever waiting at once. */
  highWater = 0;

  constructor(fifo: Fifo, initialCapacity: number) {
    this.#fifo = fifo;
    this.#bytes = new Uint8Array(Math.max(1, initialCapacity) * BLOCK_FIFO_ESIZE);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** Responses waiting for room in the FIFO. */
  get length(): number {
    return this.#tail - this.#head;
  }

  /** True once a write found the client's end closed. */
  get peerClosed(): boolean {
    return this.#peerClosed;
  }

  /** The session closed its end: what waits, and every later response, is discarded. */
  discardFromNow(): void {
    if (this.#peerClosed) return;
    this.#peerClosed = true;
    this.discarded += this.#tail - this.#head;
    this.#head = this.#tail = 0;
  }

  push(status: number, reqid: number, group: number, count: number): void {
    if (this.#peerClosed) {
      this.discarded++;
      return;
    }
    if (this.#tail * BLOCK_FIFO_ESIZE === this.#bytes.length) this.#makeRoom();
    encodeResponse(this.#view, this.#tail, status, reqid, group, count);
    this.#tail++;
    if (this.#tail - this.#head > this.highWater) this.highWater = this.#tail - this.#head;
  }

  /**
   * Writes as many waiting responses as the FIFO takes. Returns true when
   * none is left. A closed client end discards the rest (and every later
   * push): there is no reader left to lose them for.
   */
  flush(): boolean {
    if (this.#peerClosed) return true;
    while (this.#head < this.#tail) {
      let n: number;
      try {
        n = this.#fifo.tryWrite(
          this.#bytes.subarray(this.#head * BLOCK_FIFO_ESIZE, this.#tail * BLOCK_FIFO_ESIZE),
        );
      } catch (err) {
        if (!StatusError.is(err, Status.ERR_PEER_CLOSED)) throw err;
        this.#peerClosed = true;
        this.discarded += this.#tail - this.#head;
        this.#head = this.#tail = 0;
        return true;
      }
      if (n === 0) return false;
      this.#head += n;
      this.written += n;
    }
    this.#head = this.#tail = 0;
    return true;
  }

  /** Moves the waiting responses to the front, doubling the buffer when they fill it. */
  #makeRoom(): void {
    const waiting = this.#bytes.subarray(
      this.#head * BLOCK_FIFO_ESIZE,
      this.#tail * BLOCK_FIFO_ESIZE,
    );
    if (this.#head === 0) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(waiting);
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    } else {
      this.#bytes.copyWithin(0, this.#head * BLOCK_FIFO_ESIZE, this.#tail * BLOCK_FIFO_ESIZE);
    }
    this.#tail -= this.#head;
    this.#head = 0;
  }
}
