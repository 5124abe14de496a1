/**
 * What the resolution passes share: the diagnostic sink, every library, and a
 * way to compile a declaration on demand (constants and aliases are compiled
 * lazily, when something first refers to them, which is how cycles surface).
 */
import type { LookupEnv } from './lookup.js';
import type { Decl } from './model.js';

export interface Env extends LookupEnv {
  ensureCompiled(decl: Decl): void;
}
