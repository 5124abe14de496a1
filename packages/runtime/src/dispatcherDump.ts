import { currentDispatcher, currentDriver } from './callStack.js';
import type { Dispatcher } from './dispatcher.js';
import { driverLabel } from './driverRegistry.js';
import type { Task } from './task.js';
import type { DispatcherState, InlineBlocker } from './types.js';

/**
 * The lines of fdf_env_dispatcher_dump. The wording (including "thread") is
 * the real runtime's, because people search logs for these exact lines.
 */
const REASON_LINES: readonly [InlineBlocker, string][] = [
  ['allowSyncCalls', 'Calling from a non-blocking to a blocking (ALLOW_SYNC_CALLS) dispatcher'],
  ['parallelDispatch', 'Another thread was already dispatching a request'],
  ['task', 'The request was a task'],
  ['unknownThread', 'The request was queued from an unknown thread'],
  ['reentrant', 'The request would have been reentrant'],
  [
    'channelWaitNotYetRegistered',
    'Channel wait was not yet registered when the message was received',
  ],
];

const STATE_TEXT: Record<DispatcherState, string> = {
  running: 'running',
  'shutting-down': 'shutting down',
  shutdown: 'shutdown',
  destroyed: 'destroyed',
};

export function formatDump(d: Dispatcher): string[] {
  const lines = ['---- Runtime Dispatcher Dump Begin ----'];
  const running = currentDispatcher();
  lines.push(
    running === null
      ? 'The current thread is not managed by the driver runtime.'
      : `The current thread is managed by the driver runtime, running dispatcher: ${running.name} (driver ${driverLabel(currentDriver())})`,
  );
  lines.push(`Dispatcher to dump: ${d.name} (driver ${driverLabel(d.owner)})`);
  lines.push(`Synchronized: ${String(d.synchronized)}`);
  lines.push(`Allow sync calls: ${String(d.allowSyncCalls)}`);
  lines.push(`State: ${STATE_TEXT[d.state]}`);
  const stats = d.stats();
  lines.push(`Processed ${stats.processed} requests, ${stats.inlined} were inlined`);
  if (stats.processed !== stats.inlined) {
    lines.push('Reasons why requests were not inlined:');
    for (const [reason, text] of REASON_LINES) {
      const n = stats.notInlined[reason];
      if (n > 0) lines.push(`* ${text}: ${n} times`);
    }
  }
  const tasks = d.queuedTasks();
  if (tasks.length === 0) {
    lines.push('No queued tasks');
  } else {
    lines.push(`${tasks.length} Queued Tasks:`);
    for (const r of tasks) {
      lines.push(`Task: #${(r.target as Task).id}`);
      const by = r.initiatingDispatcher;
      lines.push(
        by === null
          ? ' - Task was not queued from a runtime thread'
          : ` - Task was queued by dispatcher ${by.name} (driver ${driverLabel(r.initiatingDriver)})`,
      );
    }
  }
  return lines;
}
