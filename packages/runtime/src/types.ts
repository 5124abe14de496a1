import type { Handle } from '@fdf/zx';
import type { Arena } from './arena.js';
import type { Dispatcher } from './dispatcher.js';

/** Why a hand-over was queued instead of run in the sender's frame (the dump's reasons). */
export type InlineBlocker =
  | 'allowSyncCalls'
  | 'parallelDispatch'
  | 'task'
  | 'unknownThread'
  | 'reentrant'
  | 'channelWaitNotYetRegistered';

export const INLINE_BLOCKERS: readonly InlineBlocker[] = [
  'allowSyncCalls',
  'parallelDispatch',
  'task',
  'unknownThread',
  'reentrant',
  'channelWaitNotYetRegistered',
];

export type DispatcherState = 'running' | 'shutting-down' | 'shutdown' | 'destroyed';

export interface DispatcherOptions {
  name: string;
  /** Default true: one callback at a time, FIFO. */
  synchronized?: boolean | undefined;
  /** The dispatcher may block in `Channel.call`. Needs `synchronized`. */
  allowSyncCalls?: boolean | undefined;
  /** Runs once, after the CANCELED callbacks of the shutdown. */
  onShutdown?: ((d: Dispatcher) => void) | undefined;
}

export interface DispatcherStats {
  /** Every hand-over: inlined or queued. */
  processed: number;
  inlined: number;
  notInlined: Record<InlineBlocker, number>;
}

/** A message as read: the reader owns one reference on `arena`. */
export interface Message<T = unknown> {
  arena: Arena | null;
  data: T | null;
  handles: Handle[];
}
