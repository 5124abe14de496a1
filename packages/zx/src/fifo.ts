/**
 * Fifo: two rings of fixed-size elements in one SharedArrayBuffer, one ring
 * per direction, each with exactly one writer and one reader (the two ends),
 * so head and tail need no lock: the reader alone moves head, the writer alone
 * moves tail, and Atomics.store/load on them publish the element bytes.
 *
 * Header words (Int32): HEAD/TAIL per direction (positions in [0, 2*depth),
 * which tells a full ring from an empty one for any depth), SEQ/WAITERS per
 * end for sleepers, CLOSED per end. Direction d carries data toward end d.
 */
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { INFINITE } from './clock.js';
import { Handle, ObjType } from './handle.js';
import { registerHandleKind, type HandleDescriptor } from './handleTransfer.js';
import { bumpAndWake, waitWordAsync, waitWordBlocking, type WaitWord } from './objectWait.js';
import { PeerLink } from './peerLink.js';
import { ZX_FIFO_PEER_CLOSED, ZX_FIFO_READABLE, ZX_FIFO_WRITABLE } from './signals.js';
import { Status, StatusError } from './status.js';

/** Largest ring, in bytes, per direction (ZX_FIFO_MAX_SIZE_BYTES). */
export const ZX_FIFO_MAX_SIZE_BYTES = 4096;

const KIND = 'zx.fifo';
const HEAD = 0;
const TAIL = 2;
const SEQ = 4;
const WAITERS = 6;
const CLOSED = 8;
const HEADER_BYTES = 64;

interface FifoPayload {
  readonly state: SharedArrayBuffer;
  readonly end: number;
  readonly elementSize: number;
  readonly depth: number;
  readonly port: MessagePort | null;
}

export class Fifo extends Handle {
  readonly objType = ObjType.FIFO;
  readonly elementSize: number;
  readonly depth: number;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #end: number;
  readonly #peer: number;
  /** Byte offset of the ring this end reads, and of the one it writes. */
  readonly #inRing: number;
  readonly #outRing: number;
  readonly #link: PeerLink;
  readonly #waitWord: WaitWord;
  readonly #poll = (): number => this.#signalsNow();
  readonly #isClosed = (): boolean => this.closed;

  private constructor(
    state: SharedArrayBuffer,
    end: number,
    elementSize: number,
    depth: number,
    port: MessagePort | null,
  ) {
    super();
    this.elementSize = elementSize;
    this.depth = depth;
    this.#words = new Int32Array(state, 0, HEADER_BYTES / Int32Array.BYTES_PER_ELEMENT);
    this.#bytes = new Uint8Array(state);
    this.#end = end;
    this.#peer = end ^ 1;
    const ringBytes = elementSize * depth;
    this.#inRing = HEADER_BYTES + end * ringBytes;
    this.#outRing = HEADER_BYTES + this.#peer * ringBytes;
    this.#waitWord = { words: this.#words, seqIndex: SEQ + end, waitersIndex: WAITERS + end };
    this.#link = new PeerLink(port, this, () => this.#markClosed(this.#peer, this.#end));
  }

