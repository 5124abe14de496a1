export { type FakeTime, resetEnv, runUntilIdle, useFakeTime } from './environment.js';
export {
  createFakeDriverContext,
  type DefaultDispatcherOptions,
  type FakeDriver,
  type FakeDriverContext,
  withDriver,
} from './driverContext.js';
