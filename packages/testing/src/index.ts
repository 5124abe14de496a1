export { type FakeTime, resetEnv, runUntilIdle, useFakeTime } from './environment.js';
export {
  createFakeDriverContext,
  type DefaultDispatcherOptions,
  type FakeDriver,
  type FakeDriverContext,
  withDriver,
} from './driverContext.js';
export {
  startDriverForTest,
  type ConnectToDriverOptions,
  type DriverHarness,
  type DriverHarnessOptions,
  type HarnessChild,
  type StopStep,
} from './driverHarness.js';
export {
  fakeBanjo,
  fakeService,
  type FakeService,
  type FakeServiceOptions,
} from './driverHarnessParents.js';
export type { HarnessTransport } from './driverHarnessChild.js';
