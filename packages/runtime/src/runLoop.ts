import { Status, StatusError } from '@fdf/zx';
import { type Clock, FakeClock, realClock } from './clock.js';
import { type CallbackRequest, Where } from './callbackRequest.js';
import { RingQueue } from './ringQueue.js';

/**
 * The host's run loop: the one place queued work runs from. It schedules
 * itself (one macrotask, only while something is ready), runs a bounded batch
 * per turn so I/O and timers interleave, and keeps one timer for the earliest
 * delayed task. Dispatchers put themselves on the ready list; the loop asks
 * each to run one unit of work, round-robin, so each dispatcher's FIFO holds
 * and no dispatcher starves the others.
 */
export interface LoopClient {
  /** Set by the loop: the client is on the ready list. */
  inReadyList: boolean;
  /**
   * Runs one unit of ready work if the client can (a synchronized dispatcher
   * already on the call stack cannot). A client that still has work after
   * this calls `markReady` itself.
   */
  runOne(): void;
}

/**
 * A source of work from outside this host (a zircon channel whose peer lives
 * in another worker). A blocked sync call asks it to wait for incoming work
 * when nothing in the host can run. Returns true when it made work ready.
 */
export interface BlockingSource {
  waitSync(timeoutMs: number): boolean;
}

/** Callbacks per macrotask before yielding to I/O and timers. */
export const BATCH_SIZE = 256;

let clock: Clock = realClock;
const ready = new RingQueue<LoopClient>(64);
let turnScheduled = false;
let immediate: ReturnType<typeof setImmediate> | null = null;
const blockingSources: BlockingSource[] = [];
let turns = 0;

// ---- clock -----------------------------------------------------------------

export function now(): number {
  return clock.now();
}

export function currentClock(): Clock {
  return clock;
}

/**
 * Installs a clock (null: the real one). Pending delayed tasks keep the time
 * they had left, measured on the new clock.
 */
export function setClock(next: Clock | null): void {
  const incoming = next ?? realClock;
  if (incoming === clock) return;
  const before = clock.now();
  const after = incoming.now();
  if (clock instanceof FakeClock) clock.attach(null);
  clock = incoming;
  for (const r of heap) r.deadline = after + (r.deadline - before);
  if (clock instanceof FakeClock) clock.attach(onTimeMoved);
  onTimeMoved();
}

// ---- ready list and turns --------------------------------------------------

export function markReady(client: LoopClient): void {
  if (client.inReadyList) return;
  client.inReadyList = true;
  ready.push(client);
  scheduleTurn();
}

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  immediate = setImmediate(turn);
}

function turn(): void {
  turnScheduled = false;
  immediate = null;
  turns++;
  try {
    promoteDue();
    for (let n = 0; n < BATCH_SIZE && runOneStep(); n++);
  } finally {
    // Re-arm before any error escapes: a throwing callback must not stall the host.
    if (!ready.isEmpty) scheduleTurn();
  }
}

/** How many macrotask turns ran; tests use it to check the loop schedules itself. */
export function turnCount(): number {
  return turns;
}

export function isTurnScheduled(): boolean {
  return turnScheduled;
}

/** Runs one unit of ready work. False when the ready list is empty. */
export function runOneStep(): boolean {
  const client = ready.shift();
  if (client === undefined) return false;
  client.inReadyList = false;
  client.runOne();
  return true;
}

/**
 * Drains every ready queue now, including work that the drained work queues
 * (and delayed tasks that come due meanwhile). Pending waits and delayed
 * tasks that are not due do not keep it running.
 */
export function runUntilIdle(): void {
  for (;;) {
    promoteDue();
    if (!runOneStep()) break;
  }
  // Everything ran here; a turn scheduled meanwhile would find nothing to do.
  if (immediate !== null && ready.isEmpty) {
    clearImmediate(immediate);
    immediate = null;
    turnScheduled = false;
  }
}

// ---- delayed tasks ---------------------------------------------------------

/** Min-heap on (deadline, seq) across all dispatchers; records know their index. */
const heap: CallbackRequest[] = [];
let nextSeq = 1;
let timer: ReturnType<typeof setTimeout> | null = null;
let timerDeadline = Infinity;

export function addDelayed(r: CallbackRequest, deadline: number): void {
  r.deadline = deadline;
  r.seq = nextSeq++;
  r.where = Where.delayed;
  r.heapIndex = heap.length;
  heap.push(r);
  siftUp(r.heapIndex);
  armTimer();
}

