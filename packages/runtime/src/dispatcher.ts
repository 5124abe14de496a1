import { Status, StatusError } from '@fdf/zx';
import {
  acquireRequest,
  type CallbackRequest,
  releaseRequest,
  RequestKind,
  Where,
} from './callbackRequest.js';
import {
  currentDispatcher,
  currentDriver,
  type DriverFrames,
  driverFrames,
  popFrame,
  pushFrame,
  stackDepth,
} from './callStack.js';
import { formatDump } from './dispatcherDump.js';
import {
  addDispatcher,
  describeDispatcher,
  notifyDispatcherShutdown,
  removeDispatcher,
} from './driverRegistry.js';
import { RingQueue } from './ringQueue.js';
import {
  addDelayed,
  delayedOf,
  type LoopClient,
  markReady,
  now,
  removeDelayed,
} from './runLoop.js';
import { Task } from './task.js';
import type { DispatcherOptions, DispatcherState, DispatcherStats } from './types.js';

/**
 * Inline blockers as small integers: the hot path counts into a typed array
 * by index and only stats() turns them into the names of InlineBlocker (the
 * order of INLINE_BLOCKERS).
 */
const ALLOW_SYNC_CALLS = 0;
const PARALLEL_DISPATCH = 1;
const TASK = 2;
const UNKNOWN_THREAD = 3;
const REENTRANT = 4;
const CHANNEL_WAIT_NOT_YET_REGISTERED = 5;
const NUM_BLOCKERS = 6;
/** No blocker: the request runs inline. */
const INLINE = -1;

/**
 * Status.OK as a module constant. A TypeScript enum with many members ends up
 * as a dictionary-mode object in V8, so every `Status.OK` on a hot path is a
 * hash lookup; a constant is not.
 */
const OK: Status = Status.OK;

/**
 * False after env.setInlining(false): every hand-over the rules would run in
 * the sender's frame is queued instead, so benchmarks can measure the RFC's
 * "every call through the shared loop". Counted as unknownThread, the reason
 * the runtime gives when it cannot run a sender's request inline.
 */
let inlining = true;

/** @internal env.setInlining */
export function setInlining(enabled: boolean): void {
  inlining = enabled;
}

/** @internal env.inliningEnabled */
export function inliningEnabled(): boolean {
  return inlining;
}

/** Something a token registration or similar leaves with a dispatcher until it resolves. */
export interface PendingRegistration {
  /** The CANCELED callback at the end of a shutdown. */
  cancel(): void;
}

/**
 * A driver runtime dispatcher: a logical queue with a threading model
 * (synchronized or not, allowSyncCalls or not) and an owner driver. Every
 * callback into a driver goes through `handOver`, which either runs it in
 * the sender's frame or queues it, following the rules of runtime.md in
 * order and counting why.
 */
export class Dispatcher implements LoopClient {
  readonly name: string;
  readonly synchronized: boolean;
  /** @internal The driver that owns this dispatcher. */
  readonly owner: object;
  /** The owner's count of frames on the call stack (rule 5, reentrancy, in O(1)). */
  readonly #ownerFrames: DriverFrames;
  #allowSyncCalls: boolean;
  #state: DispatcherState = 'running';
  readonly #onShutdown: ((d: Dispatcher) => void) | null;

  /** Ready work in FIFO order. */
  readonly #queue = new RingQueue<CallbackRequest>(16);
  /** Channel waits that nothing handed over yet (intrusive list: no allocation). */
  #registeredHead: CallbackRequest | null = null;
  #registeredTail: CallbackRequest | null = null;
  /** Work waiting for its CANCELED callback once a shutdown completes. */
  readonly #shutdownQueue = new RingQueue<CallbackRequest>(4);
  readonly #pendingRegistrations = new Set<PendingRegistration>();
  /** Callbacks of this dispatcher on the call stack now. */
  #running = 0;
  #completingShutdown = false;

  #processed = 0;
  #inlined = 0;
  /** Not-inlined counts by blocker code (doubles, like the numbers stats() reports). */
  readonly #notInlined = new Float64Array(NUM_BLOCKERS);

  /** @internal LoopClient */
  inReadyList = false;

