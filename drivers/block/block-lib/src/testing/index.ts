/**
 * @fdf/block-lib/testing: test helpers shared by the block packages' tests
 * (not used by any driver at run time).
 *
 * - `TestStack` (driverHarness.ts): real DriverHosts on the test's thread,
 *   wired by a small fake of the manager's link; gpt, fvm and zxcrypt.
 * - `MemoryDisk` (driverMemoryDisk.ts): a block device over a byte array,
 *   offered as Block and as a Banjo table, with op builders and checks.
 * - Op builders, a completion recorder and a fake-time runtime
 *   (fixtures.ts), `testHost` (testHost.ts: one DriverHost with a recording
 *   manager link) and `Rng` (random.ts): ramdisk and block-core.
 */
export { TestStack, type StartOptions } from './driverHarness.js';
export { MemoryDisk, plaintext, run, rwOp, sameBytes, type LoggedOp } from './driverMemoryDisk.js';
export {
  fakeTimeEnv,
  flushOp,
  patternVmo,
  readOp,
  recorder,
  resetRuntime,
  rw,
  sha256,
  trimOp,
  writeOp,
  type Completed,
  type FakeTimeEnv,
} from './fixtures.js';
export { Rng } from './random.js';
export { testHost, type TestHost } from './testHost.js';
