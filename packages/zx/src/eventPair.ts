/**
 * Event pair: two signal words in shared memory, one per end. Each end sets
 * its own signals or its peer's; closing an end raises PEER_CLOSED on the
 * other, and so does the death of the thread holding it (see peerLink.ts).
 */
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { INFINITE } from './clock.js';
import { checkSignalMask, updateSignalWord } from './event.js';
import { Handle, ObjType } from './handle.js';
import { registerHandleKind, type HandleDescriptor } from './handleTransfer.js';
import { waitWordAsync, waitWordBlocking, type WaitWord } from './objectWait.js';
import { PeerLink } from './peerLink.js';
import { ZX_EVENTPAIR_PEER_CLOSED, ZX_EVENTPAIR_SIGNALED, ZX_USER_SIGNAL_ALL } from './signals.js';
import { Status, StatusError } from './status.js';

const KIND = 'zx.eventpair';
const SIGNALS = 0;
const WAITERS = 2;
const USER_MASK = (ZX_USER_SIGNAL_ALL | ZX_EVENTPAIR_SIGNALED) >>> 0;

interface EventPairPayload {
  readonly state: SharedArrayBuffer;
  readonly end: number;
  readonly port: MessagePort | null;
}

export class EventPair extends Handle {
  readonly objType = ObjType.EVENTPAIR;
  readonly #words: Int32Array;
  readonly #end: number;
  readonly #peer: number;
  readonly #link: PeerLink;
  readonly #waitWord: WaitWord;
  readonly #poll = (): number => Atomics.load(this.#words, SIGNALS + this.#end);
  readonly #isClosed = (): boolean => this.closed;

  private constructor(state: SharedArrayBuffer, end: number, port: MessagePort | null) {
    super();
    this.#words = new Int32Array(state);
    this.#end = end;
    this.#peer = end ^ 1;
    this.#waitWord = { words: this.#words, seqIndex: SIGNALS + end, waitersIndex: WAITERS + end };
    this.#link = new PeerLink(port, this, () => this.#raisePeerClosed(this.#end));
  }

  /** zx_eventpair_create: two ends, no signal set. */
  static create(): [EventPair, EventPair] {
    const state = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
    const [port0, port1] = PeerLink.ports();
    return [new EventPair(state, 0, port0), new EventPair(state, 1, port1)];
  }

  /** This end's signals (uint32), PEER_CLOSED included. */
  get signals(): number {
    this.assertOpen('EventPair.signals');
    return Atomics.load(this.#words, SIGNALS + this.#end) >>> 0;
  }

  /** zx_object_signal on this end (user signals and SIGNALED only). */
  signal(clear: number, set: number): void {
    this.assertOpen('EventPair.signal');
    checkSignalMask(USER_MASK, clear, set, 'EventPair.signal');
    updateSignalWord(this.#words, SIGNALS + this.#end, WAITERS + this.#end, clear, set);
  }

  /** zx_object_signal_peer: changes the other end's signals; ERR_PEER_CLOSED once it is gone. */
  signalPeer(clear: number, set: number): void {
    this.assertOpen('EventPair.signalPeer');
    checkSignalMask(USER_MASK, clear, set, 'EventPair.signalPeer');
    if ((this.signals & ZX_EVENTPAIR_PEER_CLOSED) !== 0) {
      throw new StatusError(
        Status.ERR_PEER_CLOSED,
        'EventPair.signalPeer: the peer end is closed; nobody can observe the signal, close this end',
      );
    }
    updateSignalWord(this.#words, SIGNALS + this.#peer, WAITERS + this.#peer, clear, set);
  }

  /** As Event.wait, on this end's signals. */
  wait(signals: number, deadline: number = INFINITE): Promise<number> {
    this.assertOpen('EventPair.wait');
    return waitWordAsync(
      this.#waitWord,
      this.#poll,
      signals,
      deadline,
      this.#isClosed,
      'EventPair.wait',
    );
  }

  /** As Event.waitBlocking, on this end's signals. */
  waitBlocking(signals: number, deadline: number = INFINITE): number {
    this.assertOpen('EventPair.waitBlocking');
    return waitWordBlocking(
      this.#waitWord,
      this.#poll,
      signals,
      deadline,
      'EventPair.waitBlocking',
    );
  }

  override checkTransferable(): void {
    this.assertOpen('EventPair transfer');
  }

  override toTransfer(transferList: TransferListItem[]): HandleDescriptor {
    this.checkTransferable();
    const payload: EventPairPayload = {
      state: this.#words.buffer as SharedArrayBuffer,
      end: this.#end,
      port: this.#link.exportPort(transferList),
    };
    return { kind: KIND, payload };
  }

  onThreadExit(): void {
    this.#raisePeerClosed(this.#peer);
  }

  protected onClose(): void {
    this.#raisePeerClosed(this.#peer);
    this.#link.close();
    Atomics.notify(this.#words, SIGNALS + this.#end);
  }

  protected override onTransferred(): void {
    this.#link.detach();
    Atomics.notify(this.#words, SIGNALS + this.#end);
  }

  #raisePeerClosed(end: number): void {
    updateSignalWord(this.#words, SIGNALS + end, WAITERS + end, 0, ZX_EVENTPAIR_PEER_CLOSED);
  }

  static {
    registerHandleKind(KIND, (payload) => {
      const { state, end, port } = payload as EventPairPayload;
      return new EventPair(state, end, port);
    });
  }
}