  private constructor(owner: object, opts: DispatcherOptions) {
    this.name = opts.name;
    this.owner = owner;
    this.#ownerFrames = driverFrames(owner);
    this.synchronized = opts.synchronized ?? true;
    this.#allowSyncCalls = opts.allowSyncCalls ?? false;
    this.#onShutdown = opts.onShutdown ?? null;
  }

  /** Creates a dispatcher owned by the driver on top of the call stack. */
  static create(opts: DispatcherOptions): Dispatcher {
    checkOptions(opts);
    const owner = currentDriver();
    if (owner === null) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `Dispatcher.create('${opts.name}') was called with no driver on the call stack; call it from a driver callback or inside env.registerDriverEntry, or use env.createDispatcherWithOwner(driver, opts)`,
      );
    }
    return Dispatcher.createWithOwner(owner, opts);
  }

  /** @internal env.createDispatcherWithOwner */
  static createWithOwner(owner: object, opts: DispatcherOptions): Dispatcher {
    checkOptions(opts);
    if (typeof owner !== 'object' || owner === null) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `dispatcher '${opts.name}' needs an owner driver object`,
      );
    }
    const d = new Dispatcher(owner, opts);
    addDispatcher(d);
    return d;
  }

  /** The dispatcher whose callback is running now, or null outside the runtime. */
  static current(): Dispatcher | null {
    return currentDispatcher();
  }

  get state(): DispatcherState {
    return this.#state;
  }

  /** False once sealed: the dispatcher then behaves as a plain synchronized one. */
  get allowSyncCalls(): boolean {
    return this.#allowSyncCalls;
  }

  // ---- tasks ---------------------------------------------------------------

  post(task: () => void): Task {
    this.#checkTask(task, 'post');
    const t = new Task(task);
    const r = this.#newRequest(RequestKind.task, t);
    t.request = r;
    this.handOver(r, OK);
    return t;
  }

  /** Runs `task` after `delayMs` on env.now(); 0 or less is a plain post. */
  postDelayed(task: () => void, delayMs: number): Task {
    if (typeof delayMs !== 'number' || Number.isNaN(delayMs) || delayMs === Infinity) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `postDelayed on ${describeDispatcher(this)}: delay ${String(delayMs)} is not a finite number of milliseconds; tasks must eventually run`,
      );
    }
    if (delayMs <= 0) return this.post(task);
    this.#checkTask(task, 'postDelayed');
    const t = new Task(task);
    const r = this.#newRequest(RequestKind.task, t);
    t.request = r;
    addDelayed(r, now() + delayMs);
    return t;
  }

  cancelTask(task: Task): void {
    const r = task instanceof Task ? task.request : null;
    if (r === null || r.dispatcher !== this) {
      throw new StatusError(
        Status.ERR_NOT_FOUND,
        `cancelTask on ${describeDispatcher(this)}: the task is not queued here (it already ran, was canceled, was dropped by a shutdown, or belongs to another dispatcher)`,
      );
    }
    this.#remove(r);
    task.request = null;
    releaseRequest(r);
  }

  #checkTask(task: unknown, what: string): void {
    if (typeof task !== 'function') {
      throw new StatusError(Status.ERR_INVALID_ARGS, `${what} needs a function to run`);
    }
    if (this.#state !== 'running') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `${what} on ${describeDispatcher(this)} which is ${this.#state}; work can only be posted to a running dispatcher`,
      );
    }
  }

  #newRequest(kind: RequestKind, target: Task): CallbackRequest {
    const r = acquireRequest(kind, target, this);
    r.initiatingDispatcher = currentDispatcher();
    r.initiatingDriver = currentDriver();
    return r;
  }

  // ---- options -------------------------------------------------------------

  seal(option: 'allowSyncCalls'): void {
    if (option !== 'allowSyncCalls') {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `seal('${String(option)}'): only 'allowSyncCalls' can be sealed`,
      );
    }
    if (currentDispatcher() !== this || this.#state !== 'running') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `seal on ${describeDispatcher(this)} must be called from one of its own callbacks while it is running (state: ${this.#state})`,
      );
    }
    if (!this.#allowSyncCalls) {
      throw new StatusError(
        Status.ERR_ALREADY_EXISTS,
        `seal('allowSyncCalls') on ${describeDispatcher(this)}: the option is not set or was already sealed`,
      );
    }
    this.#allowSyncCalls = false;
  }

  // ---- shutdown ------------------------------------------------------------

  /**
   * Starts the shutdown: every queued, registered and delayed request moves
   * to the shutdown queue. Completion (CANCELED callbacks, then onShutdown)
   * happens later from the run loop, once no callback of this dispatcher runs.
   */
  shutdownAsync(): void {
    if (this.#state !== 'running') return;
    this.#state = 'shutting-down';
    for (let r = this.#queue.shift(); r !== undefined; r = this.#queue.shift()) {
      this.#toShutdownQueue(r);
    }
    for (let r = this.#registeredHead; r !== null;) {
      const next = r.next;
      r.prev = r.next = null;
      this.#toShutdownQueue(r);
      r = next;
    }
    this.#registeredHead = this.#registeredTail = null;
    for (const r of delayedOf(this)) {
      removeDelayed(r);
      this.#toShutdownQueue(r);
    }
    markReady(this);
  }

  #toShutdownQueue(r: CallbackRequest): void {
    r.where = Where.shutdown;
    this.#shutdownQueue.push(r);
  }

  destroy(): void {
    if (this.#state !== 'shutdown') {
      throw new StatusError(
        Status.ERR_BAD_STATE,
        `destroy on ${describeDispatcher(this)} which is ${this.#state}; call shutdownAsync and destroy it from onShutdown or after`,
      );
    }
    this.#state = 'destroyed';
    removeDispatcher(this);
  }

  #completeShutdown(): void {
    this.#completingShutdown = true;
    pushFrame(this.owner, this, this.#ownerFrames);
    let done = false;
    try {
      // One at a time: a CANCELED callback may cancel or re-arm others.
      for (let r = this.#shutdownQueue.shift(); r !== undefined; r = this.#shutdownQueue.shift()) {
        const target = r.target;
        releaseRequest(r);
        target?.cancel();
      }
      for (const reg of this.#pendingRegistrations) {
        this.#pendingRegistrations.delete(reg);
        reg.cancel();
      }
      this.#state = 'shutdown';
      done = true;
      const onShutdown = this.#onShutdown;
      notifyDispatcherShutdown(this, onShutdown && (() => onShutdown(this)));
    } finally {
      popFrame();
      this.#completingShutdown = false;
      // A throwing callback leaves the rest for the next loop step.
      if (!done) markReady(this);
    }
  }

  // ---- hand-over (the inline-or-queue decision) ----------------------------

  /**
   * @internal Hands a request to this dispatcher: runs it now in the caller's
   * frame or queues it, by the rules of runtime.md, and counts it. `status`
   * is what the callback will see (OK, PEER_CLOSED, CANCELED).
   *
   * One method on purpose, with the rules and the dispatch written out in it:
   * its size keeps TurboFan from inlining it into a writer (V8 does not inline
   * functions over 460 bytes of bytecode). A writer then inlines its own small
   * steps (payload checks, message, delivery) and calls this once, and this
   * inlines the bookkeeping of the hand-over. Left to pick among many small
   * methods, the inliner's budget ran out at a different place from run to
   * run, and an inlined write cost 60 or 80 ns depending on the run.
   */
  handOver(r: CallbackRequest, status: Status): void {
    // Not running: the request stays in the shutdown queue for its CANCELED call.
    if (this.#state !== 'running') return;
    if (r.where === Where.registered) this.#unlinkRegistered(r);
    if (status !== OK) r.reason = status;
    this.#processed++;
    // The rules of runtime.md in order: the first that applies, or INLINE.
    let blocker = INLINE;
    if (this.synchronized) {
      if (this.#allowSyncCalls && !senderAllowsSyncCalls()) blocker = ALLOW_SYNC_CALLS;
      else if (this.#running !== 0 || !this.#queue.isEmpty) blocker = PARALLEL_DISPATCH;
      else if (r.kind === RequestKind.task) blocker = TASK;
    }
    if (blocker === INLINE) {
      if (stackDepth() === 0 || !inlining) blocker = UNKNOWN_THREAD;
      else if (this.#ownerFrames.count > 0) blocker = REENTRANT;
    }
    const notInlined = this.#notInlined;
    if (blocker !== INLINE) {
      // A request that waited for its wait to be registered counts as that, whatever queues it.
      if (r.deferred) blocker = CHANNEL_WAIT_NOT_YET_REGISTERED;
      notInlined[blocker] = (notInlined[blocker] as number) + 1;
      r.deferred = false;
      this.#enqueue(r);
      return;
    }
    // A deferred request is not counted as inlined even when it runs inline: it was late.
    if (r.deferred) {
      notInlined[CHANNEL_WAIT_NOT_YET_REGISTERED] =
        (notInlined[CHANNEL_WAIT_NOT_YET_REGISTERED] as number) + 1;
    } else {
      this.#inlined++;
    }
    // #dispatch, written out (see above).
    const target = r.target;
    const reason = r.reason;
    releaseRequest(r);
    this.#running++;
    pushFrame(this.owner, this, this.#ownerFrames);
    try {
      target?.invoke(reason);
    } finally {
      popFrame();
      this.#running--;
      this.#afterCallback();
    }
  }

  /** Idle: no callback running and nothing ready. Waits and delayed tasks do not count. */
  isIdle(): boolean {
    return this.#running === 0 && this.#queue.isEmpty;
  }

  /** @internal A synchronized dispatcher with a callback on the stack cannot take more work. */
  isBlocked(): boolean {
    return this.synchronized && this.#running > 0;
  }

  /**
   * The one place where work queues on a dispatcher. The RFC's future work
   * hooks in here: transport backpressure (a bounded queue that reports),
   * tracing of operations across drivers, per-message priority.
   */
  #enqueue(r: CallbackRequest): void {
    r.where = Where.queued;
    this.#queue.push(r);
    if (!this.isBlocked()) markReady(this);
  }

  #dispatch(r: CallbackRequest): void {
    const target = r.target;
    const status = r.reason;
    releaseRequest(r);
    this.#running++;
    pushFrame(this.owner, this, this.#ownerFrames);
    try {
      target?.invoke(status);
    } finally {
      popFrame();
      this.#running--;
      this.#afterCallback();
    }
  }

  /** After a callback: more ready work, or a shutdown to complete, goes back to the loop. */
  #afterCallback(): void {
    if (this.isBlocked()) return;
    if (!this.#queue.isEmpty || (this.#state === 'shutting-down' && this.#running === 0)) {
      markReady(this);
    }
  }

  /** @internal LoopClient: one unit of ready work, or the shutdown completion. */
  runOne(): void {
    if (this.isBlocked() || this.#completingShutdown) return;
    if (this.#state === 'shutting-down') {
      if (this.#running === 0) this.#completeShutdown();
      return;
    }
    const r = this.#queue.shift();
    if (r === undefined) return;
    this.#dispatch(r);
    if (!this.isBlocked() && !this.#queue.isEmpty) markReady(this);
  }

  /** @internal The run loop moves a due delayed task here; due tasks are not re-counted. */
  onDelayedDue(r: CallbackRequest): void {
    this.#enqueue(r);
  }

  // ---- registered waits, used by channels and tokens -----------------------

  /** @internal Registers a channel wait: it waits here until a message or a close hands it over. */
  registerWait(r: CallbackRequest): void {
    const tail = this.#registeredTail;
    r.where = Where.registered;
    r.prev = tail;
    r.next = null;
    if (tail !== null) tail.next = r;
    else this.#registeredHead = r;
    this.#registeredTail = r;
  }

  #unlinkRegistered(r: CallbackRequest): void {
    const prev = r.prev;
    const next = r.next;
    if (prev !== null) prev.next = next;
    else this.#registeredHead = next;
    if (next !== null) next.prev = prev;
    else this.#registeredTail = prev;
    r.prev = null;
    r.next = null;
    r.where = Where.free;
  }

  /** Takes `r` out of whichever of this dispatcher's containers holds it. */
  #remove(r: CallbackRequest): boolean {
    switch (r.where) {
      case Where.registered:
        this.#unlinkRegistered(r);
        return true;
      case Where.queued:
        return this.#queue.remove(r);
      case Where.shutdown:
        return this.#shutdownQueue.remove(r);
      case Where.delayed:
        removeDelayed(r);
        return true;
      default:
        return false;
    }
  }

  /** @internal Synchronous cancel: the request is gone and its callback never runs. */
  cancelRequest(r: CallbackRequest): boolean {
    if (r.dispatcher !== this || !this.#remove(r)) return false;
    releaseRequest(r);
    return true;
  }

  /** @internal Asynchronous cancel of a request already handed over: it will run with CANCELED. */
  markCanceled(r: CallbackRequest): boolean {
    if (r.dispatcher !== this) return false;
    if (r.where !== Where.queued && r.where !== Where.shutdown) return false;
    r.reason = Status.ERR_CANCELED;
    return true;
  }

  /** @internal */
  addPendingRegistration(reg: PendingRegistration): void {
    this.#pendingRegistrations.add(reg);
  }

  /** @internal */
  removePendingRegistration(reg: PendingRegistration): boolean {
    return this.#pendingRegistrations.delete(reg);
  }

  // ---- introspection -------------------------------------------------------

  dump(): string[] {
    return formatDump(this);
  }

  stats(): DispatcherStats {
    const n = this.#notInlined;
    return {
      processed: this.#processed,
      inlined: this.#inlined,
      notInlined: {
        allowSyncCalls: n[ALLOW_SYNC_CALLS] as number,
        parallelDispatch: n[PARALLEL_DISPATCH] as number,
        task: n[TASK] as number,
        unknownThread: n[UNKNOWN_THREAD] as number,
        reentrant: n[REENTRANT] as number,
        channelWaitNotYetRegistered: n[CHANNEL_WAIT_NOT_YET_REGISTERED] as number,
      },
    };
  }

  /** @internal Queued tasks in run order (ready queue, then shutdown queue), for dumps. */
  queuedTasks(): CallbackRequest[] {
    const out: CallbackRequest[] = [];
    for (const q of [this.#queue, this.#shutdownQueue]) {
      for (let i = 0; i < q.size; i++) {
        const r = q.at(i);
        if (r !== undefined && r.kind === RequestKind.task) out.push(r);
      }
    }
    return out;
  }

  /** @internal env.hasQueuedTasks */
  hasQueuedTasks(): boolean {
    return this.queuedTasks().length > 0;
  }

  /** @internal env.reset(): the dispatcher is forgotten and unusable. */
  forget(): void {
    this.#state = 'destroyed';
    this.#queue.clear();
    this.#shutdownQueue.clear();
    this.#registeredHead = this.#registeredTail = null;
    this.#pendingRegistrations.clear();
    this.inReadyList = false;
  }

  toString(): string {
    return describeDispatcher(this);
  }
}

/** Rule 1's exception: the sender is itself a synchronized allowSyncCalls dispatcher. */
function senderAllowsSyncCalls(): boolean {
  const sender = currentDispatcher();
  return sender !== null && sender.synchronized && sender.allowSyncCalls;
}

/** `x instanceof Dispatcher` without the instanceof: see isArena (arena.ts) for why. */
export function isDispatcher(x: unknown): x is Dispatcher {
  // eslint-disable-next-line no-prototype-builtins -- a class prototype: isPrototypeOf is Object.prototype's
  return DISPATCHER_PROTOTYPE.isPrototypeOf(x as object);
}

const DISPATCHER_PROTOTYPE: object = Dispatcher.prototype;

function checkOptions(opts: DispatcherOptions): void {
  if (typeof opts !== 'object' || opts === null || typeof opts.name !== 'string') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'Dispatcher options need a name: { name: string, synchronized?, allowSyncCalls?, onShutdown? }',
    );
  }
  if (opts.synchronized === false && opts.allowSyncCalls === true) {
    throw new StatusError(
      Status.ERR_NOT_SUPPORTED,
      `dispatcher '${opts.name}': an unsynchronized dispatcher cannot allow sync calls; drop allowSyncCalls or keep it synchronized`,
    );
  }
}

export { Task };
