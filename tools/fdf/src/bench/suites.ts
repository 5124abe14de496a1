import type { BenchSuite } from './harness.js';

/** Every suite, loaded lazily so that `pnpm bench runtime` does not start FIDL workers. */
export const suites: Record<string, () => Promise<BenchSuite>> = {
  runtime: async () => (await import('./runtimeSuite.js')).runtimeSuite(),
  fidl: async () => (await import('./fidlSuite.js')).fidlSuite(),
  framework: async () => (await import('./frameworkSuite.js')).frameworkSuite(),
  block: async () => (await import('./blockSuite.js')).blockSuite(),
};
