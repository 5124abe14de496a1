import { afterEach } from 'vitest';
import { env } from '../env.js';

// Leave no timer or scheduled turn behind a test, whatever it did.
afterEach(() => {
  env.reset();
  env.setClock(null);
});