  /**
   * zx_fifo_create: two ends, each able to queue `depth` elements of
   * `elementSize` bytes toward the other. elementSize * depth must not exceed
   * 4096 bytes; zero for either is ERR_OUT_OF_RANGE, as in Zircon.
   */
  static create(elementSize: number, depth: number): [Fifo, Fifo] {
    if (!Number.isInteger(elementSize) || !Number.isInteger(depth)) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `Fifo.create: element size ${elementSize} and depth ${depth} must be integers`,
      );
    }
    if (elementSize <= 0 || depth <= 0 || elementSize * depth > ZX_FIFO_MAX_SIZE_BYTES) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `Fifo.create: ${depth} elements of ${elementSize} bytes do not fit: both must be positive and their product at most ${ZX_FIFO_MAX_SIZE_BYTES} bytes; lower the depth`,
      );
    }
    const state = new SharedArrayBuffer(HEADER_BYTES + 2 * elementSize * depth);
    const [port0, port1] = PeerLink.ports();
    return [
      new Fifo(state, 0, elementSize, depth, port0),
      new Fifo(state, 1, elementSize, depth, port1),
    ];
  }

  /** READABLE, WRITABLE and PEER_CLOSED as they stand now. */
  get signals(): number {
    this.assertOpen('Fifo.signals');
    return this.#signalsNow();
  }

  /**
   * zx_fifo_write: queues up to `count` elements (default: all of
   * `elements`) and returns how many fit, at least one; ERR_SHOULD_WAIT when
   * the ring is full. `elements` must hold whole elements (ERR_OUT_OF_RANGE).
   */
  write(elements: Uint8Array, count?: number): number {
    const written = this.tryWrite(elements, count);
    if (written === 0) {
      throw new StatusError(
        Status.ERR_SHOULD_WAIT,
        'Fifo.write: the fifo is full; await writable() (or writableBlocking() in a worker) and retry',
      );
    }
    return written;
  }

  /** write() for polling loops: 0 instead of ERR_SHOULD_WAIT when full; other errors still throw. */
  tryWrite(elements: Uint8Array, count?: number): number {
    this.assertOpen('Fifo.write');
    const size = this.elementSize;
    const wanted = this.#checkCount(elements, count, 'Fifo.write');
    if (elements.length % size !== 0) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `Fifo.write: ${elements.length} bytes is not a whole number of ${size}-byte elements; pass element-sized data`,
      );
    }
    const words = this.#words;
    if (Atomics.load(words, CLOSED + this.#peer) !== 0) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        'Fifo.write: the peer end is closed, nobody will read; close this end',
      );
    }
    const depth = this.depth;
    const head = Atomics.load(words, HEAD + this.#peer);
    const tail = Atomics.load(words, TAIL + this.#peer);
    const used = tail >= head ? tail - head : tail + 2 * depth - head;
    const free = depth - used;
    if (free === 0) return 0;
    const n = wanted < free ? wanted : free;
    const bytes = this.#bytes;
    let slot = tail >= depth ? tail - depth : tail;
    let src = 0;
    for (let i = 0; i < n; i++) {
      let dst = this.#outRing + slot * size;
      for (let b = 0; b < size; b++) bytes[dst++] = elements[src++] as number;
      slot = slot + 1 === depth ? 0 : slot + 1;
    }
    const next = tail + n;
    Atomics.store(words, TAIL + this.#peer, next >= 2 * depth ? next - 2 * depth : next);
    bumpAndWake(words, SEQ + this.#peer, WAITERS + this.#peer);
    return n;
  }

  /**
   * zx_fifo_read: moves up to `maxCount` elements (default: as many as
   * `into` holds) into `into` and returns how many, at least one;
   * ERR_SHOULD_WAIT when empty, ERR_PEER_CLOSED when empty and the peer is gone.
   */
  read(into: Uint8Array, maxCount?: number): number {
    const count = this.tryRead(into, maxCount);
    if (count === 0) {
      throw new StatusError(
        Status.ERR_SHOULD_WAIT,
        'Fifo.read: the fifo is empty; await readable() (or readableBlocking() in a worker) and retry',
      );
    }
    return count;
  }

  /** read() for polling loops: 0 instead of ERR_SHOULD_WAIT when empty; ERR_PEER_CLOSED still throws. */
  tryRead(into: Uint8Array, maxCount?: number): number {
    this.assertOpen('Fifo.read');
    const size = this.elementSize;
    const wanted = this.#checkCount(into, maxCount, 'Fifo.read');
    const words = this.#words;
    const depth = this.depth;
    const head = Atomics.load(words, HEAD + this.#end);
    const tail = Atomics.load(words, TAIL + this.#end);
    const used = tail >= head ? tail - head : tail + 2 * depth - head;
    if (used === 0) {
      if (Atomics.load(words, CLOSED + this.#peer) !== 0) {
        throw new StatusError(
          Status.ERR_PEER_CLOSED,
          'Fifo.read: the fifo is empty and its peer is closed; nothing more will come, close this end',
        );
      }
      return 0;
    }
    const n = wanted < used ? wanted : used;
    const bytes = this.#bytes;
    let slot = head >= depth ? head - depth : head;
    let dst = 0;
    for (let i = 0; i < n; i++) {
      let src = this.#inRing + slot * size;
      for (let b = 0; b < size; b++) into[dst++] = bytes[src++] as number;
      slot = slot + 1 === depth ? 0 : slot + 1;
    }
    const next = head + n;
    Atomics.store(words, HEAD + this.#end, next >= 2 * depth ? next - 2 * depth : next);
    // Space freed in the ring the peer writes: wake a blocked writer.
    bumpAndWake(words, SEQ + this.#peer, WAITERS + this.#peer);
    return n;
  }

  /** Resolves with the observed signals once any of `signals` is set (see Event.wait). */
  wait(signals: number, deadline: number = INFINITE): Promise<number> {
    this.assertOpen('Fifo.wait');
    return waitWordAsync(
      this.#waitWord,
      this.#poll,
      signals,
      deadline,
      this.#isClosed,
      'Fifo.wait',
    );
  }

  /** wait(), blocking this thread with Atomics.wait. */
  waitBlocking(signals: number, deadline: number = INFINITE): number {
    this.assertOpen('Fifo.waitBlocking');
    return waitWordBlocking(this.#waitWord, this.#poll, signals, deadline, 'Fifo.waitBlocking');
  }

  /** Resolves when an element can be read; ERR_PEER_CLOSED when empty and none can come. */
  async readable(deadline: number = INFINITE): Promise<void> {
    const observed = await this.wait(ZX_FIFO_READABLE | ZX_FIFO_PEER_CLOSED, deadline);
    this.#checkReadable(observed, 'Fifo.readable');
  }

  /** Resolves when an element can be written; ERR_PEER_CLOSED when the peer is gone. */
  async writable(deadline: number = INFINITE): Promise<void> {
    const observed = await this.wait(ZX_FIFO_WRITABLE | ZX_FIFO_PEER_CLOSED, deadline);
    this.#checkWritable(observed, 'Fifo.writable');
  }

  /** readable(), blocking this thread. */
  readableBlocking(deadline: number = INFINITE): void {
    const observed = this.waitBlocking(ZX_FIFO_READABLE | ZX_FIFO_PEER_CLOSED, deadline);
    this.#checkReadable(observed, 'Fifo.readableBlocking');
  }

  /** writable(), blocking this thread. */
  writableBlocking(deadline: number = INFINITE): void {
    const observed = this.waitBlocking(ZX_FIFO_WRITABLE | ZX_FIFO_PEER_CLOSED, deadline);
    this.#checkWritable(observed, 'Fifo.writableBlocking');
  }

  override checkTransferable(): void {
    this.assertOpen('Fifo transfer');
  }

  override toTransfer(transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    const payload: FifoPayload = {
      state: this.#words.buffer as SharedArrayBuffer,
      end: this.#end,
      elementSize: this.elementSize,
      depth: this.depth,
      port: this.#link.exportPort(transferList),
    };
    return { kind: KIND, payload };
  }

  onThreadExit(): void {
    this.#markClosed(this.#end, this.#peer);
  }

  protected onClose(): void {
    this.#markClosed(this.#end, this.#peer);
    this.#link.close();
    // Pending async waits of this end re-check, see it closed and fail with ERR_CANCELED.
    Atomics.notify(this.#words, SEQ + this.#end);
  }

  protected override onTransferred(): void {
    this.#link.detach();
    Atomics.notify(this.#words, SEQ + this.#end);
  }

  #markClosed(closedEnd: number, wakeEnd: number): void {
    Atomics.store(this.#words, CLOSED + closedEnd, 1);
    bumpAndWake(this.#words, SEQ + wakeEnd, WAITERS + wakeEnd);
  }

  #signalsNow(): number {
    const words = this.#words;
    let observed = 0;
    if (Atomics.load(words, HEAD + this.#end) !== Atomics.load(words, TAIL + this.#end)) {
      observed |= ZX_FIFO_READABLE;
    }
    if (Atomics.load(words, CLOSED + this.#peer) !== 0) {
      observed |= ZX_FIFO_PEER_CLOSED;
    } else {
      const head = Atomics.load(words, HEAD + this.#peer);
      const tail = Atomics.load(words, TAIL + this.#peer);
      const used = tail >= head ? tail - head : tail + 2 * this.depth - head;
      if (used < this.depth) observed |= ZX_FIFO_WRITABLE;
    }
    return observed;
  }

  #checkCount(buffer: Uint8Array, count: number | undefined, what: string): number {
    const size = this.elementSize;
    const n = count ?? Math.floor(buffer.length / size);
    if (!Number.isInteger(n) || n <= 0) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `${what}: element count ${n} must be a positive integer (a ${buffer.length}-byte buffer holds ${Math.floor(buffer.length / size)} elements of ${size} bytes)`,
      );
    }
    if (n * size > buffer.length) {
      throw new StatusError(
        Status.ERR_BUFFER_TOO_SMALL,
        `${what}: ${n} elements of ${size} bytes need ${n * size} bytes but the buffer has ${buffer.length}; pass a larger buffer or a smaller count`,
      );
    }
    return n;
  }

  #checkReadable(observed: number, what: string): void {
    if ((observed & ZX_FIFO_READABLE) === 0) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `${what}: the fifo is empty and its peer is closed; nothing more will come`,
      );
    }
  }

  #checkWritable(observed: number, what: string): void {
    if ((observed & ZX_FIFO_WRITABLE) === 0) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        `${what}: the peer end is closed; nothing written would be read`,
      );
    }
  }

  static {
    registerHandleKind(KIND, (payload) => {
      const { state, end, elementSize, depth, port } = payload as FifoPayload;
      return new Fifo(state, end, elementSize, depth, port);
    });
  }
}
