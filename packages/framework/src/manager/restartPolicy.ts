/**
 * When a crashed driver is started again. A driver whose manifest says
 * `onCrash: restart` is restarted on the same node until it crashed more
 * than `maxRestarts` times within `windowMs`; then its node is quarantined,
 * so a driver that crashes on start cannot spin a host up and down forever.
 */
import type { DriverManifest } from '../manifest/driverManifest.js';

export type RestartDecision =
  | { readonly restart: true; readonly attempt: number; readonly maxRestarts: number }
  | { readonly restart: false; readonly reason: string };

export class RestartPolicy {
  /** Crash times (ms) per driver and node. */
  readonly #crashes = new Map<string, number[]>();

  /** Records a crash of `driver` on `node` at `nowMs` and decides. */
  onCrash(manifest: DriverManifest, node: string, nowMs: number, error: string): RestartDecision {
    if (manifest.onCrash !== 'restart' || manifest.restartLimits === undefined) {
      return {
        restart: false,
        reason: `driver ${manifest.name} crashed (${error}) and its manifest says onCrash: none; set \`onCrash: restart\` in ${manifest.file} to restart it`,
      };
    }
    const { maxRestarts, windowMs } = manifest.restartLimits;
    const key = `${manifest.name}@${node}`;
    const recent = (this.#crashes.get(key) ?? []).filter((t) => nowMs - t < windowMs);
    recent.push(nowMs);
    this.#crashes.set(key, recent);
    if (recent.length > maxRestarts) {
      return {
        restart: false,
        reason: `driver ${manifest.name} crashed ${recent.length} times within ${windowMs} ms (last: ${error}), more than restartLimits.maxRestarts = ${maxRestarts}; fix the crash, then restart the board`,
      };
    }
    return { restart: true, attempt: recent.length, maxRestarts };
  }
}