export function removeDelayed(r: CallbackRequest): void {
  const i = r.heapIndex;
  if (i < 0) return;
  const last = heap.pop() as CallbackRequest;
  r.heapIndex = -1;
  if (last !== r) {
    heap[i] = last;
    last.heapIndex = i;
    siftDown(i);
    siftUp(last.heapIndex);
  }
  armTimer();
}

/** The delayed tasks of one dispatcher in the order they would run. */
export function delayedOf(owner: unknown): CallbackRequest[] {
  return heap.filter((r) => r.dispatcher === owner).sort(before);
}

/** The earliest deadline among delayed tasks that `canRun` accepts, or Infinity. */
export function earliestDeadline(canRun: (r: CallbackRequest) => boolean): number {
  let best = Infinity;
  for (const r of heap) if (r.deadline < best && canRun(r)) best = r.deadline;
  return best;
}

/** Moves delayed tasks that are due onto their dispatchers' queues. */
export function promoteDue(): void {
  if (heap.length === 0) return;
  const t = clock.now();
  let top = heap[0];
  while (top !== undefined && top.deadline <= t) {
    removeDelayed(top);
    const d = top.dispatcher;
    if (d) d.onDelayedDue(top);
    top = heap[0];
  }
}

function onTimeMoved(): void {
  promoteDue();
  armTimer();
}

function armTimer(): void {
  const deadline = clock.manual ? Infinity : (heap[0]?.deadline ?? Infinity);
  if (deadline === timerDeadline) return;
  if (timer !== null) clearTimeout(timer);
  timer = null;
  timerDeadline = deadline;
  if (deadline === Infinity) return;
  // Node timers have millisecond granularity and may fire a little early;
  // onTimer re-arms when the head is not due yet.
  timer = setTimeout(onTimer, Math.max(1, Math.ceil(deadline - clock.now())));
}

function onTimer(): void {
  timer = null;
  timerDeadline = Infinity;
  promoteDue();
  armTimer();
}

function before(a: CallbackRequest, b: CallbackRequest): number {
  return a.deadline - b.deadline || a.seq - b.seq;
}

function siftUp(i: number): void {
  const r = heap[i] as CallbackRequest;
  while (i > 0) {
    const parentIndex = (i - 1) >> 1;
    const parent = heap[parentIndex] as CallbackRequest;
    if (before(parent, r) <= 0) break;
    heap[i] = parent;
    parent.heapIndex = i;
    i = parentIndex;
  }
  heap[i] = r;
  r.heapIndex = i;
}

function siftDown(i: number): void {
  const r = heap[i] as CallbackRequest;
  const n = heap.length;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    let child = left;
    if (right < n && before(heap[right] as CallbackRequest, heap[left] as CallbackRequest) < 0) {
      child = right;
    }
    const c = heap[child] as CallbackRequest;
    if (before(r, c) <= 0) break;
    heap[i] = c;
    c.heapIndex = i;
    i = child;
  }
  heap[i] = r;
  r.heapIndex = i;
}

// ---- blocking --------------------------------------------------------------

/** Hook for cross-host transports: see BlockingSource. Returns an unregister function. */
export function registerBlockingSource(source: BlockingSource): () => void {
  blockingSources.push(source);
  return () => {
    const i = blockingSources.indexOf(source);
    if (i >= 0) blockingSources.splice(i, 1);
  };
}

/** Asks the blocking sources for work, for at most `timeoutMs`. True when some came. */
export function waitForExternalWork(timeoutMs: number): boolean {
  for (const s of blockingSources) if (s.waitSync(timeoutMs)) return true;
  return false;
}

export function hasBlockingSources(): boolean {
  return blockingSources.length > 0;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the host thread: only a sync call with the real clock does this. */
export function sleepUntil(deadline: number): void {
  if (clock.manual) {
    throw new StatusError(
      Status.ERR_BAD_STATE,
      'cannot sleep on a fake clock: nothing can advance it while the thread is blocked',
    );
  }
  const ms = deadline - clock.now();
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

// ---- reset -----------------------------------------------------------------

export function resetRunLoop(): void {
  for (let c = ready.shift(); c !== undefined; c = ready.shift()) c.inReadyList = false;
  if (immediate !== null) clearImmediate(immediate);
  immediate = null;
  turnScheduled = false;
  for (const r of heap) r.heapIndex = -1;
  heap.length = 0;
  if (timer !== null) clearTimeout(timer);
  timer = null;
  timerDeadline = Infinity;
  blockingSources.length = 0;
}
