/**
 * What the driver manager reports while it runs a board: the progress the
 * CLI prints, the crashes a test awaits, the drivers' log records.
 */
import { formatLogRecord, type LogRecord } from '../driver/logger.js';

export type ManagerEvent =
  | {
      readonly type: 'host-started';
      readonly host: string;
      readonly threadId: number;
      readonly start: number;
    }
  | { readonly type: 'host-stopped'; readonly host: string }
  | {
      readonly type: 'host-crashed';
      readonly host: string;
      readonly error: string;
      readonly drivers: readonly string[];
    }
  | {
      readonly type: 'driver-started';
      readonly driver: string;
      readonly node: string;
      readonly host: string;
      readonly ms: number;
    }
  | {
      readonly type: 'driver-failed';
      readonly driver: string;
      readonly node: string;
      readonly error: string;
    }
  | {
      readonly type: 'driver-stopped';
      readonly driver: string;
      readonly node: string;
      readonly host: string;
    }
  | {
      readonly type: 'driver-restarting';
      readonly driver: string;
      readonly node: string;
      readonly attempt: number;
      readonly maxRestarts: number;
    }
  | {
      readonly type: 'node-quarantined';
      readonly node: string;
      readonly driver: string;
      readonly reason: string;
    }
  | { readonly type: 'match-ambiguous'; readonly node: string; readonly drivers: readonly string[] }
  | { readonly type: 'log'; readonly record: LogRecord };

export type ManagerListener = (event: ManagerEvent) => void;

/** One line per event, as `fdf board run` prints progress. */
export function formatManagerEvent(e: ManagerEvent): string {
  switch (e.type) {
    case 'host-started':
      return `host ${e.host} started (thread ${e.threadId}${e.start > 1 ? `, start #${e.start}` : ''})`;
    case 'host-stopped':
      return `host ${e.host} stopped`;
    case 'host-crashed':
      return `host ${e.host} CRASHED: ${e.error} (drivers: ${e.drivers.join(', ') || 'none'})`;
    case 'driver-started':
      return `${e.driver} started on ${e.node} in host ${e.host} (${e.ms.toFixed(1)} ms)`;
    case 'driver-failed':
      return `${e.driver} failed on ${e.node}: ${e.error}`;
    case 'driver-stopped':
      return `${e.driver} stopped on ${e.node}`;
    case 'driver-restarting':
      return `${e.driver} restarting on ${e.node} (restart ${e.attempt} of at most ${e.maxRestarts})`;
    case 'node-quarantined':
      return `${e.node} quarantined (${e.driver}): ${e.reason}`;
    case 'match-ambiguous':
      return `${e.node} matches several drivers: ${e.drivers.join(', ')}; the first one binds`;
    case 'log':
      return formatLogRecord(e.record);
  }
}
